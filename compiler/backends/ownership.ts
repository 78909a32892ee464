// Which `arr_set` statements may write their input array in place.
//
// In the IR arrays are values and `arr_set` returns a new array. Backends
// represent an array by a reference to one buffer, so `arr_set(a, i, v)` may
// overwrite a's buffer only when nothing can observe the old contents later:
//   1. `a` is dead after the statement (no later use in the enclosing blocks,
//      in a yield, or in a later iteration of an enclosing loop), and
//   2. no other live variable refers to the same buffer ("a is owned").
// Buffers are shared when a value is passed on while still live: a function
// parameter (the caller's buffer), `stop_gradient(a)`, a branch yielding an
// outer array, a loop init or a loop body yielding an outer array. Passing a
// dead variable on is a move and keeps the buffer owned.
//
// Loop-carried arrays are owned only if the init is owned and moved (or copied
// at loop entry) AND every iteration yields an owned, moved array; that is a
// fixpoint, found by starting optimistic and re-running the loop until stable.
// When an init must stay intact (still used after or inside the loop) and the
// loop writes the carried array, one copy at loop entry beats one per iteration.
//
// Only array-typed variables matter, so live sets hold array names only.

import type { Atom, Block, ForStmt, Func, PrimStmt, Stmt, Var, WhileStmt } from "../ir/syntax.js";

export type LoopStmt = ForStmt | WhileStmt;

export interface Ownership {
  /** arr_set statements that may update their input buffer in place. */
  readonly inPlace: ReadonlySet<PrimStmt>;
  /** Per loop, per carried value: copy the init at loop entry. */
  readonly entryCopies: ReadonlyMap<LoopStmt, readonly boolean[]>;
}

const isArr = (a: Atom): a is Var => a.kind === "var" && a.type.rank > 0;
const once = (as: Atom[], x: Var) => as.filter((a) => a.kind === "var" && a.name === x.name).length === 1;

export function analyzeOwnership(f: Func): Ownership {
  const live = new Liveness();
  live.block(f.body, new Set());
  const own = new Owner(live);
  // Parameters are the caller's buffers: never owned.
  own.block(f.body, new Set());
  const inPlace = new Set<PrimStmt>();
  for (const [s, ok] of own.inPlace) if (ok) inPlace.add(s);
  return { inPlace, entryCopies: own.copies };
}

/** The arr_set statements of `f` that may update in place. */
export function inPlaceSets(f: Func): Set<PrimStmt> {
  return new Set(analyzeOwnership(f).inPlace);
}

export function needsCopyAtLoopEntry(o: Ownership, s: LoopStmt, k: number): boolean {
  return o.entryCopies.get(s)?.[k] ?? false;
}

// ---- liveness (backward) ------------------------------------------------------------

class Liveness {
  /** Arrays live right after each statement (continuation included). */
  readonly after = new Map<Stmt, Set<string>>();
  /** Arrays live after each block's yield (excluding its own results). */
  readonly out = new Map<Block, Set<string>>();
  private readonly freeMemo = new Map<Stmt, Set<string>>();

  block(b: Block, out: Set<string>): Set<string> {
    this.out.set(b, out);
    let live = new Set(out);
    for (const r of b.results) if (isArr(r)) live.add(r.name);
    for (let k = b.stmts.length - 1; k >= 0; k--) {
      const s = b.stmts[k];
      this.after.set(s, live);
      live = this.stmt(s, live);
    }
    return live;
  }

  private stmt(s: Stmt, after: Set<string>): Set<string> {
    const live = new Set(after);
    for (const o of s.outs) live.delete(o.name);
    const uses = (as: Atom[]) => as.forEach((a) => isArr(a) && live.add(a.name));
    switch (s.kind) {
      case "prim":
        uses(s.args);
        return live;
      case "if": {
        const t = this.block(s.then, new Set(live));
        const e = this.block(s.else, new Set(live));
        for (const x of t) live.add(x);
        for (const x of e) live.add(x);
        return live;
      }
      case "for":
      case "while": {
        // Outer arrays read anywhere in the loop stay live for all iterations.
        const free = this.free(s);
        for (const x of free) live.add(x);
        if (s.kind === "for") this.block(s.body, new Set(live));
        else {
          // After cond come the body or the exit (outs = carried): keep carried live.
          const condOut = new Set(live);
          for (const c of s.carried) if (isArr(c)) condOut.add(c.name);
          this.block(s.cond, condOut);
          this.block(s.body, new Set(live));
        }
        uses(s.inits);
        return live;
      }
    }
  }

