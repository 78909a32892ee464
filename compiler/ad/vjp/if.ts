// Reverse of `outs = if c { then } else { else }`. The `if` yields the
// adjoints of the outer variables its branches read; adjoints of outer arrays
// go into the branches and come back updated (in place where a branch reads
// or writes single elements), scalars come back as contributions.
//
// A branch of primitives only is run once: the forward `if` also yields the
// branch's intermediate values (residuals; placeholders from the other
// branch), and the reversed branch reads them instead of recomputing. An
// array version the branch overwrites is then never read again, so writes
// in branches stay in place. Memory: the residuals; time: none extra.
// Otherwise (a branch with nested statements) the taken branch is recomputed
// from the values it reads, then reversed. Time: one more run of the branch.

import { freeVars } from "../../ir/analysis.js";
import { adjointName } from "../../ir/names.js";
import type { Atom, Block, IfStmt, Type, Var } from "../../ir/syntax.js";
import { lit } from "../../ir/syntax.js";
import { zeroLike } from "../jvp.js";
import type { Adjoints, Reverser } from "./context.js";

/** What the forward `if` left for its reversal: per branch, the values its reversal binds. */
export interface IfResiduals {
  readonly bind: Map<string, Atom>[];
  /** Lengths of the outer rank-1 arrays the branches read, taken before any write. */
  readonly lens: Map<string, Atom>;
}

/** Emits the forward `if` with its residuals, or returns null when a branch must be recomputed instead. */
export function forwardIf(r: Reverser, s: IfStmt): IfResiduals | null {
  const { b } = r;
  const branches = [s.then, s.else];
  const plans = branches.map(residualPlan);
  if (plans.includes(null)) return null;
  const free = unique([...freeVars(s.then), ...freeVars(s.else)]).filter((x) => r.active.has(x.name));
  const lens = new Map(free.filter((x) => x.type.rank === 1).map((x) => [x.name, b.prim("arr_len", [r.sub(x)], undefined, "n")] as const));
  const kept = plans.map((p) => p!.kept);
  const cond = r.sub(s.cond);
  const blocks = branches.map((blk, j) =>
    b.block(() => {
      const results = r.copy.block(blk);
      return [...results, ...kept.flatMap((ks, m) => ks.map((x) => (m === j ? r.sub(x) : placeholder(r, x.type))))];
    }),
  );
  const outs = s.outs.map((o) => b.fresh(o.name, o.type));
  const resid = kept.map((ks) => ks.map((x) => b.fresh(x.name, x.type)));
  b.emit({ kind: "if", outs: [...outs, ...resid.flat()], cond, then: blocks[0], else: blocks[1] });
  s.outs.forEach((o, k) => r.copy.bind(o, outs[k]));
  const bind = branches.map((blk, j) => {
    const m = new Map<string, Atom>(kept[j].map((x, q) => [x.name, resid[j][q]]));
    blk.results.forEach((x, k) => x.kind === "var" && !m.has(x.name) && m.set(x.name, outs[k]));
    // an overwritten version is bound to the version that overwrites it: only its length is read
    for (const [v, next] of plans[j]!.overwrittenBy) {
      const last = m.get(next);
      if (last) m.set(v, last); // else the chain ends unused and nothing reads the version
    }
    return m;
  });
  return { bind, lens };
}

/**
 * A branch of primitives only whose overwritten array versions are only
 * written or read element by element: the values to keep (defined in the
 * branch, neither yielded nor overwritten) and, per overwritten version, the
 * last version of its chain.
 */
function residualPlan(blk: Block): { kept: Var[]; overwrittenBy: Map<string, string> } | null {
  const next = new Map<string, string>();
  for (const s of blk.stmts) {
    if (s.kind !== "prim") return null;
    if (s.prim === "arr_set" && s.args[0].kind === "var") next.set(s.args[0].name, s.outs[0].name);
  }
  for (const s of blk.stmts) {
    if (s.kind !== "prim") return null;
    const ok = s.args.every((a, j) => a.kind !== "var" || !next.has(a.name) || (j === 0 && (s.prim === "arr_get" || s.prim === "arr_len" || s.prim === "arr_set")));
    if (!ok) return null;
  }
  if (blk.results.some((x) => x.kind === "var" && next.has(x.name))) return null;
  const last = (v: string): string => (next.has(v) ? last(next.get(v)!) : v);
  const results = new Set(blk.results.flatMap((x) => (x.kind === "var" ? [x.name] : [])));
  const kept = blk.stmts.map((s) => s.outs[0]).filter((o) => !next.has(o.name) && !results.has(o.name));
  return { kept, overwrittenBy: new Map([...next.keys()].map((v) => [v, last(v)])) };
}

function placeholder(r: Reverser, t: Type): Atom {
  if (t.rank === 0) return lit(0, t);
  if (t.rank === 1) return r.b.prim("arr_new", [lit(0, { dtype: "i32", rank: 0 })], { dtype: t.dtype }, "none");
  return r.b.prim("full", [lit(0, { dtype: t.dtype, rank: 0 }), ...Array.from({ length: t.rank }, () => lit(0, { dtype: "i32", rank: 0 }))], undefined, "none");
}

export function reverseIf(r: Reverser, s: IfStmt, adj: Adjoints, res: IfResiduals | null): void {
  const { b } = r;
  const free = unique([...freeVars(s.then), ...freeVars(s.else)]).filter((x) => r.active.has(x.name));
  const seeds = s.outs.map((o) => adj.get(o.name));
  const zero = (x: Var) => {
    const n = res?.lens.get(x.name);
    return n ? b.prim("arr_new", [n], { dtype: x.type.dtype }, "zeros") : zeroLike(b, r.sub(x));
  };
  // adjoints of outer arrays so far go in and are updated in place; an array with none yet gets
  // the adjoint its chain of writes hands back (no zero array to add it to)
  const preArrays = free.flatMap((x) => (x.type.rank > 0 && adj.has(x.name) ? [[x.name, adj.get(x.name)!] as const] : []));
  const branch = (blk: Block, j: number) =>
    b.block(() => {
      let inner: Adjoints;
      if (!res) inner = r.reverseBlock(blk, seeds, new Map(preArrays));
      else {
        for (const [name, a] of res.bind[j]) r.copy.env.set(name, a);
        inner = new Map(preArrays);
        blk.results.forEach((x, k) => seeds[k] && r.addAdjoint(inner, x, seeds[k]!));
        r.reverseStmts(blk.stmts, inner);
      }
      return free.map((x) => inner.get(x.name) ?? (x.type.rank > 0 ? zero(x) : lit(0, x.type)));
    });
  const cond = r.sub(s.cond);
  const thenB = branch(s.then, 0);
  const elseB = branch(s.else, 1);
  const outs = free.map((x) => b.fresh(adjointName(x.name), x.type));
  b.emit({ kind: "if", outs, cond, then: thenB, else: elseB });
  free.forEach((x, k) => (x.type.rank > 0 ? adj.set(x.name, outs[k]) : r.addAdjoint(adj, x, outs[k])));
}

export function unique(xs: Var[]): Var[] {
  const seen = new Map<string, Var>();
  for (const x of xs) if (!seen.has(x.name)) seen.set(x.name, x);
  return [...seen.values()];
}
