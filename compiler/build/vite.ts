// `import tsgrad from "tsgrad/vite"`: the plugin factory for vite (see plugin.ts).
import { unplugin } from "./plugin.js";

export default unplugin.vite;
