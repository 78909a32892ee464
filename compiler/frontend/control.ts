// Loops and jumps. A counted `for (let i = A; i < B; i++)` whose body has no
// break/return becomes an IR `for` with an i32 index; every other loop is an
// IR `while`. Bindings assigned in the body are carried. `break` and
// `return` inside a loop set flags that are carried too and checked by the
// loop condition; `continue` sets a per-iteration flag. Flags exist only when
// the construct occurs, so simple loops stay clean.

import { ts } from "ts-morph";
import { isLit } from "../ir/builder.js";
import { type Atom, type Var, bool, f64, i32, lit } from "../ir/syntax.js";
import { assignedNames, containsJump, containsReturn, identifiersIn, stripParens } from "./analysis.js";
import { asI32, boundToI32 } from "./arith.js";
import { lowerExpr, lowerMulti } from "./lower-expr.js";
import { lowerDeclarations, lowerScoped } from "./lower-stmt.js";
import type { LoopCtx, Lowerer } from "./lowerer.js";
import { isMutable } from "./scope.js";

const K = ts.SyntaxKind;

export function lowerReturn(L: Lowerer, s: ts.ReturnStatement): void {
  const fn = L.fn;
  if (!fn?.retKey) throw new Error("internal: return outside a function body");
  let vals: Atom[];
  if (!s.expression) {
    L.report(s, "noReturnValue");
    vals = [];
  } else {
    vals = lowerMulti(L, s.expression);
    if (vals.length !== fn.arity) L.report(s.expression, "returnArity", vals.length, fn.arity);
  }
  fn.retvalKeys.forEach((k, j) => L.env.set(k, L.toF64(vals[j] ?? lit(NaN))));
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
    if (b && isMutable(b) && !keys.includes(b.key)) keys.push(b.key);
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

function freshCarried(L: Lowerer, keys: string[], inits: Atom[]): Var[] {
  return keys.map((k, j) => L.b.fresh(L.keyInfo.get(k)?.hint ?? "c", inits[j].type));
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
  const keys = carriedKeys(L, assignedNames([s.statement]));
  const inits = keys.map((k) => L.get(k));
  const index = L.b.fresh(m.name, i32);
  const carried = freshCarried(L, keys, inits);
  const saved = L.env;
  L.env = new Map(saved);
  L.declare(m.name, "counter", index, null);
  keys.forEach((k, j) => L.env.set(k, carried[j]));
  const loop: LoopCtx = { contKey: containsJump(s.statement, "continue") ? L.newKey("continued", bool) : undefined };
  const body = L.b.block(() => {
    L.fn!.loops.push(loop);
    if (loop.contKey) L.env.set(loop.contKey, lit(false, bool));
    lowerScoped(L, s.statement);
    L.fn!.loops.pop();
    return keys.map((k) => L.get(k));
  });
  L.env = saved;
  if (keys.length === 0) return; // a loop that changes nothing computes nothing
  const outs = freshCarried(L, keys, inits);
  L.b.emit({ kind: "for", outs, index, lo, hi, reverse: m.dir === -1, carried, inits, body });
  keys.forEach((k, j) => L.env.set(k, outs[j]));
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
  if (returns) keys.push(fn.retKey!, ...fn.retvalKeys);
  const inits = keys.map((k) => L.get(k));
  const carried = freshCarried(L, keys, inits);
  const saved = L.env;
  const enter = () => {
    L.env = new Map(saved);
    keys.forEach((k, j) => L.env.set(k, carried[j]));
  };

  enter();
  const cond = L.b.block(() => {
    let c = p.cond ? L.toBool(lowerExpr(L, p.cond)) : lit(true, bool);
    if (firstKey) c = L.or(L.get(firstKey), c);
    if (brkKey) c = L.and(L.not(L.get(brkKey)), c);
    if (returns) c = L.and(L.not(L.get(fn.retKey!)), c);
    return [c];
  });

  enter();
  const loop: LoopCtx = { brkKey, contKey: containsJump(p.body, "continue") ? L.newKey("continued", bool) : undefined };
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
    return keys.map((k) => L.get(k));
  });

  L.env = saved;
  const outs = freshCarried(L, keys, inits);
  if (keys.length > 0 || !isLit(cond.results[0], 0)) L.b.emit({ kind: "while", outs, carried, inits, cond, body });
  keys.forEach((k, j) => L.env.set(k, outs[j]));
  if (brkKey) L.env.delete(brkKey);
  if (firstKey) L.env.delete(firstKey);
}
