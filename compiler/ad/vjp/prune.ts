// Drops the loop-carried values and `if` outputs nothing reads: a taping run
// records every scalar's value and every overwritten element, a forward `if`
// yields every intermediate of its branches, and the reversal may need only
// some of them. A carried value is dead when the loop's output for
// it is unused and, inside the body, what is computed from it flows only back
// into itself (a tape written at index k and never read in the loop).

import { freeVars } from "../../ir/analysis.js";
import { dce } from "../../ir/dce.js";
import type { Atom, Block, Func, Stmt } from "../../ir/syntax.js";

export function pruneDeadCarried(f: Func): Func {
  for (;;) {
    f = dce(f);
    const used = usedNames(f.body);
    let changed = false;
    const block = (blk: Block): Block => ({ stmts: blk.stmts.map(stmt), results: blk.results });
    const stmt = (s: Stmt): Stmt => {
      switch (s.kind) {
        case "prim":
          return s;
        case "if": {
          const live = s.outs.map((o) => used.has(o.name));
          if (live.every((l) => l)) return { ...s, then: block(s.then), else: block(s.else) };
          changed = true;
          const keep = <T>(xs: T[]) => xs.filter((_, k) => live[k]);
          const branch = (blk: Block) => ({ stmts: block(blk).stmts, results: keep(blk.results) });
          return { ...s, outs: keep(s.outs), then: branch(s.then), else: branch(s.else) };
        }
        case "for":
        case "while": {
          const body = block(s.body);
          const dead = s.carried.map((_, k) => !used.has(s.outs[k].name) && onlyFeedsItself(s, body, k));
          if (!dead.some((d) => d)) return { ...s, body };
          changed = true;
          const keep = <T>(xs: T[]) => xs.filter((_, k) => !dead[k]);
          const out = { outs: keep(s.outs), carried: keep(s.carried), inits: keep(s.inits), body: { stmts: body.stmts, results: keep(body.results) } };
          return s.kind === "for" ? { ...s, ...out } : { ...s, ...out, cond: s.cond };
        }
        default:
          throw new Error(`prune: unknown statement ${(s as Stmt).kind}`);
      }
    };
    f = { ...f, body: block(f.body) };
    if (!changed) return f;
  }
}

/** Whether everything the body computes from carried value k flows only into result k. */
function onlyFeedsItself(s: Stmt & { kind: "for" | "while" }, body: Block, k: number): boolean {
  const from = new Set([s.carried[k].name]);
  const reads = (a: Atom) => a.kind === "var" && from.has(a.name);
  if (s.kind === "while" && freeVars(s.cond).some(reads)) return false;
  for (const t of body.stmts) if (freeVars({ stmts: [t], results: [] }).some(reads)) t.outs.forEach((o) => from.add(o.name));
  return body.results.every((r, j) => j === k || !reads(r));
}

function usedNames(b: Block): Set<string> {
  const used = new Set<string>();
  const walk = (blk: Block) => {
    for (const s of blk.stmts) {
      for (const a of s.kind === "prim" ? s.args : s.kind === "if" ? [s.cond] : s.kind === "for" ? [s.lo, s.hi, ...s.inits] : s.inits) if (a.kind === "var") used.add(a.name);
      if (s.kind === "if") (walk(s.then), walk(s.else));
      else if (s.kind === "for") walk(s.body);
      else if (s.kind === "while") (walk(s.cond), walk(s.body));
    }
    for (const r of blk.results) if (r.kind === "var") used.add(r.name);
  };
  walk(b);
  return used;
}
