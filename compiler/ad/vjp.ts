// Reverse mode (VJP): the implementation is split by construct under vjp/
// (its header documents the memory and time of each construct).
export { Copier, ReverseModeError, vjpFunc, type VjpOptions } from "./vjp/index.js";
