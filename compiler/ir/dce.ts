// Dead-code elimination, the one pass every stage uses (front end, AD,
// array lowering). It drops what nothing reads:
//   - a primitive none of whose results is used;
//   - the unused results of an `if` (each branch stops yielding them, and what
//     computed them goes too), and the whole `if` when none is used;
//   - a `for` or `while` none of whose results is used.
//
// The rule for loops, and tsgrad's semantics behind it: compiled functions are
// pure and total. Every primitive is pure, and a loop has no effect but its
// results, so a loop whose results nobody reads is dead code, even a `while`
// that would not terminate: non-termination is not an observable behaviour of a
// tsgrad program (as in Futhark and XLA), so removing such a loop may make a
// call return that would otherwise hang. The other passes already assume it:
// forward and reverse mode emit loops whose results only some derivatives
// read, and the array lowering emits loops that only some results read.
//
// Roots beyond the function's results: `keep(s)` keeps a statement (and every
// result of it) although nothing reads it; the array lowering keeps its shape
// checks this way (see passes/shapes.ts). Loops keep all their carried values.
//
// One backward sweep reaches the fixed point: in SSA every use follows its
// definition, so by the time a statement is visited, every reader of its
// results (nested blocks of later statements included) has been.

import { mapBlocks, stmtOperands } from "./analysis.js";
import type { Atom, Block, Func, Stmt } from "./syntax.js";

export type DceRoot = (s: Stmt) => boolean;

export function dce(f: Func, keep: DceRoot = () => false): Func {
  const live = new Set<string>();
  return { ...f, body: sweep(f.body, live, keep) };
}

/** Cleans `b` given that all its results are live; adds every variable it still reads to `live`. */
function sweep(b: Block, live: Set<string>, keep: DceRoot): Block {
  b.results.forEach((r) => use(live, r));
  const kept: Stmt[] = [];
  for (let k = b.stmts.length - 1; k >= 0; k--) {
    const s = sweepStmt(b.stmts[k], live, keep);
    if (s) kept.push(s);
  }
  return { stmts: kept.reverse(), results: b.results };
}

function sweepStmt(s: Stmt, live: Set<string>, keep: DceRoot): Stmt | null {
  const rooted = keep(s);
  const used = s.outs.map((o) => rooted || live.has(o.name));
  if (!used.some(Boolean) && !rooted) return null;
  let t = s;
  if (s.kind === "if" && !used.every(Boolean)) {
    const pick = (blk: Block): Block => ({ stmts: blk.stmts, results: blk.results.filter((_, j) => used[j]) });
    t = { ...s, outs: s.outs.filter((_, j) => used[j]), then: pick(s.then), else: pick(s.else) };
  }
  t = mapBlocks(t, (blk) => sweep(blk, live, keep));
  stmtOperands(t).forEach((a) => use(live, a));
  return t;
}

function use(live: Set<string>, a: Atom): void {
  if (a.kind === "var") live.add(a.name);
}
