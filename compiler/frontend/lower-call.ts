// Calls: `Math.*` / `np.*` map to primitives (math.ts), `stopGradient` to
// stop_gradient, and functions declared in the same module are inlined
// (the callee body is lowered in a fresh scope with its params bound to the
// argument atoms). Everything else is a diagnostic.

import { ts } from "ts-morph";
import { type Atom, lit } from "../ir/syntax.js";
import { stripParens } from "./analysis.js";
import { power, unify } from "./arith.js";
import { lowerFunctionBody } from "./lower-func.js";
import { expectAtom, lowerValue } from "./lower-expr.js";
import type { Lowerer } from "./lowerer.js";
import { type MathFn, MATH_FUNCS, NP_FUNCS, memberHint } from "./math.js";
import { ARRAY_METHODS, NP_ARRAY_FUNCS } from "./np-table.js";
import { floatOf, floatUnary, numericOf, promoteArgs } from "./promote.js";
import { callFnVal, callRef, lowerTransformCall, storedTransform } from "./transforms.js";
import { type Val, describe, isAtom, list, mapLeaves } from "./value.js";

const isNs = (L: Lowerer, ns: string) => (ns === "Math" || ns === "np" || ns === "jnp") && !L.scope.lookup(ns) && !L.mod.isModuleValue(ns);

export function lowerArgs(L: Lowerer, call: ts.CallExpression): Val[] {
  return call.arguments.map((a) => (ts.isSpreadElement(a) ? L.report(a, "unsupportedSyntax", "spread argument", "pass the arguments one by one") : lowerValue(L, a)));
}

export function lowerCall(L: Lowerer, call: ts.CallExpression): Val {
  const callee = stripParens(call.expression);
  const args = () => lowerArgs(L, call);
  if (call.questionDotToken) return L.report(call, "unsupportedSyntax", "optional call `?.()`", "call the function directly");
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && isNs(L, callee.expression.text)) {
    const ns = callee.expression.text === "jnp" ? "np" : (callee.expression.text as "Math" | "np");
    const member = callee.name.text;
    const table = ns === "Math" ? MATH_FUNCS : NP_FUNCS;
    const name = `${ns}.${member}`;
    const as = args();
    // Number-only calls keep the scalar rules of math.ts (f64 JS numbers); anything with arrays goes through np-table.ts.
    const scalarOnly = as.every((a) => isAtom(a) && L.isWeak(a));
    if (Object.hasOwn(table, member) && (scalarOnly || ns === "Math")) return lowerMath(L, call, name, table[member], as.map((a, k) => expectAtom(L, call.arguments[k], a)));
    if (ns === "np" && Object.hasOwn(NP_ARRAY_FUNCS, member)) return NP_ARRAY_FUNCS[member](L, { node: call, name, args: as });
    return L.report(callee, "unknownMember", name, memberHint(ns, member, ns === "np" ? Object.keys(NP_ARRAY_FUNCS) : []));
  }
  if (ts.isCallExpression(callee) || ts.isIdentifier(callee)) {
    const r = lowerTransformCall(L, call);
    if (r) return r;
  }
  if (ts.isPropertyAccessExpression(callee)) {
    const root = stripParens(callee.expression);
    if (ts.isIdentifier(root) && !L.scope.lookup(root.text) && !L.mod.isModuleValue(root.text) && !isNs(L, root.text)) {
      args();
      return L.report(callee, "propertyAccess", L.text(callee));
    }
    return lowerMethod(L, call, callee);
  }
  if (!ts.isIdentifier(callee)) {
    const key = ts.isElementAccessExpression(callee) ? "elementAccess" : null;
    const r = key ? L.report(callee, key, L.text(callee)) : L.report(callee, "unsupportedSyntax", `call of \`${L.text(callee)}\``, "call a function declared at module level by name");
    args();
    return r;
  }
  const name = callee.text;
  const local = L.scope.lookup(name);
  if (local) {
    const f = L.get(local.key);
    if (f.kind === "fn") return callFnVal(L, f, args(), call);
    args();
    return L.failedKeys.has(local.key) ? lit(NaN) : L.report(callee, "unknownFunction", name);
  }
  // a function imported from another module of the program: inlined, its names resolved in its own module
  const imp = !L.mod.functions.has(name) ? L.mod.importedFns.get(name) : undefined;
  if (imp) {
    const as = args();
    const saved = L.mod;
    L.mod = imp.mod;
    try {
      return callRef(L, { fn: imp.fn, scope: null, name }, as, callee);
    } finally {
      L.mod = saved;
    }
  }
  const fn = L.mod.functions.get(name);
  if (fn) {
    const as = args();
    if (L.inlineStack.includes(name)) {
      const chain = [...L.inlineStack.slice(L.inlineStack.indexOf(name)), name].join(" → ");
      const n = L.mod.arityOf(name);
      const r = Array.from({ length: n }, () => L.report(callee, "recursion", chain));
      return n === 1 ? r[0] : list(r);
    }
    if (as.length !== fn.parameters.length && !fn.parameters.some((p) => p.questionToken || p.initializer || p.dotDotDotToken))
      L.report(call, "argCount", name, fn.parameters.length, as.length);
    L.inlineStack.push(name);
    try {
      return lowerFunctionBody(L, name, fn, as);
    } finally {
      L.inlineStack.pop();
    }
  }
  // `const gradF = grad(f)` at module level, called here: the transform applied to these arguments
  const init = L.mod.constInits.get(name);
  const stored = init && storedTransform(L, init);
  if (stored) return callRef(L, { fn: stored, scope: null, name }, args(), callee);
  if (name === "stopGradient" && !L.mod.isModuleValue(name)) {
    const as = args();
    if (as.length !== 1) return L.report(call, "argCount", name, 1, as.length);
    return mapLeaves(as[0], (a) => (L.isWeak(a) ? L.b.prim("stop_gradient", [L.toF64(a)]) : L.aprim("stop_gradient", [a])));
  }
  args();
  if (L.mod.mode === "function" && !L.mod.isModuleValue(name)) return L.report(callee, "freeVariable", name);
  return L.report(callee, "unknownFunction", name);
}

