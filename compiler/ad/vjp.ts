// Reverse mode as an IR→IR transform (VJP).
//
// The forward sweep is a plain copy of the function. The backward sweep walks
// the statements in reverse and accumulates adjoints `x_bar` using the same
// derivative table as forward mode (rules.ts). Structured statements are
// reversed as whole units, recomputing what they need from their inputs:
//
//  - `if`: the taken branch is recomputed, then reversed; it yields the
//    adjoints of the outer variables it read.
//  - `for`: the loop is re-run once storing its carried state at each
//    iteration in tapes (`s_tape[i - lo] = s`), then a reversed loop reads the
//    state back, recomputes the body of that iteration and reverses it, carrying
//    the adjoints of the carried values and of the outer variables it read.
//    Memory is O(iterations × carried values); time is about three forward runs.
//  - `while`: a counting run finds the trip count, then it is reversed as a `for`.
//
// The output is ordinary IR, so it can be transformed again.

import { Builder } from "../ir/builder.js";
import { freeVars, innerBlocks, stmtOperands } from "../ir/analysis.js";
import { Names, adjointName, tapeName } from "../ir/names.js";
import type { Atom, Block, Func, PrimStmt, Stmt, Var } from "../ir/syntax.js";
import { i32, isElementwise, isFloat, lit, v } from "../ir/syntax.js";
import { activeVars } from "./activity.js";
import { JvpEmitter, zeroLike } from "./jvp.js";
import { rules } from "./rules.js";

/** Raised for programs reverse mode cannot handle yet; callers may fall back to forward mode. */
export class ReverseModeUnsupported extends Error {}

type Adjoints = Map<string, Atom>;

class VjpEmitter {
  readonly copy: JvpEmitter; // plain copier sharing the environment

  constructor(
    readonly b: Builder,
    readonly active: ReadonlySet<string>,
  ) {
    this.copy = new JvpEmitter(b, new Set());
  }

  sub(a: Atom): Atom {
    return this.copy.sub(a);
  }

  addAdjoint(adj: Adjoints, x: Atom, ct: Atom): void {
    if (x.kind !== "var" || !this.active.has(x.name)) return;
    const old = adj.get(x.name);
    if (!old) {
      adj.set(x.name, ct);
      return;
    }
    adj.set(x.name, this.b.add(old, ct, adjointName(x.name)));
  }

  adjointOrZero(adj: Adjoints, x: Var): Atom {
    return adj.get(x.name) ?? zeroLike(this.b, this.sub(x));
  }

  stmts(stmts: Stmt[], adj: Adjoints): void {
    for (let k = stmts.length - 1; k >= 0; k--) this.stmt(stmts[k], adj);
  }

  /**
   * Recomputes a block, then reverses it with `seeds` as the adjoints of its
   * results; returns its adjoints. `pre` holds adjoints of outer arrays the
   * block reads, updated in place of being rebuilt (one element per read).
   */
  reverseBlock(blk: Block, seeds: (Atom | undefined)[], pre: Adjoints = new Map()): Adjoints {
    this.copy.block(blk);
    const adj: Adjoints = new Map(pre);
    blk.results.forEach((r, k) => seeds[k] && this.addAdjoint(adj, r, seeds[k]!));
    this.stmts(blk.stmts, adj);
    return adj;
  }

  private stmt(s: Stmt, adj: Adjoints): void {
    if (!s.outs.some((o) => adj.has(o.name))) return; // no adjoint flows back through s
    switch (s.kind) {
      case "prim":
        return this.prim(s, adj);
      case "if":
        return this.ifStmt(s, adj);
      case "for":
        return this.loop(s.carried, s.outs, s.inits, s.body, adj, { lo: this.sub(s.lo), hi: this.sub(s.hi), index: s.index, reverse: s.reverse });
      case "while":
        return this.whileStmt(s, adj);
      default:
        throw new Error(`vjp: unknown statement ${(s as Stmt).kind}`);
    }
  }

  private prim(s: Stmt & { kind: "prim" }, adj: Adjoints): void {
    const out = s.outs[0];
    const ct = adj.get(out.name)!;
    const args = s.args.map((a) => this.sub(a));
    const rule = rules[s.prim];
    if (rule.kind === "zero") return;
    if (s.prim === "arr_get" && s.args[0].kind === "var" && adj.has(s.args[0].name)) {
      // accumulate into the existing array adjoint at one index
      const [a, i] = [s.args[0], args[1]];
      const abar = adj.get(a.name)!;
      const sum = this.b.add(this.b.prim("arr_get", [abar, i]), ct);
      adj.set(a.name, this.b.prim("arr_set", [abar, i, sum], undefined, adjointName(a.name)));
      return;
    }
    const y = this.sub(out);
    const cts =
      rule.kind === "partials"
        ? rule.partials(this.b, args, y, s.attrs).map((p) => (p ? this.b.mul(p, ct, adjointName(out.name)) : null))
        : rule.kind === "linear"
          ? rule.transpose(this.b, ct, args, s.attrs)
          : rule.vjp(this.b, ct, args, y, s.attrs);
    // an argument broadcast into the result receives the sum over the broadcast axes
    const unbroadcast = isElementwise(s.prim) && y.type.rank > 0 && s.args.length > 1;
    s.args.forEach((a, k) => {
      const c = cts[k];
      if (!c || a.kind !== "var" || !this.active.has(a.name)) return;
      this.addAdjoint(adj, a, unbroadcast ? this.b.prim("sum_like", [c, args[k]], undefined, adjointName(a.name)) : c);
    });
  }

