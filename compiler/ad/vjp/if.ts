// Reverse of `outs = if c { then } else { else }`. The `if` yields the
// adjoints of the outer variables its branches read; adjoints of outer arrays
// go into the branches and come back updated (in place where a branch reads
// or writes single elements), scalars come back as contributions.
//
// Each branch runs forward once: the forward `if` runs the branches' forward
// sweeps (nested loops taped) and also yields what the reversed branch needs
// of them (residuals: values, tapes; placeholders from the branch not taken).
// An array version the branch overwrites is not yielded, so writes in
// branches stay in place. Memory: the residuals; time: no extra run.
// When the reversed branch would read an overwritten version (an array
// primitive reading it before a write), the taken branch is recomputed
// instead from the values it reads, then reversed: one more run of the branch.

import { forEachStmt, freeVars } from "../../ir/analysis.js";
import { adjointName } from "../../ir/names.js";
import type { Atom, Block, IfStmt, Type, Var } from "../../ir/syntax.js";
import { lit } from "../../ir/syntax.js";
import { zeroLike } from "../jvp.js";
import type { Adjoints, Reverser } from "./context.js";

/** What the forward `if` left for its reversal. */
export interface IfResiduals {
  /** Per branch: each value defined inside the forward branch, as the forward `if` yields it. */
  readonly maps: Map<string, Atom>[];
  /** Per branch: every name defined inside the forward branch (none may be read by the reversal). */
  readonly inner: Set<string>[];
  /** Lengths of the outer rank-1 arrays the branches read, taken before any write. */
  readonly lens: Map<string, Atom>;
}

/** Emits the forward `if`: each branch's forward sweep, yielding its residuals. */
export function forwardIf(r: Reverser, s: IfStmt): IfResiduals {
  const { b } = r;
  const free = activeFree(r, s);
  const lens = new Map(free.filter((x) => x.type.rank === 1).map((x) => [x.name, b.prim("arr_len", [r.sub(x)], undefined, "n")] as const));
  const cond = r.sub(s.cond);
  const blocks = [s.then, s.else].map((blk) => b.block(() => (r.forwardStmts(blk.stmts), blk.results.map((x) => r.sub(x)))));
  const kept = blocks.map(residualsOf);
  const outs = s.outs.map((o) => b.fresh(o.name, o.type));
  const resid = kept.map((ks) => ks.map((x) => b.fresh(x.name, x.type)));
  const withResiduals = blocks.map((blk, j) => {
    const extra = b.block(() => kept.flatMap((ks, m) => ks.map((x) => (m === j ? x : placeholder(r, x.type)))));
    return { stmts: [...blk.stmts, ...extra.stmts], results: [...blk.results, ...extra.results] };
  });
  b.emit({ kind: "if", outs: [...outs, ...resid.flat()], cond, then: withResiduals[0], else: withResiduals[1] });
  s.outs.forEach((o, k) => r.copy.bind(o, outs[k]));
  const inner = blocks.map((blk) => {
    const names = new Set<string>();
    forEachStmt(blk, (t) => {
      t.outs.forEach((o) => names.add(o.name));
      if (t.kind === "for") names.add(t.index.name);
      if (t.kind === "for" || t.kind === "while") t.carried.forEach((c) => names.add(c.name));
    });
    return names;
  });
  // a result defined in the branch is read from the if's output; an outer value it yields stays as it is
  const maps = blocks.map((blk, j) => {
    const m = new Map<string, Atom>(kept[j].map((x, q) => [x.name, resid[j][q]]));
    blk.results.forEach((x, k) => x.kind === "var" && inner[j].has(x.name) && !m.has(x.name) && m.set(x.name, outs[k]));
    return m;
  });
  return { maps, inner, lens };
}

/**
 * The values of a forward branch its reversal may read: every top-level
 * result of its statements, except arrays a later statement may overwrite
 * (an `arr_set` target, a loop init, an array a nested statement reads).
 */
function residualsOf(blk: Block): Var[] {
  const overwritten = new Set<string>();
  blk.stmts.forEach((s) => {
    if (s.kind === "prim") {
      if (s.prim === "arr_set" && s.args[0].kind === "var") overwritten.add(s.args[0].name);
      return;
    }
    for (const x of freeVars({ stmts: [s], results: [] })) if (x.type.rank > 0) overwritten.add(x.name);
  });
  const results = new Set(blk.results.flatMap((x) => (x.kind === "var" ? [x.name] : [])));
  return blk.stmts.flatMap((s) => s.outs).filter((o) => !overwritten.has(o.name) && !results.has(o.name));
}

function placeholder(r: Reverser, t: Type): Atom {
  const n0 = lit(0, { dtype: "i32", rank: 0 });
  if (t.rank === 0) return lit(0, t);
  if (t.rank === 1) return r.b.prim("arr_new", [n0], { dtype: t.dtype }, "none");
  return r.b.prim("full", [lit(0, { dtype: t.dtype, rank: 0 }), ...Array.from({ length: t.rank }, () => n0)], undefined, "none");
}

const activeFree = (r: Reverser, s: IfStmt) => unique([...freeVars(s.then), ...freeVars(s.else)]).filter((x) => r.active.has(x.name));

export function reverseIf(r: Reverser, s: IfStmt, adj: Adjoints, res: IfResiduals | undefined): void {
  const { b } = r;
  const free = activeFree(r, s);
  const seeds = s.outs.map((o) => adj.get(o.name));
  const zero = (x: Var) => {
    const n = res?.lens.get(x.name);
    return n ? b.prim("arr_new", [n], { dtype: x.type.dtype }, "zeros") : zeroLike(b, r.sub(x));
  };
  // adjoints of outer arrays so far go in and are updated in place; an array with none yet gets
  // the adjoint its chain of writes hands back (no zero array to add it to)
  const preArrays = free.flatMap((x) => (x.type.rank > 0 && adj.has(x.name) ? [[x.name, adj.get(x.name)!] as const] : []));
  const yieldAdjoints = (inner: Adjoints) => free.map((x) => inner.get(x.name) ?? (x.type.rank > 0 ? zero(x) : lit(0, x.type)));
  const recomputed = (blk: Block) => b.block(() => yieldAdjoints(r.reverseBlock(blk, seeds, new Map(preArrays))));
  const fromResiduals = (blk: Block, j: number): Block | null => {
    r.substitute(res!.maps[j]);
    const out = b.block(() => {
      const inner: Adjoints = new Map(preArrays);
      blk.results.forEach((x, k) => seeds[k] && r.addAdjoint(inner, x, seeds[k]!));
      r.reverseStmts(blk.stmts, inner);
      return yieldAdjoints(inner);
    });
    return freeVars(out).some((x) => res!.inner[j].has(x.name)) ? null : out;
  };
  const cond = r.sub(s.cond);
  let thenB = res && fromResiduals(s.then, 0);
  let elseB = res && thenB && fromResiduals(s.else, 1);
  if (!thenB || !elseB) [thenB, elseB] = [recomputed(s.then), recomputed(s.else)];
  const outs = free.map((x) => b.fresh(adjointName(x.name), x.type));
  b.emit({ kind: "if", outs, cond, then: thenB, else: elseB });
  free.forEach((x, k) => (x.type.rank > 0 ? adj.set(x.name, outs[k]) : r.addAdjoint(adj, x, outs[k])));
}

export function unique(xs: Var[]): Var[] {
  const seen = new Map<string, Var>();
  for (const x of xs) if (!seen.has(x.name)) seen.set(x.name, x);
  return [...seen.values()];
}

