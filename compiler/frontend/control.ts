// Loops and jumps. A counted `for (let i = A; i < B; i++)` whose body has no
// break/return becomes an IR `for` with an i32 index; every other loop is an
// IR `while`. Bindings assigned in the body are carried. `break` and
// `return` inside a loop set flags that are carried too and checked by the
// loop condition; `continue` sets a per-iteration flag. Flags exist only when
// the construct occurs, so simple loops stay clean. Carried values may be
// arrays and pytrees (one carried variable per leaf); when the body changes a
// carried type the loop is lowered again with the joined types. Loops over
// pytree lists are unrolled instead (unroll.ts).

import { ts } from "ts-morph";
import { isLit } from "../ir/builder.js";
import { type Atom, type Var, bool, f64, i32, lit } from "../ir/syntax.js";
import { assignedNames, containsJump, containsReturn, identifiersIn, stripParens } from "./analysis.js";
import { asI32, boundToI32 } from "./arith.js";
import { lowerExpr, lowerValue } from "./lower-expr.js";
import { lowerDeclarations, lowerScoped } from "./lower-stmt.js";
import type { LoopCtx, Lowerer } from "./lowerer.js";
import { isMutable } from "./scope.js";
import { needsUnrolling, pushBuffers, unroll } from "./unroll.js";
import { type Val, isAtom, isTree, leaves, mapLeaves, sameStructure, unflatten } from "./value.js";

const K = ts.SyntaxKind;

export function lowerReturn(L: Lowerer, s: ts.ReturnStatement): void {
  const fn = L.fn;
  if (!fn?.retKey || !fn.retvalKey) throw new Error("internal: return outside a function body");
  let val: Val;
  if (!s.expression) {
    L.report(s, "noReturnValue");
    val = lit(NaN);
  } else {
    val = lowerValue(L, s.expression);
    // Tuples must agree in length with the first return (other pytrees are checked when paths join).
    const n = val.kind === "list" ? val.items.length : 1;
    if ((fn.arity > 1 || ts.isArrayLiteralExpression(stripParens(s.expression))) && n !== fn.arity) L.report(s.expression, "returnArity", n, fn.arity);
  }
  L.env.set(fn.retvalKey, mapLeaves(val, (a) => (L.isWeak(a) ? L.toF64(a) : a)));
  L.env.set(fn.retKey, lit(true, bool));
}

function currentLoop(L: Lowerer, s: ts.BreakStatement | ts.ContinueStatement): LoopCtx | null {
  if (s.label) L.report(s, "labels");
  const loops = L.fn?.loops ?? [];
  if (loops.length === 0) {
    L.report(s, "jumpOutsideLoop", s.kind === K.BreakStatement ? "break" : "continue");
    return null;
  }
  return loops[loops.length - 1];
}

export function lowerBreak(L: Lowerer, s: ts.BreakStatement): void {
  const loop = currentLoop(L, s);
  if (loop?.brkKey) L.env.set(loop.brkKey, lit(true, bool));
}

export function lowerContinue(L: Lowerer, s: ts.ContinueStatement): void {
  const loop = currentLoop(L, s);
  if (loop?.contKey) L.env.set(loop.contKey, lit(true, bool));
}

/** Keys of the visible mutable bindings named in `names` (a conservative superset of what a body changes). */
function carriedKeys(L: Lowerer, names: Set<string>): string[] {
  const keys: string[] = [];
  for (const n of names) {
    const b = L.scope.lookup(n);
    // consts too: their array elements may be written (`out[i] = v`) or lists pushed onto
    if (b && (isMutable(b) || b.kind === "const") && !keys.includes(b.key)) keys.push(b.key);
  }
  return keys;
}

interface Counted {
  name: string;
  init: ts.Expression;
  bound: ts.Expression;
  op: "<" | "<=" | ">" | ">=";
  dir: 1 | -1;
}

const FLIP = { "<": ">", "<=": ">=", ">": "<", ">=": "<=" } as const;
const REL: Partial<Record<ts.SyntaxKind, Counted["op"]>> = {
  [K.LessThanToken]: "<", [K.LessThanEqualsToken]: "<=", [K.GreaterThanToken]: ">", [K.GreaterThanEqualsToken]: ">=",
};