  private ifStmt(s: Stmt & { kind: "if" }, adj: Adjoints): void {
    const free = unique([...freeVars(s.then), ...freeVars(s.else)]).filter((x) => this.active.has(x.name));
    const seeds = s.outs.map((o) => adj.get(o.name));
    // outer arrays' adjoints go through the branches and come back updated; scalars come back as contributions
    const preArrays = free.filter((x) => x.type.rank > 0).map((x) => [x.name, adj.get(x.name) ?? zeroLike(this.b, this.sub(x))] as const);
    const branch = (blk: Block) =>
      this.b.block(() => {
        const inner = this.reverseBlock(blk, seeds, new Map(preArrays));
        return free.map((x) => this.adjointOrZero(inner, x));
      });
    const cond = this.sub(s.cond);
    const thenB = branch(s.then);
    const elseB = branch(s.else);
    const outs = free.map((x) => this.b.fresh(adjointName(x.name), x.type));
    this.b.emit({ kind: "if", outs, cond, then: thenB, else: elseB });
    free.forEach((x, k) => (x.type.rank > 0 ? adj.set(x.name, outs[k]) : this.addAdjoint(adj, x, outs[k])));
  }

  private whileStmt(s: Stmt & { kind: "while" }, adj: Adjoints): void {
    // count the iterations, then reverse the loop as a `for` over 0..count
    const count0 = lit(0, i32);
    const carried = s.carried.map((c) => this.b.fresh(c.name, c.type));
    const cnt = this.b.fresh("trips", i32);
    const bindCarried = () => s.carried.forEach((c, k) => this.copy.bind(c, carried[k]));
    const cond = this.b.block(() => {
      bindCarried();
      return this.copy.block(s.cond).results;
    });
    const body = this.b.block(() => {
      bindCarried();
      return [...this.copy.block(s.body).results, this.b.prim("add", [cnt, lit(1, i32)], undefined, "trips")];
    });
    const outs = [...s.carried.map((c) => this.b.fresh(c.name, c.type)), this.b.fresh("trips", i32)];
    this.b.emit({ kind: "while", outs, carried: [...carried, cnt], inits: [...s.inits.map((a) => this.sub(a)), count0], cond, body });
    const index = v("%while_index", i32); // a name no source variable has: the body never reads it
    this.loop(s.carried, s.outs, s.inits, s.body, adj, { lo: count0, hi: outs[outs.length - 1], index, reverse: false });
  }

