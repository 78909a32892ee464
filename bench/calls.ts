// Per-call overhead: a compiled 5-operation scalar gradient called from JS,
// beside the same gradient differentiated by hand in plain JS.

import { grad, setBackend } from "../runtime/index.js";
import type { Backend } from "../runtime/kernels.js";

// f(x, y) = x·y + sin(x)·cos(y): five operations
export const f = (x: number, y: number) => x * y + Math.sin(x) * Math.cos(y);
const handGrad = (x: number, y: number) => y + Math.cos(x) * Math.cos(y);

/**
 * ns per call of `fn`. Each measurement gets its own loop (a fresh function),
 * so one call site never sees several targets: V8 would make it polymorphic
 * and slow down whichever target is measured later.
 */
function nsPerCall(fn: (x: number, y: number) => number, n = 2_000_000): number {
  const loop = new Function(
    "fn",
    "n",
    "let acc = 0; const t0 = performance.now(); for (let k = 0; k < n; k++) acc += fn(k * 1e-6, 0.5);" +
      "return [((performance.now() - t0) * 1e6) / n, acc];",
  ) as (f: typeof fn, n: number) => [number, number];
  loop(fn, 200_000); // warm up (and let V8 optimise the loop before it is timed)
  const [ns, acc] = loop(fn, n);
  if (!Number.isFinite(acc)) throw new Error("benchmark result is not finite");
  return ns;
}

export function callOverhead(backends: Backend[]): Record<string, number> {
  const out: Record<string, number> = { "hand-written JS gradient": nsPerCall(handGrad) };
  for (const b of backends) {
    setBackend(b);
    const g = grad(f);
    if (Math.abs(g(0.3, 0.5) - handGrad(0.3, 0.5)) > 1e-12) throw new Error(`${b} gradient disagrees with the hand-written one`);
    out[`tsgrad ${b} backend`] = nsPerCall(g);
  }
  setBackend("auto");
  return out;
}