/** Step of an update `i++`, `--i`, `i += 1`, `i = i - 1`, ... (0 when it is not ±1 on `name`). */
function unitStep(e: ts.Expression | undefined, name: string): 0 | 1 | -1 {
  if (!e) return 0;
  e = stripParens(e);
  const isName = (x: ts.Expression) => ts.isIdentifier(stripParens(x)) && (stripParens(x) as ts.Identifier).text === name;
  const isOne = (x: ts.Expression) => ts.isNumericLiteral(stripParens(x)) && Number((stripParens(x) as ts.NumericLiteral).text) === 1;
  if ((ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)) && isName(e.operand))
    return e.operator === K.PlusPlusToken ? 1 : e.operator === K.MinusMinusToken ? -1 : 0;
  if (ts.isBinaryExpression(e) && isName(e.left)) {
    const op = e.operatorToken.kind;
    if (op === K.PlusEqualsToken && isOne(e.right)) return 1;
    if (op === K.MinusEqualsToken && isOne(e.right)) return -1;
    const r = stripParens(e.right);
    if (op === K.EqualsToken && ts.isBinaryExpression(r) && isName(r.left) && isOne(r.right))
      return r.operatorToken.kind === K.PlusToken ? 1 : r.operatorToken.kind === K.MinusToken ? -1 : 0;
  }
  return 0;
}

/** Recognizes `for (let i = A; i < B; i++)` and its `<=`, `>`/`>=` + `i--` variants with an invariant B. */
function matchCounted(s: ts.ForStatement): Counted | null {
  const init = s.initializer;
  if (!init || !ts.isVariableDeclarationList(init) || !(init.flags & ts.NodeFlags.Let) || init.declarations.length !== 1) return null;
  const d = init.declarations[0];
  if (!ts.isIdentifier(d.name) || !d.initializer || !s.condition) return null;
  const name = d.name.text;
  const cond = stripParens(s.condition);
  if (!ts.isBinaryExpression(cond)) return null;
  let op = REL[cond.operatorToken.kind];
  if (!op) return null;
  const isName = (x: ts.Expression) => ts.isIdentifier(stripParens(x)) && (stripParens(x) as ts.Identifier).text === name;
  let bound: ts.Expression;
  if (isName(cond.left)) bound = cond.right;
  else if (isName(cond.right)) {
    bound = cond.left;
    op = FLIP[op];
  } else return null;
  const dir = unitStep(s.incrementor, name);
  if (dir === 0 || (dir === 1) !== (op === "<" || op === "<=")) return null;
  const changed = assignedNames([s.statement]);
  if (changed.has(name)) return null;
  for (const id of identifiersIn(bound)) if (id === name || changed.has(id)) return null;
  return { name, init: d.initializer, bound, op, dir };
}

export function lowerFor(L: Lowerer, s: ts.ForStatement): void {
  L.withScope(() => {
    const m = matchCounted(s);
    const jumpsOut = containsJump(s.statement, "break") || containsReturn(s.statement);
    if (m) {
      const a = lowerExpr(L, m.init);
      const a32 = asI32(a);
      if (a32 && !jumpsOut) return emitCountedFor(L, s, m, a32);
      // Same shape but it may leave early: a while loop, still with an i32 counter when the start is an integer.
      L.declare(m.name, "let", a32 ?? L.toF64(a), a32 ? i32 : f64);
    } else if (s.initializer) {
      if (ts.isVariableDeclarationList(s.initializer)) lowerDeclarations(L, s.initializer);
      else lowerExpr(L, s.initializer);
    }
    lowerLoop(L, { cond: s.condition, body: s.statement, update: s.incrementor, isDo: false });
  });
}

export function lowerWhile(L: Lowerer, s: ts.WhileStatement): void {
  lowerLoop(L, { cond: s.expression, body: s.statement, isDo: false });
}

export function lowerDo(L: Lowerer, s: ts.DoStatement): void {
  lowerLoop(L, { cond: s.expression, body: s.statement, isDo: true });
}

/**
 * Lowers a loop's blocks with the bindings `keys` carried. Carried values may
 * be pytrees: each leaf is one carried variable. When the body changes a
 * carried type (an f32 array becoming f64, a return value first set inside
 * the loop), the blocks are lowered again with the joined types.
 */
