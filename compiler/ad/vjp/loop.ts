// Reverse of `for` and `while` loops, by tapes. A loop is emitted once as a
// taping run (which is also its forward computation: its outputs are the
// loop's outputs), then reversed by a second loop running the iterations
// backwards. What the taping run records depends on each carried value:
//
//  - scalar: its value at the start of every iteration (`s_tape[k] = s`).
//    Memory O(trips); time O(1) per iteration.
//  - array updated in place (an `arr_set` chain, buffer.ts): an undo log, the
//    index and old value of each write; a fixed set of tapes when the writes
//    are top-level statements of the body, a growable log with per-iteration
//    ranges when they happen inside branches or nested loops (logged.ts).
//    Reversed step k undoes iteration k's writes (E_k → S_k), recomputes the
//    body from S_k, and undoes again (→ S_k = E_{k-1}, carried to step k-1):
//    every version is dead after its successor, so all of it runs in place.
//    Memory and time O(writes).
//  - any other array: a snapshot per iteration (snapshot.ts).
//    Memory O(trips × size), as jax.lax.scan; time O(size) per iteration.
//
// Reversed step k restores iteration k's state, recomputes the body (its
// forward sweep: nested loops taped, branches with residuals) and reverses
// it, carrying the adjoints of the carried values and of the outer variables
// the body reads; adjoints of outer arrays are updated in place one element
// per `arr_get`. Time: the body runs forward twice (taping run, recompute)
// and backward once per iteration. A `while` is first run once to count its
// trips, then taped and reversed as a `for` over 0..trips.

import { freeVars } from "../../ir/analysis.js";
import { adjointName, tapeName } from "../../ir/names.js";
import type { Atom, PrimStmt, Var } from "../../ir/syntax.js";
import { i32, lit, v } from "../../ir/syntax.js";
import { zeroLike } from "../jvp.js";
import { newLog, through, undoChain, undoLogged, undoWrites } from "./buffer.js";
import { type Logged, copyLoggedStmt } from "./logged.js";
import type { Adjoints, LoopStmt, Reverser } from "./context.js";
import { type SnapshotTape, snapshotInit, snapshotPush, snapshotRead } from "./snapshot.js";

/** How one carried value is recorded. */
type Plan = { kind: "scalar" } | { kind: "undo"; chain: PrimStmt[] } | { kind: "log" } | { kind: "snapshot" };

/** What the taping run of a loop leaves for its reversal. */
export interface LoopTape {
  readonly lo: Atom;
  readonly hi: Atom;
  readonly reverse: boolean;
  readonly index: Var;
  readonly plans: Plan[];
  /**
   * Per carried value, its tapes. scalar: its values; undo: index and old value per write;
   * log: first and end log entry per iteration, the log's indices, old values and length;
   * snapshot: offsets, dims, elements, fill (snapshot.ts).
   */
  readonly tapes: Atom[][];
  /** The loop's final carried values. */
  readonly outs: Atom[];
}

function plan(s: LoopStmt, k: number): Plan {
  const c = s.carried[k];
  if (c.type.rank === 0) return { kind: "scalar" };
  const chain = undoChain(s.body, c, k);
  if (chain) return { kind: "undo", chain };
  // writes inside nested statements: the loop passes the array on as through() asks of a nested loop
  const probe = { ...s, inits: s.inits.map((_, j) => (j === k ? v("%probe", c.type) : lit(0, i32))) };
  return through(probe, "%probe") === k ? { kind: "log" } : { kind: "snapshot" };
}

