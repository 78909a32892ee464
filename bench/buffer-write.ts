// Reverse mode through buffer writes: the gradient of filling a buffer in a
// loop and summing it, `for (i) buf[i] = Math.sin(x[i] * k)`, at three sizes.
// The adjoint of each write and the undo of each overwritten element run in
// place, so the time per element should stay about the same as n grows.

import { gradFunc } from "../compiler/ad/grad.js";
import { compileSource } from "../compiler/frontend/index.js";
import { runFunc } from "../runtime/call.js";
import { type Backend, setBackend } from "../runtime/kernels.js";

const source = `
export function fill(x: Float64Array, k: number) {
  const buf = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) buf[i] = Math.sin(x[i] * k);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += buf[i];
  return s;
}`;

export interface BufferWriteRow {
  backend: string;
  n: number;
  ms: number;
  ns_per_element: number;
}

export function bufferWriteRows(backends: Backend[], sizes = [1000, 10000, 100000]): BufferWriteRow[] {
  const f = compileSource(source, { fileName: "buffer-write.ts" }).funcs.get("fill")!;
  const g = gradFunc(f, { argnums: [0, 1], keep: [0] });
  const rows: BufferWriteRow[] = [];
  for (const backend of backends) {
    setBackend(backend);
    for (const n of sizes) {
      const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
      runFunc(g, [x, 0.5]); // compile and warm up
      const reps = Math.max(3, Math.round(2e6 / n));
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) runFunc(g, [x, 0.5]);
      const ms = (performance.now() - t0) / reps;
      rows.push({ backend, n, ms, ns_per_element: (ms * 1e6) / n });
    }
  }
  setBackend("auto");
  return rows;
}
