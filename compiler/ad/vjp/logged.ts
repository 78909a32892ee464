// The taping run's copy of a loop body when carried arrays are written
// inside nested branches or loops (buffer.ts, "undo logs through nested
// statements"): a plain copy, except that every write in the chain of a
// logged array appends its index and old value to that array's log, and the
// nested statements the chain passes through carry the logs along.

import type { Atom, Block, Stmt, Var } from "../../ir/syntax.js";
import { type UndoLog, pushLog, through } from "./buffer.js";
import type { Reverser } from "./context.js";

/** A logged array: the original name of its current version, and its log so far. */
export interface Logged {
  head: string;
  log: UndoLog;
}

const logAtoms = (l: UndoLog): Atom[] => [l.at, l.old, l.n];

/** Emits `blk` into the current block, appending the writes of each `states` chain to its log (updated in place). */
export function copyLogged(r: Reverser, blk: Block, states: Logged[]): Atom[] {
  for (const s of blk.stmts) copyLoggedStmt(r, s, states);
  return blk.results.map((x) => r.sub(x));
}

export function copyLoggedStmt(r: Reverser, s: Stmt, states: Logged[]): void {
  const { b, copy } = r;
  if (s.kind === "prim") {
    const st = s.prim === "arr_set" && s.args[0].kind === "var" ? states.find((q) => q.head === (s.args[0] as { name: string }).name) : undefined;
    if (st) {
      const [a, i] = [r.sub(s.args[0]), r.sub(s.args[1])];
      st.log = pushLog(b, st.log, i, b.prim("arr_get", [a, i], undefined, "old"));
      st.head = s.outs[0].name;
    }
    return copy.stmt(s);
  }
  const moved = states.map((q) => ({ q, p: through(s, q.head) })).filter((m) => m.p !== null) as { q: Logged; p: number }[];
  if (moved.length === 0) return copy.stmt(s);
  const fresh = (xs: Atom[]): Var[] => xs.map((x) => b.fresh(x.kind === "var" ? x.name : "logged", x.type));
  const logOuts = fresh(moved.flatMap((m) => logAtoms(m.q.log)));
  const outs = s.outs.map((o) => b.fresh(o.name, o.type));
  const inner = (heads: string[], logs: Atom[]): Logged[] => moved.map((_, j) => ({ head: heads[j], log: { at: logs[3 * j], old: logs[3 * j + 1], n: logs[3 * j + 2] } }));
  const yieldWith = (results: Atom[], ls: Logged[]) => [...results, ...ls.flatMap((l) => logAtoms(l.log))];
  switch (s.kind) {
    case "if": {
      const cond = r.sub(s.cond);
      const branch = (blk: Block) =>
        b.block(() => {
          const ls = inner(moved.map((m) => m.q.head), moved.flatMap((m) => logAtoms(m.q.log)));
          return yieldWith(copyLogged(r, blk, ls), ls);
        });
      const thenB = branch(s.then);
      const elseB = branch(s.else);
      b.emit({ kind: "if", outs: [...outs, ...logOuts], cond, then: thenB, else: elseB });
      break;
    }
    case "for":
    case "while": {
      const inits = [...s.inits.map((a) => r.sub(a)), ...moved.flatMap((m) => logAtoms(m.q.log))];
      const carried = s.carried.map((c) => b.fresh(c.name, c.type));
      const logC = fresh(logOuts);
      const bindCarried = () => s.carried.forEach((c, k) => copy.bind(c, carried[k]));
      const body = () => {
        bindCarried();
        const ls = inner(moved.map((m) => s.carried[m.p].name), logC);
        return yieldWith(copyLogged(r, s.body, ls), ls);
      };
      if (s.kind === "for") {
        const [lo, hi] = [r.sub(s.lo), r.sub(s.hi)];
        const index = b.fresh(s.index.name, s.index.type);
        const bodyB = b.block(() => (copy.bind(s.index, index), body()));
        b.emit({ kind: "for", outs: [...outs, ...logOuts], index, lo, hi, reverse: s.reverse, carried: [...carried, ...logC], inits, body: bodyB });
      } else {
        const cond = b.block(() => (bindCarried(), copy.block(s.cond)));
        const bodyB = b.block(body);
        b.emit({ kind: "while", outs: [...outs, ...logOuts], carried: [...carried, ...logC], inits, cond, body: bodyB });
      }
      break;
    }
  }
  s.outs.forEach((o, k) => copy.bind(o, outs[k]));
  moved.forEach((m, j) => {
    m.q.head = s.outs[m.p].name;
    m.q.log = { at: logOuts[3 * j], old: logOuts[3 * j + 1], n: logOuts[3 * j + 2] };
  });
}