  private loop(
    carriedOld: Var[],
    outsOld: Var[],
    initsOld: Atom[],
    body: Block,
    adj: Adjoints,
    range: { lo: Atom; hi: Atom; index: Var; reverse: boolean },
  ): void {
    const b = this.b;
    const { lo, hi, index } = range;
    const scalarK = carriedOld.map((c, k) => (c.type.rank === 0 ? k : -1)).filter((k) => k >= 0);
    const arrayK = carriedOld.map((c, k) => (c.type.rank > 0 ? k : -1)).filter((k) => k >= 0);
    // carried arrays are restored backwards by undoing each iteration's writes
    const chains = new Map(arrayK.map((k) => [k, undoChain(body, carriedOld[k], k)]));
    const steps = arrayK.flatMap((k) => chains.get(k)!);
    const n = b.prim("max", [b.prim("sub", [hi, lo], undefined, "trips"), lit(0, i32)], undefined, "trips");
    const pos = (i: Atom) => (range.reverse ? b.prim("sub", [b.prim("sub", [hi, lit(1, i32)]), i], undefined, "k") : b.sub(i, lo, "k"));
    const inits = initsOld.map((a) => this.sub(a));

    // 1. taping run: the scalar carried state at the start of every iteration, and the
    //    index and old value of every array element the iteration overwrites
    const tapeSpecs = [
      ...scalarK.map((k) => ({ name: tapeName(carriedOld[k].name), dtype: carriedOld[k].type.dtype })),
      ...steps.flatMap((st) => [
        { name: tapeName(`${st.outs[0].name}_at`), dtype: "i32" as const },
        { name: tapeName(`${st.outs[0].name}_old`), dtype: st.outs[0].type.dtype },
      ]),
    ];
    const tapes0 = tapeSpecs.map((t) => b.prim("arr_new", [n], { dtype: t.dtype }, t.name));
    const tc = carriedOld.map((c) => b.fresh(c.name, c.type));
    const tt = tapeSpecs.map((t) => b.fresh(t.name, { dtype: t.dtype, rank: 1 }));
    const ti = b.fresh(index.name, i32);
    const tapeBody = b.block(() => {
      this.copy.env.set(index.name, ti);
      carriedOld.forEach((c, k) => this.copy.bind(c, tc[k]));
      const k = pos(ti);
      const next: Atom[] = scalarK.map((kk, j) => b.prim("arr_set", [tt[j], k, tc[kk]], undefined, tapeName(carriedOld[kk].name)));
      for (const st of body.stmts) {
        const step = steps.indexOf(st as PrimStmt);
        if (step >= 0) {
          const [a, i] = (st as PrimStmt).args.map((x) => this.sub(x));
          const j = scalarK.length + 2 * step;
          next.push(b.prim("arr_set", [tt[j], k, i], undefined, tt[j].name));
          next.push(b.prim("arr_set", [tt[j + 1], k, b.prim("arr_get", [a, i], undefined, "old")], undefined, tt[j + 1].name));
        }
        this.copy.stmt(st);
      }
      return [...body.results.map((r) => this.sub(r)), ...next];
    });
    const tapeOuts = [...carriedOld.map((c) => b.fresh(c.name, c.type)), ...tt.map((t) => b.fresh(t.name, t.type))];
    b.emit({ kind: "for", outs: tapeOuts, index: ti, lo, hi, reverse: range.reverse, carried: [...tc, ...tt], inits: [...inits, ...tapes0], body: tapeBody });
    const tapes = tapeOuts.slice(carriedOld.length);

    // 2. reversed loop: restore the state, recompute the body, reverse it. Adjoints of the
    //    outer arrays the body reads are threaded through it (one element updated per read).
    const activeK = carriedOld.map((c, k) => (this.active.has(c.name) ? k : -1)).filter((k) => k >= 0);
    const free = freeVars(body, [index, ...carriedOld]).filter((x) => this.active.has(x.name));
    const ctC = activeK.map((k) => b.fresh(adjointName(carriedOld[k].name), carriedOld[k].type));
    const acc = free.map((x) => b.fresh(adjointName(x.name), x.type));
    const prim = arrayK.map((k) => b.fresh(carriedOld[k].name, carriedOld[k].type));
    const ctInits = activeK.map((k) => adj.get(outsOld[k].name) ?? zeroLike(b, tapeOuts[k]));
    const accInits = free.map((x) => (x.type.rank > 0 ? (adj.get(x.name) ?? zeroLike(b, this.sub(x))) : lit(0, x.type)));
    const primInits = arrayK.map((k) => tapeOuts[k]);
    const ri = b.fresh(index.name, i32);
    const revBody = b.block(() => {
      this.copy.env.set(index.name, ri);
      const k = pos(ri);
      scalarK.forEach((kk, j) => this.copy.bind(carriedOld[kk], b.prim("arr_get", [tapes[j], k], undefined, carriedOld[kk].name)));
      const restored = arrayK.map((kk, j) => {
        let a: Atom = prim[j];
        const chain = chains.get(kk)!;
        for (let m = chain.length - 1; m >= 0; m--) {
          const t = scalarK.length + 2 * steps.indexOf(chain[m]);
          a = b.prim("arr_set", [a, b.prim("arr_get", [tapes[t], k]), b.prim("arr_get", [tapes[t + 1], k])], undefined, carriedOld[kk].name);
        }
        this.copy.bind(carriedOld[kk], a);
        return a;
      });
      const seeds: (Atom | undefined)[] = body.results.map(() => undefined);
      activeK.forEach((kk, j) => (seeds[kk] = ctC[j]));
      const pre: Adjoints = new Map(free.flatMap((x, j) => (x.type.rank > 0 ? [[x.name, acc[j] as Atom] as const] : [])));
      const inner = this.reverseBlock(body, seeds, pre);
      return [
        ...activeK.map((kk) => inner.get(carriedOld[kk].name) ?? zeroLike(b, this.sub(carriedOld[kk]))),
        ...free.map((x, j) => (x.type.rank > 0 ? inner.get(x.name)! : b.add(acc[j], inner.get(x.name) ?? lit(0, x.type), adjointName(x.name)))),
        ...restored,
      ];
    });
    const revOuts = [...ctC, ...acc, ...prim].map((x) => b.fresh(x.name, x.type));
    b.emit({ kind: "for", outs: revOuts, index: ri, lo, hi, reverse: !range.reverse, carried: [...ctC, ...acc, ...prim], inits: [...ctInits, ...accInits, ...primInits], body: revBody });

    // 3. the adjoints leave the loop through its inits and the outer variables it read
    activeK.forEach((k, j) => this.addAdjoint(adj, initsOld[k], revOuts[j]));
    free.forEach((x, j) => {
      const out = revOuts[activeK.length + j];
      if (x.type.rank > 0) adj.set(x.name, out); // the accumulator started from the outer adjoint
      else this.addAdjoint(adj, x, out);
    });
  }
}