/** Emits the taping run of loop `s` and binds its outputs; the forward computation of `s`. */
export function tapeLoop(r: Reverser, s: LoopStmt): LoopTape {
  const { b, copy } = r;
  const range = s.kind === "for" ? { lo: r.sub(s.lo), hi: r.sub(s.hi), index: s.index, reverse: s.reverse } : countTrips(r, s);
  const { lo, hi, index, reverse } = range;
  const n = b.prim("max", [b.prim("sub", [hi, lo], undefined, "trips"), lit(0, i32)], undefined, "trips");
  const plans = s.carried.map((_, k) => plan(s, k));
  const inits = s.inits.map((a) => r.sub(a));
  const tapes0: Atom[][] = s.carried.map((c, k) => {
    const p = plans[k];
    if (p.kind === "scalar") return [b.prim("arr_new", [n], { dtype: c.type.dtype }, tapeName(c.name))];
    if (p.kind === "snapshot") return snapshotInit(b, inits[k], n, c.name);
    if (p.kind === "log") {
      const log = newLog(b, b.add(n, lit(16, i32)), c.type.dtype, c.name);
      return [b.prim("arr_new", [n], { dtype: "i32" }, tapeName(`${c.name}_from`)), b.prim("arr_new", [n], { dtype: "i32" }, tapeName(`${c.name}_to`)), log.at, log.old, log.n];
    }
    return p.chain.flatMap((st) => [
      b.prim("arr_new", [n], { dtype: "i32" }, tapeName(`${st.outs[0].name}_at`)),
      b.prim("arr_new", [n], { dtype: c.type.dtype }, tapeName(`${st.outs[0].name}_old`)),
    ]);
  });
  const tc = s.carried.map((c) => b.fresh(c.name, c.type));
  const tt = tapes0.map((ts) => ts.map((t) => b.fresh(t.kind === "var" ? t.name : "fill", t.type)));
  const ti = b.fresh(index.name, i32);
  const body = b.block(() => {
    copy.env.set(index.name, ti);
    s.carried.forEach((c, k) => copy.bind(c, tc[k]));
    const k = position(r, ti, range);
    const next: Atom[][] = s.carried.map((_, j) => {
      const p = plans[j];
      if (p.kind === "scalar") return [b.prim("arr_set", [tt[j][0], k, tc[j]], undefined, tt[j][0].name)];
      if (p.kind === "snapshot") return snapshotPush(b, tt[j], tc[j], k);
      if (p.kind === "log") return [b.prim("arr_set", [tt[j][0], k, tt[j][4]], undefined, tt[j][0].name)];
      return [];
    });
    const logK = plans.flatMap((p, j) => (p.kind === "log" ? [j] : []));
    const states: Logged[] = logK.map((j) => ({ head: s.carried[j].name, log: { at: tt[j][2], old: tt[j][3], n: tt[j][4] } }));
    const logged = new Map(plans.flatMap((p, j) => (p.kind === "undo" ? p.chain.map((st, m) => [st, [j, m]] as const) : [])));
    for (const st of s.body.stmts) {
      const at = logged.get(st as PrimStmt);
      if (at) {
        const [j, m] = at;
        const [a, i] = (st as PrimStmt).args.map((x) => r.sub(x));
        next[j].push(b.prim("arr_set", [tt[j][2 * m], k, i], undefined, tt[j][2 * m].name));
        next[j].push(b.prim("arr_set", [tt[j][2 * m + 1], k, b.prim("arr_get", [a, i], undefined, "old")], undefined, tt[j][2 * m + 1].name));
      }
      copyLoggedStmt(r, st, states);
    }
    logK.forEach((j, q) => {
      const { log } = states[q];
      next[j].push(b.prim("arr_set", [tt[j][1], k, log.n], undefined, tt[j][1].name), log.at, log.old, log.n);
    });
    return [...s.body.results.map((x) => r.sub(x)), ...next.flat()];
  });
  const outs = [...s.carried.map((c) => b.fresh(c.name, c.type)), ...tt.flat().map((t) => b.fresh(t.name, t.type))];
  b.emit({ kind: "for", outs, index: ti, lo, hi, reverse, carried: [...tc, ...tt.flat()], inits: [...inits, ...tapes0.flat()], body });
  s.outs.forEach((o, k) => copy.bind(o, outs[k]));
  let at = s.carried.length;
  const tapes = tt.map((ts) => outs.slice(at, (at += ts.length)));
  return { lo, hi, reverse, index, plans, tapes, outs: outs.slice(0, s.carried.length) };
}

/** A `while`'s trip count, by running it once with a counter. */
function countTrips(r: Reverser, s: LoopStmt & { kind: "while" }) {
  const { b, copy } = r;
  const count0 = lit(0, i32);
  const carried = s.carried.map((c) => b.fresh(c.name, c.type));
  const cnt = b.fresh("trips", i32);
  const bindCarried = () => s.carried.forEach((c, k) => copy.bind(c, carried[k]));
  const cond = b.block(() => (bindCarried(), copy.block(s.cond)));
  const body = b.block(() => (bindCarried(), [...copy.block(s.body), b.prim("add", [cnt, lit(1, i32)], undefined, "trips")]));
  const outs = [...s.carried.map((c) => b.fresh(c.name, c.type)), b.fresh("trips", i32)];
  b.emit({ kind: "while", outs, carried: [...carried, cnt], inits: [...s.inits.map((a) => r.sub(a)), count0], cond, body });
  // a name no source variable has: the body never reads it
  return { lo: count0, hi: outs[outs.length - 1] as Atom, index: v("%while_index", i32), reverse: false };
}

/** The iteration number (0 for the first iteration run) of index value `i`. */
function position(r: Reverser, i: Atom, range: { lo: Atom; hi: Atom; reverse: boolean }): Atom {
  const { b } = r;
  return range.reverse ? b.prim("sub", [b.prim("sub", [range.hi, lit(1, i32)]), i], undefined, "k") : b.sub(i, range.lo, "k");
}

