// What the build step's operator rewrite costs a number-only helper: the same
// polynomial evaluated with plain operators (what an annotated helper keeps)
// and through the eager `op` calls (what an unannotated one gets), ns per call.

import { op } from "../runtime/ops.js";

function plain(x: number, y: number): number {
  return (x * x + 3 * y) / (1 + x * y) - y;
}

function rewritten(x: any, y: any): any {
  return op.sub(op.div(op.add(op.mul(x, x), op.mul(3, y)), op.add(1, op.mul(x, y))), y);
}

/** Times `f` at a call site of its own (one shared site would go polymorphic and time the dispatch). */
function time(f: (x: number, y: number) => number): number {
  return new Function("f", TIMER)(f) as number;
}

const TIMER = `
  let s = 0;
  for (let i = 0; i < 1e6; i++) s += f(i * 1e-6, 0.5);
  const n = 2e7;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) s += f(i * 1e-7, 0.5);
  const ns = Number(process.hrtime.bigint() - t0) / n;
  if (Number.isNaN(s)) throw new Error("unreachable");
  return ns;`;

export function eagerOpsRows(): { plain: number; rewritten: number } {
  return { plain: time(plain), rewritten: time(rewritten) };
}
