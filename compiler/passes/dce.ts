// Dead-code elimination that keeps shape checks. lower-arrays.ts emits index
// arithmetic generously (strides, sizes, both loop versions' setup) and lets
// this remove what is unused; its shape checks (shapes.ts `checked`) produce
// no value anyone reads, so they are roots here. Otherwise ir/dce.ts's rule:
// drop statements none of whose results is used.

import { innerBlocks, stmtOperands } from "../ir/analysis.js";
import type { Block, Func, Stmt } from "../ir/syntax.js";

export function dceKeeping(f: Func, keep: (s: Stmt) => boolean): Func {
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
      stmts: blk.stmts
        .filter((s) => {
          if (keep(s) || s.outs.some((o) => used.has(o.name))) return true;
          removed++;
          return false;
        })
        .map(inside),
      results: blk.results,
    });
    const inside = (s: Stmt): Stmt => {
      switch (s.kind) {
        case "prim":
          return s;
        case "if":
          return { ...s, then: sweep(s.then), else: sweep(s.else) };
        case "for":
          return { ...s, body: sweep(s.body) };
        case "while":
          return { ...s, cond: sweep(s.cond), body: sweep(s.body) };
      }
    };
    const next = { ...f, body: sweep(f.body) };
    if (removed === 0) return next;
    f = next;
  }
}
