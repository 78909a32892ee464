// Undo logs for arrays a loop updates in place. When every version of a
// carried array inside the body is chained through top-level `arr_set`s
// (c → c1 → … → the body's result) and any other use only reads an element
// or the length, the taping run records, per iteration, the index and the old
// value of every write; the reversed loop restores the array an iteration
// started from by writing the old values back in reverse order.
// Memory: two scalars per write; time: O(1) per write, in place.

import { freeVars, innerBlocks, stmtOperands } from "../../ir/analysis.js";
import type { Builder } from "../../ir/builder.js";
import type { Atom, Block, PrimStmt, Stmt, Var } from "../../ir/syntax.js";
import { i32, lit } from "../../ir/syntax.js";

/**
 * The top-level `arr_set`s of `body` chaining the carried array `c` to the
 * body's k-th result, or null when a version is used otherwise than by
 * element reads (then the loop snapshots the array instead, snapshot.ts).
 */
export function undoChain(body: Block, c: Var, k: number): PrimStmt[] | null {
  const chain: PrimStmt[] = [];
  const versions = new Set([c.name]);
  let head = c.name;
  const reads = (a: Atom) => a.kind === "var" && versions.has(a.name);
  for (const s of body.stmts) {
    if (s.kind === "prim" && s.prim === "arr_set" && s.args[0].kind === "var" && s.args[0].name === head && !reads(s.args[2])) {
      chain.push(s);
      head = s.outs[0].name;
      versions.add(head);
      continue;
    }
    if (s.kind === "prim") {
      if ((s.prim === "arr_get" || s.prim === "arr_len") && !reads(s.args[1] ?? lit(0, i32))) continue;
      if (s.args.some(reads)) return null;
      continue;
    }
    if (freeVars({ stmts: [s], results: [] }).some((x) => versions.has(x.name)) && !onlyRead(s, versions)) return null;
  }
  const last = body.results[k];
  if (last.kind !== "var" || last.name !== head) return null;
  if (body.results.some((r, j) => j !== k && reads(r))) return null;
  return chain;
}

/** Whether every use of `names` inside statement `s` only reads an element or the length. */
function onlyRead(s: Stmt, names: Set<string>): boolean {
  const named = (a: Atom) => a.kind === "var" && names.has(a.name);
  const visit = (blk: Block): boolean =>
    blk.stmts.every((t) =>
      t.kind === "prim"
        ? t.args.every((a, j) => !named(a) || ((t.prim === "arr_get" || t.prim === "arr_len") && j === 0))
        : !stmtOperands(t).some(named) && innerBlocks(t).every(visit),
    ) && !blk.results.some(named);
  return !stmtOperands(s).some(named) && innerBlocks(s).every(visit);
}

/** Writes `old` back at `at`, last write first: the array before the writes of one iteration. */
export function undoWrites(b: Builder, a: Atom, writes: { at: Atom; old: Atom }[], hint: string): Atom {
  for (let m = writes.length - 1; m >= 0; m--) a = b.prim("arr_set", [a, writes[m].at, writes[m].old], undefined, hint);
  return a;
}
