// Small structural queries on the IR used by several passes, and the generic
// traversals (forEachStmt, mapBlocks) passes use where they only recurse.

import type { Atom, Block, Stmt, Var } from "./syntax.js";

/** Visits every statement of a block, nested blocks included, in order. */
export function forEachStmt(b: Block, visit: (s: Stmt) => void): void {
  for (const s of b.stmts) {
    visit(s);
    for (const inner of innerBlocks(s)) forEachStmt(inner, visit);
  }
}

/** The statement with each nested block replaced by `f(block)` (a prim comes back as is). */
export function mapBlocks(s: Stmt, f: (b: Block) => Block): Stmt {
  switch (s.kind) {
    case "prim":
      return s;
    case "if":
      return { ...s, then: f(s.then), else: f(s.else) };
    case "for":
      return { ...s, body: f(s.body) };
    case "while":
      return { ...s, cond: f(s.cond), body: f(s.body) };
    default:
      throw new Error(`unknown statement ${(s as Stmt).kind}`);
  }
}

export function innerBlocks(s: Stmt): Block[] {
  switch (s.kind) {
    case "prim":
      return [];
    case "if":
      return [s.then, s.else];
    case "for":
      return [s.body];
    case "while":
      return [s.cond, s.body];
    default:
      throw new Error(`unknown statement ${(s as Stmt).kind}`);
  }
}

/** Atoms a statement reads directly (not those read inside its nested blocks). */
export function stmtOperands(s: Stmt): Atom[] {
  switch (s.kind) {
    case "prim":
      return s.args;
    case "if":
      return [s.cond];
    case "for":
      return [s.lo, s.hi, ...s.inits];
    case "while":
      return s.inits;
    default:
      throw new Error(`unknown statement ${(s as Stmt).kind}`);
  }
}

/** Variables a statement binds inside its nested blocks (loop index, carried values). */
export function boundInside(s: Stmt): Var[] {
  if (s.kind === "for") return [s.index, ...s.carried];
  if (s.kind === "while") return s.carried;
  return [];
}

/** Variables read by a block (or statements) but defined outside it, in first-use order. */
export function freeVars(b: Block, bound: Var[] = []): Var[] {
  const defined = new Set(bound.map((x) => x.name));
  const free = new Map<string, Var>();
  const use = (a: Atom) => {
    if (a.kind === "var" && !defined.has(a.name) && !free.has(a.name)) free.set(a.name, a);
  };
  const walk = (blk: Block) => {
    for (const s of blk.stmts) {
      stmtOperands(s).forEach(use);
      for (const x of boundInside(s)) defined.add(x.name);
      for (const inner of innerBlocks(s)) walk(inner);
      for (const o of s.outs) defined.add(o.name);
    }
    blk.results.forEach(use);
  };
  walk(b);
  return [...free.values()];
}
