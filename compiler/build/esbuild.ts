// `import tsgrad from "tsgrad/esbuild"`: the plugin factory for esbuild (see plugin.ts).
import { unplugin } from "./plugin.js";

export default unplugin.esbuild;
