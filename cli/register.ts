// `node --import tsgrad/register app.ts`: installs the module hooks of
// `tsgrad run` (loader.ts) in any Node process, so TypeScript modules are
// rewritten by tsgrad's build step and stripped of types, "./x.js" imports
// find x.ts, and "tsgrad" resolves to this installation.

import { register } from "node:module";

register(new URL("./loader.js", import.meta.url));
