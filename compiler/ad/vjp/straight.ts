// Reverse of one primitive application `y = p(args)`: the adjoint of y is
// pushed to the arguments by the derivative table (rules.ts): partials are
// multiplied by the adjoint, linear primitives transposed, custom rules
// applied. Time and memory: one rule application, O(size of y).
//
// `a_i = arr_get(a, i)` updates an existing adjoint of `a` at index i
// (read the old element, then write: the adjoint array stays dead after its
// write, so backends update it in place); O(1).

import { adjointName } from "../../ir/names.js";
import type { PrimStmt } from "../../ir/syntax.js";
import { isElementwise } from "../../ir/syntax.js";
import { rules } from "../rules.js";
import type { Adjoints, Reverser } from "./context.js";

export function reversePrim(r: Reverser, s: PrimStmt, adj: Adjoints): void {
  const { b } = r;
  const out = s.outs[0];
  const ct = adj.get(out.name)!;
  const args = s.args.map((a) => r.sub(a));
  const rule = rules[s.prim];
  if (rule.kind === "zero") return;
  const a0 = s.args[0];
  if (s.prim === "arr_get" && a0.kind === "var" && adj.has(a0.name)) {
    const abar = adj.get(a0.name)!;
    const sum = b.add(b.prim("arr_get", [abar, args[1]]), ct);
    adj.set(a0.name, b.prim("arr_set", [abar, args[1], sum], undefined, adjointName(a0.name)));
    return;
  }
  const y = r.sub(out);
  const cts =
    rule.kind === "partials"
      ? rule.partials(b, args, y, s.attrs).map((p) => (p ? b.mul(p, ct, adjointName(out.name)) : null))
      : rule.kind === "linear"
        ? rule.transpose(b, ct, args, s.attrs)
        : rule.vjp(b, ct, args, y, s.attrs);
  // an argument broadcast into the result receives the sum over the broadcast axes
  const unbroadcast = isElementwise(s.prim) && y.type.rank > 0 && s.args.length > 1;
  s.args.forEach((a, k) => {
    const c = cts[k];
    if (!c || a.kind !== "var" || !r.active.has(a.name)) return;
    r.addAdjoint(adj, a, unbroadcast ? b.prim("sum_like", [c, args[k]], undefined, adjointName(a.name)) : c);
  });
}
