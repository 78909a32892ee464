// Undo logs for arrays a loop updates in place. When every version of a
// carried array inside the body is chained through top-level `arr_set`s
// (c → c1 → … → the body's result) and any other use only reads an element
// or the length, the taping run records, per iteration, the index and the old
// value of every write; the reversed loop restores the array an iteration
// started from by writing the old values back in reverse order.
// Memory: two scalars per write; time: O(1) per write, in place.

import { freeVars, innerBlocks, stmtOperands } from "../../ir/analysis.js";
import type { Builder } from "../../ir/builder.js";
import { tapeName } from "../../ir/names.js";
import type { Atom, Block, PrimStmt, Stmt, Type, Var } from "../../ir/syntax.js";
import { i32, lit } from "../../ir/syntax.js";

/**
 * The top-level `arr_set`s of `body` chaining the carried array `c` to the
 * body's k-th result, or null when a version is used otherwise than by
 * element reads (then the loop snapshots the array instead, snapshot.ts).
 */
export function undoChain(body: Block, c: Var, k: number): PrimStmt[] | null {
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
      if (s.args.some(reads)) return null;
      continue;
    }
    if (freeVars({ stmts: [s], results: [] }).some((x) => versions.has(x.name)) && !onlyRead(s, versions)) return null;
  }
  const last = body.results[k];
  if (last.kind !== "var" || last.name !== head) return null;
  if (body.results.some((r, j) => j !== k && reads(r))) return null;
  return chain;
}

/** Whether every use of `names` inside statement `s` only reads an element or the length. */
function onlyRead(s: Stmt, names: Set<string>): boolean {
  const named = (a: Atom) => a.kind === "var" && names.has(a.name);
  const visit = (blk: Block): boolean =>
    blk.stmts.every((t) =>
      t.kind === "prim"
        ? t.args.every((a, j) => !named(a) || ((t.prim === "arr_get" || t.prim === "arr_len") && j === 0))
        : !stmtOperands(t).some(named) && innerBlocks(t).every(visit),
    ) && !blk.results.some(named);
  return !stmtOperands(s).some(named) && innerBlocks(s).every(visit);
}

/** Writes `old` back at `at`, last write first: the array before the writes of one iteration. */
export function undoWrites(b: Builder, a: Atom, writes: { at: Atom; old: Atom }[], hint: string): Atom {
  for (let m = writes.length - 1; m >= 0; m--) a = b.prim("arr_set", [a, writes[m].at, writes[m].old], undefined, hint);
  return a;
}

// ---- undo logs through nested statements ---------------------------------------------
//
// When the writes to a carried array happen inside branches or nested loops,
// their number per iteration is dynamic: the taping run appends (index, old
// value) of every write at any depth to a growable log (capacity doubled when
// full), threaded through the nested statements as extra if-outputs and
// loop-carried values, and tapes where each iteration's entries start and end.

/**
 * Follows the versions of an array from `head` through block `blk`: the
 * final version's name, or null when a version is used otherwise than by
 * element reads and a chain of writes (directly or through one output of a
 * nested if or loop).
 */
export function follow(blk: Block, head: string): string | null {
  const versions = new Set([head]);
  const isV = (a: Atom) => a.kind === "var" && versions.has(a.name);
  for (const s of blk.stmts) {
    if (s.kind === "prim") {
      if (s.prim === "arr_set" && isV(s.args[0])) {
        if ((s.args[0] as Var).name !== head || isV(s.args[2])) return null;
        head = s.outs[0].name;
        versions.add(head);
      } else if (!((s.prim === "arr_get" || s.prim === "arr_len") && !s.args.slice(1).some(isV)) && s.args.some(isV)) return null;
      continue;
    }
    if (!freeVars({ stmts: [s], results: [] }).some(isV) || onlyRead(s, versions)) continue;
    const p = through(s, head);
    if (p === null) return null;
    head = s.outs[p].name;
    versions.add(head);
  }
  return head;
}

