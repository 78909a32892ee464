// `import tsgrad from "tsgrad/webpack"`: the plugin factory for webpack (see plugin.ts).
import { unplugin } from "./plugin.js";

export default unplugin.webpack;