  /** Arrays a loop reads that it does not define. */
  free(s: LoopStmt): Set<string> {
    let r = this.freeMemo.get(s);
    if (r) return r;
    const used = new Set<string>();
    const defined = new Set<string>();
    const walk = (b: Block) => {
      for (const st of b.stmts) {
        st.outs.forEach((o) => defined.add(o.name));
        const atoms: Atom[] =
          st.kind === "prim" ? st.args : st.kind === "if" ? [st.cond] : st.kind === "for" ? [st.lo, st.hi, ...st.inits] : st.inits;
        atoms.forEach((a) => isArr(a) && used.add(a.name));
        if (st.kind === "if") [st.then, st.else].forEach(walk);
        else if (st.kind === "for") walk(st.body);
        else if (st.kind === "while") [st.cond, st.body].forEach(walk);
        if (st.kind === "for" || st.kind === "while") st.carried.forEach((c) => defined.add(c.name));
      }
      b.results.forEach((a) => isArr(a) && used.add(a.name));
    };
    s.carried.forEach((c) => defined.add(c.name));
    if (s.kind === "while") walk(s.cond);
    walk(s.body);
    r = new Set([...used].filter((x) => !defined.has(x)));
    this.freeMemo.set(s, r);
    return r;
  }
}

// ---- ownership (forward) ------------------------------------------------------------

class Owner {
  /** Decisions are overwritten on every re-run of a loop body, so the last (stable) run wins. */
  readonly inPlace = new Map<PrimStmt, boolean>();
  readonly copies = new Map<LoopStmt, boolean[]>();

  constructor(private readonly live: Liveness) {}

  /** Runs a block on the owned set (mutated); returns per result whether it moves out owned. */
  block(b: Block, owned: Set<string>): boolean[] {
    for (const s of b.stmts) this.stmt(s, owned);
    const out = this.live.out.get(b)!;
    return b.results.map((r) => {
      if (!isArr(r)) return false;
      const moved = owned.has(r.name) && !out.has(r.name) && once(b.results, r);
      if (!moved) owned.delete(r.name); // passed on while still live: now shared
      return moved;
    });
  }

  private stmt(s: Stmt, owned: Set<string>): void {
    const after = this.live.after.get(s)!;
    switch (s.kind) {
      case "prim": {
        const a = s.args[0];
        if (s.prim === "arr_new") owned.add(s.outs[0].name);
        else if (s.prim === "arr_set") {
          this.inPlace.set(s, isArr(a) && owned.has(a.name) && !after.has(a.name));
          owned.add(s.outs[0].name); // in place on a dead buffer, or a fresh copy
        } else if (s.prim === "stop_gradient" && isArr(a)) {
          if (owned.has(a.name) && !after.has(a.name)) owned.add(s.outs[0].name);
          else owned.delete(a.name);
        }
        return;
      }
      case "if": {
        const t = new Set(owned);
        const e = new Set(owned);
        const rt = this.block(s.then, t);
        const re = this.block(s.else, e);
        for (const x of [...owned]) if (!t.has(x) || !e.has(x)) owned.delete(x);
        s.outs.forEach((o, k) => rt[k] && re[k] && owned.add(o.name));
        return;
      }
      case "for":
      case "while":
        return this.loop(s, owned, after);
    }
  }

  private loop(s: LoopStmt, owned: Set<string>, after: Set<string>): void {
    const free = this.live.free(s);
    const moved = s.inits.map((a) => isArr(a) && owned.has(a.name) && !after.has(a.name) && !free.has(a.name) && once(s.inits, a));
    const copy = s.inits.map((a, k) => isArr(a) && !moved[k] && writes(s, s.carried[k]));
    this.copies.set(s, copy);
    s.inits.forEach((a, k) => isArr(a) && !moved[k] && !copy[k] && owned.delete(a.name));
    let carried = s.carried.map((c, k) => isArr(c) && (moved[k] || copy[k]));
    for (;;) {
      const inner = new Set(owned);
      s.carried.forEach((c, k) => carried[k] && inner.add(c.name));
      let exitOwned = carried;
      if (s.kind === "while") {
        this.block(s.cond, inner);
        exitOwned = s.carried.map((c, k) => carried[k] && inner.has(c.name));
      }
      const res = this.block(s.body, inner);
      const next = carried.map((o, k) => o && res[k]);
      if (next.every((o, k) => o === carried[k])) {
        for (const x of [...owned]) if (!inner.has(x)) owned.delete(x);
        s.outs.forEach((o, k) => exitOwned[k] && owned.add(o.name));
        return;
      }
      carried = next;
    }
  }
}

/** Does the loop write (arr_set) carried array `c`, directly or through moves? */
function writes(s: LoopStmt, c: Var): boolean {
  if (!isArr(c)) return false;
  const names = new Set([c.name]);
  const walk = (b: Block): boolean => {
    for (const st of b.stmts) {
      if (st.kind === "prim") {
        const a = st.args[0];
        if (a?.kind !== "var" || !names.has(a.name)) continue;
        if (st.prim === "arr_set") return true;
        if (st.prim === "stop_gradient") names.add(st.outs[0].name);
      } else if (st.kind === "if") {
        if (walk(st.then) || walk(st.else)) return true;
      } else {
        st.inits.forEach((a, k) => a.kind === "var" && names.has(a.name) && names.add(st.carried[k].name));
        if ((st.kind === "while" && walk(st.cond)) || walk(st.body)) return true;
      }
    }
    return false;
  };
  return (s.kind === "while" && walk(s.cond)) || walk(s.body);
}