/** The output of nested statement `s` that carries array `head` on through a chain of writes, or null. */
export function through(s: Stmt, head: string): number | null {
  const named = (a: Atom) => a.kind === "var" && a.name === head;
  switch (s.kind) {
    case "prim":
      return null;
    case "if": {
      const ends = [follow(s.then, head), follow(s.else, head)];
      if (named(s.cond) || ends.includes(null)) return null;
      const at = (blk: Block, end: string) => blk.results.flatMap((r, j) => (r.kind === "var" && r.name === end ? [j] : []));
      const [pt, pe] = [at(s.then, ends[0]!), at(s.else, ends[1]!)];
      return pt.length === 1 && pe.length === 1 && pt[0] === pe[0] ? pt[0] : null;
    }
    case "for":
    case "while": {
      const ps = s.inits.flatMap((a, j) => (named(a) ? [j] : []));
      if (ps.length !== 1 || freeVars(s.body).some(named)) return null;
      const p = ps[0];
      const c = s.carried[p].name;
      if (s.kind === "while" && !onlyRead({ kind: "if", outs: [], cond: lit(true, { dtype: "bool", rank: 0 }), then: s.cond, else: { stmts: [], results: [] } }, new Set([c]))) return null;
      const end = follow(s.body, c);
      const r = s.body.results;
      return end !== null && r.filter((x) => x.kind === "var" && x.name === end).length === 1 && r[p].kind === "var" && (r[p] as Var).name === end ? p : null;
    }
    default:
      throw new Error(`vjp: unknown statement ${(s as Stmt).kind}`);
  }
}

/** A growable log of (index, old value): its two buffers and its length. */
export interface UndoLog {
  at: Atom;
  old: Atom;
  n: Atom;
}

export function newLog(b: Builder, cap: Atom, dtype: Type["dtype"], name: string): UndoLog {
  return {
    at: b.prim("arr_new", [cap], { dtype: "i32" }, tapeName(`${name}_at`)),
    old: b.prim("arr_new", [cap], { dtype }, tapeName(`${name}_old`)),
    n: lit(0, i32),
  };
}

/** Appends (i, old) to the log, doubling its capacity when full. */
export function pushLog(b: Builder, log: UndoLog, i: Atom, old: Atom): UndoLog {
  const full = b.prim("ge", [log.n, b.prim("arr_len", [log.at])], undefined, "full");
  const outs = [b.fresh(nameOf(log.at), log.at.type), b.fresh(nameOf(log.old), log.old.type)];
  const grow = b.block(() => {
    const cap = b.mul(b.prim("arr_len", [log.at]), lit(2, i32), "cap");
    return [log.at, log.old].map((t) => copyPrefix(b, t, cap, log.n));
  });
  b.emit({ kind: "if", outs, cond: full, then: grow, else: { stmts: [], results: [log.at, log.old] } });
  return {
    at: b.prim("arr_set", [outs[0], log.n, i], undefined, nameOf(log.at)),
    old: b.prim("arr_set", [outs[1], log.n, old], undefined, nameOf(log.old)),
    n: b.prim("add", [log.n, lit(1, i32)], undefined, "logged"),
  };
}

const nameOf = (a: Atom) => (a.kind === "var" ? a.name : "t");

/** A new buffer of `cap` elements starting with src[0..count). */
function copyPrefix(b: Builder, src: Atom, cap: Atom, count: Atom): Atom {
  const j = b.fresh("j", i32);
  const d = b.fresh(nameOf(src), src.type);
  const body = b.block(() => [b.prim("arr_set", [d, j, b.prim("arr_get", [src, j])], undefined, d.name)]);
  const out = b.fresh(d.name, d.type);
  b.emit({ kind: "for", outs: [out], index: j, lo: lit(0, i32), hi: count, reverse: false, carried: [d], inits: [b.prim("arr_new", [cap], { dtype: src.type.dtype }, d.name)], body });
  return out;
}

/** Writes the old values of log entries [from, to) back into `a`, last entry first. */
export function undoLogged(b: Builder, a: Atom, log: { at: Atom; old: Atom }, from: Atom, to: Atom, hint: string): Atom {
  const m = b.fresh("m", i32);
  const c = b.fresh(hint, a.type);
  const body = b.block(() => [b.prim("arr_set", [c, b.prim("arr_get", [log.at, m], undefined, "at"), b.prim("arr_get", [log.old, m], undefined, "old")], undefined, hint)]);
  const out = b.fresh(hint, a.type);
  b.emit({ kind: "for", outs: [out], index: m, lo: from, hi: to, reverse: true, carried: [c], inits: [a], body });
  return out;
}