function carryLoop<T>(L: Lowerer, keys: string[], build: (carried: Var[], templates: Val[]) => { blocks: T; yields: Val[] }): { inits: Atom[]; carried: Var[]; outs: Var[]; blocks: T; templates: Val[] } {
  let templates = keys.map((k) => L.get(k));
  const diagsBefore = L.diags.list.length;
  for (let attempt = 0; ; attempt++) {
    const hints = keys.flatMap((k, n) => {
      const h = L.keyInfo.get(k)?.hint ?? "c";
      const ls = leaves(templates[n]);
      return ls.map((_, j) => (ls.length === 1 ? h : isTree(templates[n]) ? `${h}_${j}` : h));
    });
    const carried = templates.flatMap((t) => leaves(t)).map((a, j) => {
      const x = L.b.fresh(hints[j], a.type);
      if (!L.isWeak(a)) L.strong.add(x.name);
      return x;
    });
    const saved = L.env;
    L.env = new Map(saved);
    let j = 0;
    keys.forEach((k, n) => L.env.set(k, unflatten(templates[n], carried.slice(j, (j += leaves(templates[n]).length)))));
    const { blocks, yields } = build(carried, templates);
    L.env = saved;
    const stable = yields.every((y, n) => sameStructure(templates[n], y, true) || (templates[n].kind === "undef" && y.kind === "undef"));
    // Errors in this attempt are reported already; retrying would only repeat or pile on them.
    if (stable || attempt >= 2 || L.diags.list.length > diagsBefore) {
      const inits = keys.flatMap((k, n) => leaves(coerceVal(L, L.get(k), templates[n])));
      const outs = carried.map((c) => {
        const o = L.b.fresh(c.name, c.type);
        if (L.strong.has(c.name)) L.strong.add(o.name);
        return o;
      });
      return { inits, carried, outs, blocks, templates };
    }
    L.diags.list.length = diagsBefore; // the retry reports whatever is still wrong
    templates = templates.map((t, n) => joinTemplate(L, t, yields[n], L.keyInfo.get(keys[n])?.hint));
  }
}

/** The carried layout that holds both `t` (so far) and `y` (what the body yields). */
function joinTemplate(L: Lowerer, t: Val, y: Val, name?: string): Val {
  if (t.kind === "undef") return y;
  if (y.kind === "undef") return t;
  if (isAtom(t) && isAtom(y)) {
    // `let total = 0; for (...) total = total + x` with x an array: the number broadcasts, as JAX's
    // unrolled Python loop would; the loop carries an array that starts as [total] (shape [1, ..]).
    if (t.type.rank === 0 && y.type.rank > 0) {
      const type = { dtype: L.joinTypes({ ...t.type, rank: 0 }, { ...y.type, rank: 0 }, name).dtype, rank: y.type.rank };
      return { kind: "var", name: t.kind === "var" ? t.name : "c", type } as Var;
    }
    const type = L.joinTypes(t.type, y.type, name);
    return { kind: "var", name: t.kind === "var" ? t.name : "c", type } as Var;
  }
  if (!sameStructure(t, y)) {
    L.mismatch(t, y, name);
    return t;
  }
  const yl = leaves(y);
  return unflatten(t, leaves(t).map((a, k) => joinTemplate(L, a, yl[k], name) as Atom));
}

/** `x` converted to `template`'s layout: casts leaves, fills an undef with placeholders (emitted here). */
function coerceVal(L: Lowerer, x: Val, template: Val): Val {
  if (x.kind === "undef" && template.kind !== "undef") return L.placeholder(null, template);
  if (isAtom(x) && isAtom(template)) return broadcastUp(L, x, template.type);
  if (!sameStructure(x, template)) return x;
  const tl = leaves(template);
  return unflatten(x, leaves(x).map((a, k) => L.coerce(a, tl[k].type)));
}

/** A loop's scalar init entering an array carry (see joinTemplate): an array of shape [1, .., 1]. */
function broadcastUp(L: Lowerer, x: Atom, t: { dtype: Atom["type"]["dtype"]; rank: number }): Atom {
  if (x.type.rank >= t.rank) return L.coerce(x, t);
  const s = L.coerce(x, { dtype: t.dtype, rank: 0 });
  return L.aprim("broadcast_to", [s, ...Array.from({ length: t.rank }, () => lit(1, i32))]);
}

/** Yielded values converted to the carried layout, as atoms. */
function yieldAtoms(L: Lowerer, keys: string[], templates: Val[]): Atom[] {
  return keys.flatMap((k, n) => leaves(coerceVal(L, L.get(k), templates[n])));
}

function emitCountedFor(L: Lowerer, s: ts.ForStatement, m: Counted, start: Atom): void {
  const bound = lowerExpr(L, m.bound); // evaluated once: the pattern match checked that it is loop-invariant
  let lo: Atom, hi: Atom;
  if (m.dir === 1) {
    lo = start;
    hi = m.op === "<" ? boundToI32(L, bound, "ceil") : L.b.add(boundToI32(L, bound, "floor"), lit(1, i32));
  } else {
    hi = L.b.add(start, lit(1, i32));
    lo = m.op === ">=" ? boundToI32(L, bound, "ceil") : L.b.add(boundToI32(L, bound, "floor"), lit(1, i32));
  }
  if (lo.kind === "lit" && hi.kind === "lit" && needsUnrolling(L, s.statement)) {
    const ks = Array.from({ length: Math.max(0, hi.value - lo.value) }, (_, k) => lo.value + k);
    return unroll(L, s.statement, m.dir === -1 ? ks.reverse() : ks, (k) => L.declare(m.name, "counter", lit(k, i32), null));
  }
  emitFor(L, s.statement, lo, hi, m.dir === -1, m.name, (index) => L.declare(m.name, "counter", index, null));
}