/**
 * The top-level `arr_set`s of a loop body that update the carried array `c`
 * in a chain (c → c1 → … → the body's k-th result), whose undo restores the
 * array an iteration started from. Any other use of the chain's versions must
 * be a read; otherwise reverse mode declines (and grad falls back to forward mode).
 */
function undoChain(body: Block, c: Var, k: number): PrimStmt[] {
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
      if (s.args.some(reads)) throw new ReverseModeUnsupported(`reverse mode: ${s.prim} uses the loop-carried array ${c.name}`);
      continue;
    }
    if ([...freeVars({ stmts: [s], results: [] })].some((x) => versions.has(x.name)) && !onlyRead(s, versions)) {
      throw new ReverseModeUnsupported(`reverse mode: a nested statement updates the loop-carried array ${c.name}`);
    }
  }
  const last = body.results[k];
  if (last.kind !== "var" || last.name !== head) throw new ReverseModeUnsupported(`reverse mode: the loop-carried array ${c.name} is replaced`);
  if (body.results.some((r, j) => j !== k && reads(r))) throw new ReverseModeUnsupported(`reverse mode: the loop-carried array ${c.name} is aliased`);
  return chain;
}

/** Whether every use of `names` inside statement `s` only reads an element or the length. */
function onlyRead(s: Stmt, names: Set<string>): boolean {
  let ok = true;
  const visit = (blk: Block) => {
    for (const t of blk.stmts) {
      if (t.kind === "prim") {
        const readsHere = t.args.some((a, j) => a.kind === "var" && names.has(a.name) && !((t.prim === "arr_get" || t.prim === "arr_len") && j === 0));
        if (readsHere) ok = false;
      } else {
        if (stmtOperands(t).some((a) => a.kind === "var" && names.has(a.name))) ok = false;
        for (const inner of innerBlocks(t)) visit(inner);
      }
    }
    if (blk.results.some((r) => r.kind === "var" && names.has(r.name))) ok = false;
  };
  for (const inner of innerBlocks(s)) visit(inner);
  if (stmtOperands(s).some((a) => a.kind === "var" && names.has(a.name))) ok = false;
  return ok;
}

function unique(xs: Var[]): Var[] {
  const seen = new Map<string, Var>();
  for (const x of xs) if (!seen.has(x.name)) seen.set(x.name, x);
  return [...seen.values()];
}

export interface VjpOptions {
  /** Literal cotangents for the results (null = zero); without them the function takes one cotangent parameter per result. */
  seeds?: (number | null)[];
  /** Also return the primal results, before the adjoints. */
  keepPrimal?: boolean;
  /** Name of the function built. */
  name?: string;
}

/**
 * vjp(f) with respect to `activeParams`:
 * (params..., [cotangent per result]) → ([results...], adjoint of each active param...).
 */
export function vjpFunc(f: Func, activeParams: string[], opts: VjpOptions = {}): Func {
  const active = activeVars(f, new Set(activeParams));
  const b = new Builder(new Names());
  const e = new VjpEmitter(b, active);
  const params = f.params.map((p) => v(b.names.fresh(p.name), p.type));
  f.params.forEach((p, k) => e.copy.bind(p, params[k]));
  const results = f.body.results;
  const ctParams = opts.seeds ? [] : results.map((r) => b.fresh(`${adjointName("out")}`, isFloat(r.type) ? r.type : { dtype: "f64", rank: 0 }));
  const seeds: (Atom | undefined)[] = results.map((r, k) => {
    if (opts.seeds) {
      const s = opts.seeds[k];
      return s === null || s === undefined ? undefined : lit(s, r.type);
    }
    return isFloat(r.type) ? ctParams[k] : undefined;
  });
  const adj = e.reverseBlock(f.body, seeds);
  const primal = results.map((r) => e.sub(r));
  const grads = activeParams.map((name) => {
    const p = f.params.find((q) => q.name === name);
    if (!p) throw new Error(`vjp: ${f.name} has no parameter ${name}`);
    return adj.get(name) ?? zeroLike(b, e.sub(p));
  });
  return {
    name: opts.name ?? `${f.name}_vjp`,
    params: [...params, ...ctParams],
    body: { stmts: b.stmts, results: [...(opts.keepPrimal ? primal : []), ...grads] },
  };
}