/** `xs.push(v)` on a local list, and array methods (`x.sum(1)`, `x.reshape(2, 3)`) as np functions. */
function lowerMethod(L: Lowerer, call: ts.CallExpression, callee: ts.PropertyAccessExpression): Val {
  const method = callee.name.text;
  const recv = stripParens(callee.expression);
  const obj = lowerValue(L, recv);
  const as = lowerArgs(L, call);
  const slotKey = method === "push" && ts.isIdentifier(recv) ? L.scope.lookup(recv.text)?.key : undefined;
  const slot = slotKey && L.pushSlots.get(slotKey);
  if (slot && isAtom(obj) && as.length === 1) {
    const v = expectAtom(L, call.arguments[0], as[0]);
    if (v.type.rank !== 0) return L.report(call, "staticValue", "the number of pushes of arrays (a loop bound)");
    const at = L.b.sub(slot.index, slot.lo); // pushes happen once per iteration, in order
    L.env.set(slotKey!, L.b.prim("arr_set", [obj, at, L.b.cast(v, "f64")], undefined, recv.getText(L.mod.sf)));
    return lit(NaN);
  }
  if (obj.kind === "list" && method === "push") {
    const b = ts.isIdentifier(recv) ? L.scope.lookup(recv.text) : undefined;
    if (!b) return L.report(callee, "unsupportedSyntax", `\`${L.text(callee)}\``, "push onto a local list (`const xs = []; xs.push(v)`)");
    const items = [...obj.items, ...as];
    L.env.set(b.key, list(items));
    return lit(items.length);
  }
  if (isAtom(obj) && obj.type.rank > 0 && Object.hasOwn(ARRAY_METHODS, method)) {
    // x.reshape(2, 3) takes the shape as separate numbers
    const rest = method === "reshape" && as.length > 1 ? [list(as)] : method === "transpose" && as.length > 1 ? [list(as)] : as;
    return NP_ARRAY_FUNCS[ARRAY_METHODS[method]](L, { node: call, name: `.${method}`, args: [obj, ...rest] });
  }
  if (isAtom(obj) && obj.kind === "lit" && Number.isNaN(obj.value)) return obj; // already reported
  if (!isAtom(obj) || obj.type.rank > 0)
    return L.report(callee, "memberOf", L.text(callee), describe(obj), isAtom(obj) ? `array methods are ${Object.keys(ARRAY_METHODS).join(", ")}` : "lists have `.push(v)`; call functions declared at module level by name");
  return L.report(callee, "memberOf", L.text(callee), describe(obj), "numbers have no methods; use `Math.*` / `np.*` functions");
}

