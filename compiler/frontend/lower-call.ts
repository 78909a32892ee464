// Calls: `Math.*` / `np.*` map to primitives (math.ts), `stopGradient` to
// stop_gradient, and functions declared in the same module are inlined
// (the callee body is lowered in a fresh scope with its params bound to the
// argument atoms). Everything else is a diagnostic.

import { ts } from "ts-morph";
import { type Atom, lit } from "../ir/syntax.js";
import { stripParens } from "./analysis.js";
import { power, unify } from "./arith.js";
import { lowerFunctionBody } from "./lower-func.js";
import { lowerExpr } from "./lower-expr.js";
import type { Lowerer } from "./lowerer.js";
import { type MathFn, MATH_FUNCS, NP_FUNCS, memberHint } from "./math.js";

export function lowerCall(L: Lowerer, call: ts.CallExpression): Atom[] {
  const callee = stripParens(call.expression);
  const args = () => call.arguments.map((a) => (ts.isSpreadElement(a) ? L.report(a, "unsupportedSyntax", "spread argument", "pass the arguments one by one") : lowerExpr(L, a)));
  if (call.questionDotToken) return [L.report(call, "unsupportedSyntax", "optional call `?.()`", "call the function directly")];
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
    const ns = callee.expression.text;
    if ((ns === "Math" || ns === "np") && !L.scope.lookup(ns) && !L.mod.isModuleValue(ns)) {
      const member = callee.name.text;
      const table = ns === "Math" ? MATH_FUNCS : NP_FUNCS;
      if (!Object.hasOwn(table, member)) {
        args();
        return [L.report(callee, "unknownMember", `${ns}.${member}`, memberHint(ns, member))];
      }
      return [lowerMath(L, call, `${ns}.${member}`, table[member], args())];
    }
  }
  if (!ts.isIdentifier(callee)) {
    const key = ts.isPropertyAccessExpression(callee) ? "propertyAccess" : ts.isElementAccessExpression(callee) ? "elementAccess" : null;
    const r = key ? L.report(callee, key, L.text(callee)) : L.report(callee, "unsupportedSyntax", `call of \`${L.text(callee)}\``, "call a function declared at module level by name");
    args();
    return [r];
  }
  const name = callee.text;
  const local = L.scope.lookup(name);
  if (local) {
    args();
    return [L.failedKeys.has(local.key) ? lit(NaN) : L.report(callee, "unknownFunction", name)];
  }
  const fn = L.mod.functions.get(name);
  if (fn) {
    const as = args();
    if (L.inlineStack.includes(name)) {
      const chain = [...L.inlineStack.slice(L.inlineStack.indexOf(name)), name].join(" → ");
      return Array.from({ length: L.mod.arityOf(name) }, () => L.report(callee, "recursion", chain));
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
  if (name === "stopGradient" && !L.mod.isModuleValue(name)) {
    const as = args();
    if (as.length !== 1) return [L.report(call, "argCount", name, 1, as.length)];
    return [L.b.prim("stop_gradient", [L.toF64(as[0])])];
  }
  args();
  if (L.mod.mode === "function" && !L.mod.isModuleValue(name)) return [L.report(callee, "freeVariable", name)];
  return [L.report(callee, "unknownFunction", name)];
}

function lowerMath(L: Lowerer, call: ts.CallExpression, name: string, fn: MathFn, args: Atom[]): Atom {
  const want = fn.kind === "unary" || fn.kind === "square" ? 1 : fn.kind === "binary" || fn.kind === "pow" ? 2 : fn.kind === "where" ? 3 : -1;
  if (want >= 0 && args.length !== want) return L.report(call, "argCount", name, want, args.length);
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
