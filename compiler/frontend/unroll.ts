// Loops resolved at compile time or over pytrees: loops over lists (and
// counted loops with constant bounds that index lists or push onto them) are
// unrolled, since list elements may differ in shape; \`for...of\` over an
// array is an IR loop over its first axis; a push once per iteration in a
// loop with a run-time trip count fills a buffer of that many elements.

import { ts } from "ts-morph";
import { type Atom, type Var, bool, i32, lit } from "../ir/syntax.js";
import { containsJump, containsReturn, stripParens } from "./analysis.js";
import { emitFor } from "./control.js";
import { lowerValue } from "./lower-expr.js";
import { bindPattern, lowerScoped } from "./lower-stmt.js";
import type { LoopCtx, Lowerer } from "./lowerer.js";
import { type Val, describe, isAtom } from "./value.js";

/**
 * Unrolls a loop over compile-time iterations (pytree lists, whose elements
 * may differ in shape, and loops that push onto local lists). `break` and
 * `continue` work through the usual flags, tested between iterations.
 */
export function unroll<T>(L: Lowerer, stmt: ts.Statement, iterations: T[], bind: (it: T) => void): void {
  const fn = L.fn!;
  const loop: LoopCtx = {
    brkKey: containsJump(stmt, "break") ? L.newKey("broke", bool, lit(false, bool)) : undefined,
    contKey: containsJump(stmt, "continue") ? L.newKey("continued", bool) : undefined,
  };
  fn.loops.push(loop);
  const step = (k: number): void => {
    if (k >= iterations.length) return;
    if (loop.contKey) L.env.set(loop.contKey, lit(false, bool));
    L.withScope(() => {
      bind(iterations[k]);
      lowerScoped(L, stmt);
    });
    if (loop.contKey) L.env.set(loop.contKey, lit(false, bool)); // a continue ends only this iteration
    L.guarded(() => step(k + 1));
  };
  try {
    step(0);
  } finally {
    fn.loops.pop();
  }
  if (loop.brkKey) L.env.delete(loop.brkKey);
  if (loop.contKey) L.env.delete(loop.contKey);
}

/** The value an identifier / `a.b` / `a[0]` chain denotes, looked up without emitting anything (null if not static). */
export function staticVal(L: Lowerer, e: ts.Expression): Val | null {
  e = stripParens(e);
  if (ts.isIdentifier(e)) {
    const b = L.scope.lookup(e.text);
    return b ? (L.env.get(b.key) ?? null) : L.mod.isModuleValue(e.text) ? (L.captures.get(e.text) ?? null) : null;
  }
  if (ts.isPropertyAccessExpression(e)) {
    const o = staticVal(L, e.expression);
    if (o?.kind === "dict") return o.items[o.keys.indexOf(e.name.text)] ?? null;
    return null;
  }
  if (ts.isElementAccessExpression(e)) {
    const o = staticVal(L, e.expression);
    const a = stripParens(e.argumentExpression);
    if (o?.kind === "list" && ts.isNumericLiteral(a)) return o.items[Number(a.text)] ?? null;
    if (o?.kind === "dict" && ts.isStringLiteral(a)) return o.items[o.keys.indexOf(a.text)] ?? null;
  }
  return null;
}

/**
 * \`xs.push(v)\` once per iteration (a top-level statement of a loop body
 * without break/continue) onto an empty local list, in a loop with a run-time
 * trip count: xs becomes a rank-1 f64 buffer of trip-count elements, written
 * at the iteration number. Returns the binding keys turned into buffers.
 */
export function pushBuffers(L: Lowerer, stmt: ts.Statement, lo: Atom, hi: Atom, index: Var): string[] {
  if (!ts.isBlock(stmt) || containsJump(stmt, "break") || containsJump(stmt, "continue") || containsReturn(stmt)) return [];
  const counts = new Map<string, number>();
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === "push" && ts.isIdentifier(n.expression.expression))
      counts.set(n.expression.expression.text, (counts.get(n.expression.expression.text) ?? 0) + 1);
    n.forEachChild(visit);
  };
  visit(stmt);
  const keys: string[] = [];
  for (const st of stmt.statements) {
    const e = ts.isExpressionStatement(st) ? stripParens(st.expression) : null;
    if (!e || !ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression) || e.expression.name.text !== "push" || e.arguments.length !== 1) continue;
    const target = e.expression.expression;
    if (!ts.isIdentifier(target) || counts.get(target.text) !== 1) continue;
    const b = L.scope.lookup(target.text);
    const v = b && L.env.get(b.key);
    if (!b || v?.kind !== "list" || v.items.length !== 0) continue;
    const n = L.prim("max", [L.b.sub(hi, lo), lit(0, i32)], "n");
    L.env.set(b.key, L.b.prim("arr_new", [n], { dtype: "f64" }, b.name));
    L.pushSlots.set(b.key, { index, lo });
    keys.push(b.key);
  }
  return keys;
}

/** Does the body index a pytree list or push onto a local list? Then a counted loop with constant bounds is unrolled. */
export function needsUnrolling(L: Lowerer, body: ts.Statement): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isElementAccessExpression(n) && staticVal(L, n.expression)?.kind === "list") found = true;
    else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === "push" && staticVal(L, n.expression.expression)?.kind === "list") found = true;
    else n.forEachChild(visit);
  };
  visit(body);
  return found;
}

/** `for (const x of xs)`: unrolled over a list; over an array, an IR loop over its first axis. */
export function lowerForOf(L: Lowerer, s: ts.ForOfStatement): void {
  L.withScope(() => {
    const init = s.initializer;
    if (!ts.isVariableDeclarationList(init) || init.declarations.length !== 1) {
      L.report(init, "unsupportedSyntax", "this `for...of` head", "declare the loop variable: `for (const x of xs)`");
      return;
    }
    const d = init.declarations[0];
    const kind = init.flags & ts.NodeFlags.Const ? "const" : "let";
    const xs = lowerValue(L, s.expression);
    if (xs.kind === "list") return unroll(L, s.statement, xs.items, (item) => bindPattern(L, d.name, item, kind));
    if (xs.kind === "dict") return unroll(L, s.statement, xs.items, (item) => bindPattern(L, d.name, item, kind));
    if (isAtom(xs) && xs.type.rank > 0) {
      const n = L.b.prim("shape", [xs], { axes: [0] }, "n");
      return emitFor(L, s.statement, lit(0, i32), n, false, "i", (index) => {
        const el = xs.type.rank === 1 ? L.b.prim("arr_get", [xs, index], undefined, "el") : L.aprim("take", [xs, index], { axes: [0] });
        bindPattern(L, d.name, el, kind);
      });
    }
    L.report(s.expression, "notAValue", `\`${L.text(s.expression)}\` (${describe(xs)})`, "iterate over a list or an array");
  });
}