/** Emits the reversed loop of `s` from its tape `t`; adds the adjoints of its inits and of the outer variables it reads. */
export function reverseLoop(r: Reverser, s: LoopStmt, t: LoopTape, adj: Adjoints): void {
  const { b, copy } = r;
  const { carried, body } = s;
  const undoK = carried.map((_, k) => k).filter((k) => t.plans[k].kind === "undo" || t.plans[k].kind === "log");
  const activeK = carried.map((c, k) => (r.active.has(c.name) ? k : -1)).filter((k) => k >= 0);
  const free = freeVars(body, s.kind === "for" ? [s.index, ...carried] : carried).filter((x) => r.active.has(x.name));
  const ctC = activeK.map((k) => b.fresh(adjointName(carried[k].name), carried[k].type));
  const acc = free.map((x) => b.fresh(adjointName(x.name), x.type));
  const state = undoK.map((k) => b.fresh(carried[k].name, carried[k].type));
  const ctInits = activeK.map((k) => adj.get(s.outs[k].name) ?? zeroLike(b, t.outs[k]));
  const accInits = free.map((x) => (x.type.rank > 0 ? (adj.get(x.name) ?? zeroLike(b, r.sub(x))) : lit(0, x.type)));
  const writes = (k: number, pos: Atom) => {
    const ts = t.tapes[k];
    return (t.plans[k] as { chain: PrimStmt[] }).chain.map((_, m) => ({ at: b.prim("arr_get", [ts[2 * m], pos], undefined, "at"), old: b.prim("arr_get", [ts[2 * m + 1], pos], undefined, "old") }));
  };
  const ri = b.fresh(t.index.name, i32);
  const revBody = b.block(() => {
    copy.env.set(t.index.name, ri);
    const k = position(r, ri, t);
    const logs = new Map(undoK.filter((kk) => t.plans[kk].kind === "undo").map((kk) => [kk, writes(kk, k)]));
    // the entries iteration k appended to a dynamic log
    const ranges = new Map(undoK.filter((kk) => t.plans[kk].kind === "log").map((kk) => [kk, [0, 1].map((j) => b.prim("arr_get", [t.tapes[kk][j], k], undefined, j ? "to" : "from"))]));
    const undo = (kk: number, a: Atom) => {
      const range = ranges.get(kk);
      if (!range) return undoWrites(b, a, logs.get(kk)!, carried[kk].name);
      return undoLogged(b, a, { at: t.tapes[kk][2], old: t.tapes[kk][3] }, range[0], range[1], carried[kk].name);
    };
    carried.forEach((c, kk) => {
      const p = t.plans[kk];
      const ts = t.tapes[kk];
      if (p.kind === "scalar") copy.bind(c, b.prim("arr_get", [ts[0], k], undefined, c.name));
      else if (p.kind === "snapshot") copy.bind(c, snapshotRead(b, ts as SnapshotTape, k, c.type, c.name));
      else copy.bind(c, undo(kk, state[undoK.indexOf(kk)]));
    });
    const seeds: (Atom | undefined)[] = body.results.map(() => undefined);
    activeK.forEach((kk, j) => (seeds[kk] = ctC[j]));
    const pre: Adjoints = new Map(free.flatMap((x, j) => (x.type.rank > 0 ? [[x.name, acc[j] as Atom] as const] : [])));
    const inner = r.reverseBlock(body, seeds, pre);
    const ctNext = activeK.map((kk) => inner.get(carried[kk].name) ?? zeroLike(b, ctC[activeK.indexOf(kk)]));
    const accNext = free.map((x, j) => (x.type.rank > 0 ? inner.get(x.name)! : b.add(acc[j], inner.get(x.name) ?? lit(0, x.type), adjointName(x.name))));
    // the recomputed end state, undone again: the state iteration k started from, which iteration k-1 ended with
    const stateNext = undoK.map((kk) => undo(kk, r.sub(body.results[kk])));
    return [...ctNext, ...accNext, ...stateNext];
  });
  const loopVars = [...ctC, ...acc, ...state];
  const revOuts = loopVars.map((x) => b.fresh(x.name, x.type));
  const inits = [...ctInits, ...accInits, ...undoK.map((kk) => t.outs[kk])];
  b.emit({ kind: "for", outs: revOuts, index: ri, lo: t.lo, hi: t.hi, reverse: !t.reverse, carried: loopVars, inits, body: revBody });
  // the adjoints leave the loop through its inits and the outer variables it read
  activeK.forEach((k, j) => r.addAdjoint(adj, s.inits[k], revOuts[j]));
  free.forEach((x, j) => {
    const out = revOuts[activeK.length + j];
    if (x.type.rank > 0) adj.set(x.name, out); // the accumulator started from the outer adjoint
    else r.addAdjoint(adj, x, out);
  });
}
