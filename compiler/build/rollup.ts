// `import tsgrad from "tsgrad/rollup"`: the plugin factory for rollup (see plugin.ts).
import { unplugin } from "./plugin.js";

export default unplugin.rollup;
