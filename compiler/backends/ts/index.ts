// The TypeScript backend: IR Func → readable TypeScript (`tsgrad emit`).
export { emitTs, type EmitTsOptions } from "./emit.js";
export { tsPrims, type Expr, type TsLowering } from "./expr.js";
