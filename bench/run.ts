// `npm run bench`: the performance figures quoted in README.md.

import { cpus } from "node:os";
import { nativeAvailable } from "../compiler/backends/llvm/index.js";
import { bufferWriteRows } from "./buffer-write.js";
import { callOverhead } from "./calls.js";
import { compileTimes } from "./compile.js";
import { eagerOpsRows } from "./eager-ops.js";
import { logregRows } from "./logreg.js";

const native = nativeAvailable().ok;
console.log(`machine: ${cpus()[0]?.model ?? "unknown"} x${cpus().length}, node ${process.version}`);

console.log("\nper-call overhead, f(x, y) = x*y + sin(x)*cos(y), df/dx (ns per call)");
for (const [name, ns] of Object.entries(callOverhead(native ? ["native", "js"] : ["js"]))) console.log(`  ${name.padEnd(28)} ${ns.toFixed(1)}`);

const ops = eagerOpsRows();
console.log(`\na number-only helper, ns per call: plain operators ${ops.plain.toFixed(2)}, through the eager op calls ${ops.rewritten.toFixed(2)}`);

console.log("\ncompile time of a module with three gradients (ms), a fresh process each; cold = empty cache");
const t = compileTimes();
const row = (name: string, r: typeof t.cold) =>
  console.log(
    `  ${name.padEnd(6)} front end + AD + rewrite ${r.buildMs.toFixed(1).padStart(7)}   kernels ${r.kernelMs.toFixed(1).padStart(7)}   total ${r.totalMs.toFixed(1).padStart(7)}` +
      `   (+ loading the TypeScript compiler ${r.loadMs.toFixed(0)}; process wall ${r.wallMs.toFixed(0)})`,
  );
row("cold", t.cold);
row("warm", t.warm);

console.log("\nlogistic regression (the tutorial's loss), µs per call; ratio = gradient / loss");
console.log("  n       d    dtype    backend  loss      gradient  ratio  hand JS loss  hand JS gradient");
for (const r of logregRows(native ? ["native", "js"] : ["js"])) {
  const f = (x: number) => x.toFixed(x < 10 ? 2 : 0).padStart(9);
  console.log(`  ${String(r.n).padEnd(7)} ${String(r.d).padEnd(4)} ${r.dtype.padEnd(8)} ${r.backend.padEnd(7)} ${f(r.loss_us)} ${f(r.grad_us)} ${(r.grad_us / r.loss_us).toFixed(2).padStart(6)} ${f(r.hand_loss_us)}     ${f(r.hand_grad_us)}`);
}

console.log("\ngradient of a buffer fill, for (i) buf[i] = sin(x[i] * k), then its sum (reverse mode, writes in place)");
console.log("  backend  n        ms/call   ns/element");
for (const r of bufferWriteRows(native ? ["native", "js"] : ["js"])) {
  console.log(`  ${r.backend.padEnd(8)} ${String(r.n).padEnd(8)} ${r.ms.toFixed(3).padStart(8)} ${r.ns_per_element.toFixed(1).padStart(11)}`);
}
