// Reverse of `outs = if c { then } else { else }`: the taken branch is
// recomputed from the values it reads, then reversed; the `if` yields the
// adjoints of the outer variables the branches read. Adjoints of outer arrays
// go into the branches and come back updated (in place where a branch reads
// single elements); scalars come back as contributions.
// Time: one more run of the taken branch; memory: none beyond the branch's own.

import { freeVars } from "../../ir/analysis.js";
import { adjointName } from "../../ir/names.js";
import type { Block, IfStmt, Var } from "../../ir/syntax.js";
import { zeroLike } from "../jvp.js";
import type { Adjoints, Reverser } from "./context.js";

export function reverseIf(r: Reverser, s: IfStmt, adj: Adjoints): void {
  const { b } = r;
  const free = unique([...freeVars(s.then), ...freeVars(s.else)]).filter((x) => r.active.has(x.name));
  const seeds = s.outs.map((o) => adj.get(o.name));
  const preArrays = free.filter((x) => x.type.rank > 0).map((x) => [x.name, adj.get(x.name) ?? zeroLike(b, r.sub(x))] as const);
  const branch = (blk: Block) =>
    b.block(() => {
      const inner = r.reverseBlock(blk, seeds, new Map(preArrays));
      return free.map((x) => r.adjointOrZero(inner, x));
    });
  const cond = r.sub(s.cond);
  const thenB = branch(s.then);
  const elseB = branch(s.else);
  const outs = free.map((x) => b.fresh(adjointName(x.name), x.type));
  b.emit({ kind: "if", outs, cond, then: thenB, else: elseB });
  free.forEach((x, k) => (x.type.rank > 0 ? adj.set(x.name, outs[k]) : r.addAdjoint(adj, x, outs[k])));
}

export function unique(xs: Var[]): Var[] {
  const seen = new Map<string, Var>();
  for (const x of xs) if (!seen.has(x.name)) seen.set(x.name, x);
  return [...seen.values()];
}