function lowerMath(L: Lowerer, call: ts.CallExpression, name: string, fn: MathFn, args: Atom[]): Atom {
  const want = fn.kind === "unary" || fn.kind === "square" ? 1 : fn.kind === "binary" || fn.kind === "pow" ? 2 : fn.kind === "where" ? 3 : -1;
  if (want >= 0 && args.length !== want) return L.report(call, "argCount", name, want, args.length);
  if (!args.every((a) => L.isWeak(a))) return lowerMathArrays(L, fn, args);
  const f = (a: Atom) => L.toF64(a);
  switch (fn.kind) {
    case "unary":
      return L.prim(fn.prim, [f(args[0])]);
    case "binary":
      if (fn.prim === "add" || fn.prim === "sub" || fn.prim === "mul") return L.prim(fn.prim, unify(L, args[0], args[1]));
      return L.prim(fn.prim, [f(args[0]), f(args[1])]);
    case "pow":
      return power(L, args[0], args[1]);
    case "square":
      return power(L, args[0], lit(2));
    case "where": {
      const [a, b] = args[1].type.dtype === args[2].type.dtype ? [args[1], args[2]] : [f(args[1]), f(args[2])];
      return L.b.select(L.toBool(args[0]), a, b);
    }
    case "chain": {
      if (args.length === 0) return lit(fn.empty);
      // JS converts every argument (and hypot takes |x|) even for one argument.
      if (args.length === 1) return fn.one === "abs" ? L.prim("abs", [f(args[0])]) : f(args[0]);
      return args.slice(1).reduce((acc, a) => L.prim(fn.prim, [acc, f(a)]), f(args[0]));
    }
    default:
      return L.report(call, "unsupportedSyntax", name, "internal: unknown math kind");
  }
}

/** `Math.*` applied to arrays or strong scalars: the same functions with numpy promotion. */
function lowerMathArrays(L: Lowerer, fn: MathFn, args: Atom[]): Atom {
  const numeric = (p: string) => p === "abs" || p === "sign" || p === "neg" || p === "min" || p === "max" || p === "add" || p === "sub" || p === "mul";
  switch (fn.kind) {
    case "unary":
      return numeric(fn.prim) ? L.aprim(fn.prim, [numericOf(L, args[0])]) : floatUnary(L, fn.prim, args[0]);
    case "binary":
      return L.aprim(fn.prim, promoteArgs(L, args, !numeric(fn.prim)));
    case "pow":
      return power(L, args[0], args[1]);
    case "square":
      return power(L, args[0], lit(2));
    case "where": {
      const [a, b] = promoteArgs(L, [args[1], args[2]], false, false);
      return L.aprim("select", [L.toBool(args[0]), a, b]);
    }
    case "chain": {
      if (args.length === 1) return fn.one === "abs" ? L.aprim("abs", [floatOf(L, args[0])]) : args[0];
      const xs = promoteArgs(L, args, fn.prim === "hypot");
      return xs.slice(1).reduce((acc, a) => L.aprim(fn.prim, [acc, a]), xs[0]);
    }
    default:
      return lit(NaN);
  }
}
