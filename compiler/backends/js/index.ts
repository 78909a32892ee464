// The JS backend: IR Func → JavaScript source / a callable function.
export { compileJs, emitJs, jsName, type JsValue, type TypedArray } from "./emit.js";
export { jsPrims, type JsLowering } from "./prims.js";