/** An IR `for` over lo..hi whose body is `stmt`; `bind` binds the loop variable(s) from the i32 index. */
export function emitFor(L: Lowerer, stmt: ts.Statement, lo: Atom, hi: Atom, reverse: boolean, hint: string, bind: (index: Var) => void): void {
  const index = L.b.fresh(hint, i32);
  const slots = pushBuffers(L, stmt, lo, hi, index);
  const keys = carriedKeys(L, assignedNames([stmt]));
  const r = carryLoop(L, keys, (_, templates) => {
    const loop: LoopCtx = { contKey: containsJump(stmt, "continue") ? L.newKey("continued", bool) : undefined };
    let ys: Val[] = [];
    const body = L.b.block(() => {
      bind(index);
      L.fn!.loops.push(loop);
      if (loop.contKey) L.env.set(loop.contKey, lit(false, bool));
      lowerScoped(L, stmt);
      L.fn!.loops.pop();
      ys = keys.map((k) => L.get(k));
      return yieldAtoms(L, keys, templates);
    });
    return { blocks: body, yields: ys };
  });
  for (const k of slots) L.pushSlots.delete(k);
  if (keys.length === 0) return; // a loop that changes nothing computes nothing
  L.b.emit({ kind: "for", outs: r.outs, index, lo, hi, reverse, carried: r.carried, inits: r.inits, body: r.blocks });
  let j = 0;
  keys.forEach((k, n) => L.env.set(k, unflatten(r.templates[n], r.outs.slice(j, (j += leaves(r.templates[n]).length)))));
}

interface LoopParts {
  cond: ts.Expression | undefined; // undefined: `for (;;)`
  body: ts.Statement;
  update?: ts.Expression;
  isDo: boolean;
}

function lowerLoop(L: Lowerer, p: LoopParts): void {
  const fn = L.fn!;
  if (p.cond && assignedNames([p.cond]).size > 0) L.report(p.cond, "condSideEffect");
  const keys = carriedKeys(L, assignedNames([p.body, p.update]));
  const brkKey = containsJump(p.body, "break") ? L.newKey("broke", bool, lit(false, bool)) : undefined;
  const firstKey = p.isDo ? L.newKey("first", bool, lit(true, bool)) : undefined; // do-while: skip the first test
  const returns = fn.retKey !== undefined && containsReturn(p.body);
  if (brkKey) keys.push(brkKey);
  if (firstKey) keys.push(firstKey);
  if (returns) keys.push(fn.retKey!, fn.retvalKey!);
  const r = carryLoop(L, keys, (_, templates) => {
    const entry = L.env;
    L.env = new Map(entry);
    const cond = L.b.block(() => {
      let c = p.cond ? L.scalarCond(L.toBool(lowerExpr(L, p.cond))) : lit(true, bool);
      if (firstKey) c = L.or(L.atom(firstKey), c);
      if (brkKey) c = L.and(L.not(L.atom(brkKey)), c);
      if (returns) c = L.and(L.not(L.atom(fn.retKey!)), c);
      return [c];
    });
    L.env = new Map(entry);
    const loop: LoopCtx = { brkKey, contKey: containsJump(p.body, "continue") ? L.newKey("continued", bool) : undefined };
    let ys: Val[] = [];
    const body = L.b.block(() => {
      // The body only runs when no flag is set, so inside it they start false.
      if (brkKey) L.env.set(brkKey, lit(false, bool));
      if (returns) L.env.set(fn.retKey!, lit(false, bool));
      if (firstKey) L.env.set(firstKey, lit(false, bool));
      if (loop.contKey) L.env.set(loop.contKey, lit(false, bool));
      fn.loops.push(loop);
      lowerScoped(L, p.body);
      if (loop.contKey) L.env.delete(loop.contKey); // `continue` still runs the update
      loop.contKey = undefined;
      const update = p.update;
      if (update) L.guarded(() => void lowerExpr(L, update));
      fn.loops.pop();
      ys = keys.map((k) => L.get(k));
      return yieldAtoms(L, keys, templates);
    });
    return { blocks: { cond, body }, yields: ys };
  });
  const { cond, body } = r.blocks;
  if (keys.length > 0 || !isLit(cond.results[0], 0)) L.b.emit({ kind: "while", outs: r.outs, carried: r.carried, inits: r.inits, cond, body });
  let j = 0;
  keys.forEach((k, n) => L.env.set(k, unflatten(r.templates[n], r.outs.slice(j, (j += leaves(r.templates[n]).length)))));
  if (brkKey) L.env.delete(brkKey);
  if (firstKey) L.env.delete(firstKey);
}
