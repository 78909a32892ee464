// `npm run bench`: the performance figures quoted in README.md.

import { cpus } from "node:os";
import { nativeAvailable } from "../compiler/backends/llvm/index.js";
import { callOverhead } from "./calls.js";
import { compileTimes } from "./compile.js";

const native = nativeAvailable().ok;
console.log(`machine: ${cpus()[0]?.model ?? "unknown"} x${cpus().length}, node ${process.version}`);

console.log("\nper-call overhead, f(x, y) = x*y + sin(x)*cos(y), df/dx (ns per call)");
for (const [name, ns] of Object.entries(callOverhead(native ? ["native", "js"] : ["js"]))) console.log(`  ${name.padEnd(28)} ${ns.toFixed(1)}`);

console.log("\ncompile time of a module with three gradients (ms)");
const t = compileTimes();
const row = (name: string, r: typeof t.cold) =>
  console.log(`  ${name.padEnd(6)} front end + rewrite ${r.buildMs.toFixed(1).padStart(7)}   kernels ${r.kernelMs.toFixed(1).padStart(7)}   total ${r.totalMs.toFixed(1).padStart(7)}   (process wall ${r.wallMs.toFixed(0)})`);
row("cold", t.cold);
row("warm", t.warm);
