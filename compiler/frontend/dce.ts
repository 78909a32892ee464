// Dead-code elimination on the lowered IR. Lowering is simple-minded on
// purpose (flags for continue/break, conservative carried sets), so this
// pass drops what nothing reads: unused primitives and unused outs of `if`s.
// Loops are kept (a `while` may not terminate; dropping it would change
// meaning), but their bodies are cleaned.

import type { Atom, Block, Func, Stmt } from "../ir/syntax.js";

export function eliminateDeadCode(f: Func): Func {
  const live = new Set<string>();
  return { ...f, body: block(f.body, live) };
}

function use(live: Set<string>, a: Atom): void {
  if (a.kind === "var") live.add(a.name);
}

/** Cleans `b` given that its results are live; adds every variable it reads to `live`. */
function block(b: Block, live: Set<string>): Block {
  b.results.forEach((r) => use(live, r));
  const kept: Stmt[] = [];
  for (let k = b.stmts.length - 1; k >= 0; k--) {
    const s = stmt(b.stmts[k], live);
    if (s) kept.push(s);
  }
  return { stmts: kept.reverse(), results: b.results };
}

function stmt(s: Stmt, live: Set<string>): Stmt | null {
  switch (s.kind) {
    case "prim":
      if (!s.outs.some((o) => live.has(o.name))) return null;
      s.args.forEach((a) => use(live, a));
      return s;
    case "if": {
      const keep = s.outs.map((o) => live.has(o.name));
      if (!keep.some(Boolean)) return null;
      const pick = (b: Block): Block => ({ stmts: b.stmts, results: b.results.filter((_, j) => keep[j]) });
      const then = block(pick(s.then), live);
      const els = block(pick(s.else), live);
      use(live, s.cond);
      return { ...s, outs: s.outs.filter((_, j) => keep[j]), then, else: els };
    }
    case "for": {
      const body = block(s.body, live);
      [s.lo, s.hi, ...s.inits].forEach((a) => use(live, a));
      return { ...s, body };
    }
    case "while": {
      const body = block(s.body, live);
      const cond = block(s.cond, live);
      s.inits.forEach((a) => use(live, a));
      return { ...s, cond, body };
    }
    default:
      throw new Error(`internal: unknown statement ${(s as Stmt).kind}`);
  }
}
