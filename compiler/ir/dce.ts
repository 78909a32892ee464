// Dead-code elimination: drops statements none of whose results is used.
// Every primitive is pure, so this is always safe. Transforms emit partial
// derivatives for every argument and let this pass remove the unused ones;
// the array lowering emits index arithmetic generously and keeps its shape
// checks (which produce nothing anyone reads) with `keep`.

import { innerBlocks, stmtOperands } from "./analysis.js";
import type { Block, Func, Stmt } from "./syntax.js";

export function dce(f: Func, keep: (s: Stmt) => boolean = () => false): Func {
  for (;;) {
    const used = new Set<string>();
    const mark = (blk: Block) => {
      for (const s of blk.stmts) {
        for (const a of stmtOperands(s)) if (a.kind === "var") used.add(a.name);
        for (const inner of innerBlocks(s)) mark(inner);
      }
      for (const r of blk.results) if (r.kind === "var") used.add(r.name);
    };
    mark(f.body);
    let removed = 0;
    const sweep = (blk: Block): Block => ({
      stmts: blk.stmts.filter((s) => {
        if (keep(s) || s.outs.some((o) => used.has(o.name))) return true;
        removed++;
        return false;
      }).map(sweepInside),
      results: blk.results,
    });
    const sweepInside = (s: Stmt): Stmt => {
      switch (s.kind) {
        case "prim":
          return s;
        case "if":
          return { ...s, then: sweep(s.then), else: sweep(s.else) };
        case "for":
          return { ...s, body: sweep(s.body) };
        case "while":
          return { ...s, cond: sweep(s.cond), body: sweep(s.body) };
        default:
          throw new Error(`unknown statement ${(s as Stmt).kind}`);
      }
    };
    f = { ...f, body: sweep(f.body) };
    if (removed === 0) return f;
  }
}
