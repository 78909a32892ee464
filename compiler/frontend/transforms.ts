// Local arrow functions and nested transforms inside compiled functions.
//
// A local arrow (`const f = (w) => loss(w, inputs)`) is a compile-time
// function value: calling it inlines its body in a scope that sees the
// enclosing locals (read at call time, like JS closures).
//
// `grad(f)(x)`, `grad(f, 1)(x, y)`, `valueAndGrad(f)(x)` and
// `jvp(f, [x], [t])` build f's IR as a separate Func whose parameters are the
// leaves of the call's arguments, then the enclosing locals f reads, then the
// module values it captures (none of those are differentiated). The transform
// (compiler/ad/grad.js) is applied to that Func and the result is inlined.

import { ts } from "ts-morph";
import { gradFunc, inlineFunc, jvpOf } from "../ad/grad.js";
import { Names } from "../ir/names.js";
import { type Atom, type Func, type Var, isFloat, lit } from "../ir/syntax.js";
import { type FunctionLike, identifiersIn, stripParens } from "./analysis.js";
import { lowerFunctionBody } from "./lower-func.js";
import { lowerValue } from "./lower-expr.js";
import { Lowerer } from "./lowerer.js";
import { Scope } from "./scope.js";
import { type SigTree, sigToVal } from "./signature.js";
import { type FnVal, type Val, isAtom, leaves, list, unflatten } from "./value.js";

const TRANSFORMS = new Set(["grad", "valueAndGrad", "value_and_grad", "jvp", "jit"]);

/** A function a transform or a call can use: its syntax, the scope it closes over, and a name for messages. */
interface FnRef {
  fn: FunctionLike;
  scope: Scope | null;
  name: string;
}

const closures = new WeakMap<Lowerer, FnRef[]>();

/** Installs local arrow functions as values on a Lowerer (see Lowerer.closure). */
export function enableClosures(L: Lowerer): void {
  L.closure = (fn) => {
    const refs = closures.get(L) ?? [];
    closures.set(L, refs);
    refs.push({ fn, scope: L.scope, name: `<arrow ${refs.length}>` });
    return { kind: "fn", id: refs.length - 1 };
  };
}

function refOf(L: Lowerer, f: FnVal): FnRef {
  return closures.get(L)![f.id];
}

/** Calls a function value: its body is inlined with the enclosing scope visible. */
export function callFnVal(L: Lowerer, f: FnVal, args: Val[], at: ts.Node): Val {
  return callRef(L, refOf(L, f), args, at);
}

/** Calls a function reference: its body inlined, seeing the scope it closes over (a repeat on the inline stack is recursion). */
export function callRef(L: Lowerer, ref: FnRef, args: Val[], at: ts.Node): Val {
  if (L.inlineStack.includes(ref.name)) return L.report(at, "recursion", [...L.inlineStack, ref.name].join(" → "));
  L.inlineStack.push(ref.name);
  try {
    return lowerFunctionBody(L, ref.name, ref.fn, args, ref.scope);
  } finally {
    L.inlineStack.pop();
  }
}

/** The function a transform is applied to: a module function, an inline arrow, or a local arrow. */
function resolveFn(L: Lowerer, e: ts.Expression, arity: number): FnRef | null {
  e = stripParens(e);
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return { fn: e, scope: L.scope, name: "<arrow>" };
  if (ts.isCallExpression(e) && isTransformHead(L, e)) return { fn: transformAsArrow(e, arity), scope: L.scope, name: L.text(e) };
  if (ts.isIdentifier(e)) {
    const b = L.scope.lookup(e.text);
    if (b) {
      const v = L.env.get(b.key);
      return v?.kind === "fn" ? refOf(L, v) : null;
    }
    const fn = L.mod.functions.get(e.text);
    if (fn) return { fn, scope: null, name: e.text };
    const init = L.mod.constInits.get(e.text);
    const stored = init && storedTransform(L, init);
    if (stored) return { fn: stored, scope: null, name: e.text };
  }
  return null;
}

function sigOf(L: Lowerer, x: Val): SigTree | null {
  if (isAtom(x)) return { kind: "leaf", type: { dtype: x.type.dtype, rank: x.type.rank, weak: L.isWeak(x) } };
  if (x.kind === "list" || x.kind === "dict") {
    const items = x.items.map((it) => sigOf(L, it));
    if (items.some((it) => it === null)) return null;
    return x.kind === "list" ? { kind: "list", items: items as SigTree[] } : { kind: "dict", keys: x.keys, items: items as SigTree[] };
  }
  return x.kind === "none" ? { kind: "none" } : null;
}

interface Built {
  func: Func;
  /** Per argument: the indices of its leaves among func.params. */
  argLeaves: number[][];
  /** Atoms to pass after the arguments' leaves: enclosing locals, then captured module values. */
  extra: Atom[];
  out: Val; // the returned value's structure (leaves are the Func's results)
}

/** Builds `ref`'s IR for arguments shaped like `args`. */
function buildFunc(L: Lowerer, ref: FnRef, args: Val[], at: ts.Node): Built | null {
  const sub = new Lowerer(L.mod, L.diags, new Names());
  sub.defaultFloat = L.defaultFloat;
  sub.captureType = L.captureType;
  enableClosures(sub);
  const params: Var[] = [];
  const argLeaves: number[][] = [];
  const argVals: Val[] = [];
  for (const [k, a] of args.entries()) {
    const sig = sigOf(L, a);
    if (!sig) {
      L.report(at, "transformForm", "a function or undefined as a transformed argument");
      return null;
    }
    const start = params.length;
    argVals.push(sigToVal(sig, paramName(ref.fn, k), sub.b.names, params, sub.strong));
    argLeaves.push(Array.from({ length: params.length - start }, (_, j) => start + j));
  }
  // The enclosing locals the function reads become parameters too.
  const extra: Atom[] = [];
  let outer: Scope | null = null;
  if (ref.scope) {
    outer = new Scope(null);
    const own = new Set(ref.fn.parameters.flatMap((p) => (ts.isIdentifier(p.name) ? [p.name.text] : [])));
    for (const name of identifiersIn(ref.fn)) {
      const b = own.has(name) ? undefined : ref.scope.lookup(name);
      const value = b && L.env.get(b.key);
      if (!b || !value) continue;
      const sig = sigOf(L, value);
      let inner: Val = value;
      if (sig) {
        inner = sigToVal(sig, name, sub.b.names, params, sub.strong);
        extra.push(...leaves(value));
      }
      const key = sub.newKey(name, null, inner);
      outer.vars.set(name, { key, name, kind: "const" });
    }
  }
  sub.inlineStack.push(...L.inlineStack, ref.name);
  const before = L.diags.count;
  const out = lowerFunctionBody(sub, ref.name, ref.fn, argVals, outer);
  if (L.diags.count > before) return null;
  for (const [name] of sub.captures) extra.push(...leaves(L.capture(name)));
  const func: Func = { name: ref.name.replace(/[^\w]/g, "") || "f", params: [...params, ...sub.captureParams], body: { stmts: sub.b.stmts, results: leaves(out) } };
  return { func, argLeaves, extra, out };
}

export function isTransformHead(L: Lowerer, head: ts.CallExpression): boolean {
  const callee = stripParens(head.expression);
  return ts.isIdentifier(callee) && TRANSFORMS.has(callee.text) && !L.scope.lookup(callee.text) && !L.mod.functions.has(callee.text) && !L.mod.isModuleValue(callee.text);
}

/** `grad(f)` used as a function (`grad(grad(f))`): the arrow `(a0, ..) => grad(f)(a0, ..)`, positioned at `head` for messages. */
export function transformAsArrow(head: ts.CallExpression, arity: number): ts.ArrowFunction {
  const f = ts.factory;
  const at = <T extends ts.Node>(n: T): T => ts.setTextRange(n, head);
  const names = Array.from({ length: arity }, (_, k) => `__arg${k}`);
  const params = names.map((n) => at(f.createParameterDeclaration(undefined, undefined, at(f.createIdentifier(n)))));
  const body = at(f.createCallExpression(head, undefined, names.map((n) => at(f.createIdentifier(n)))));
  return at(f.createArrowFunction(undefined, undefined, params, undefined, at(f.createToken(ts.SyntaxKind.EqualsGreaterThanToken)), body));
}

function paramName(fn: FunctionLike, k: number): string {
  const p = fn.parameters[k];
  return p && ts.isIdentifier(p.name) ? p.name.text : `arg${k}`;
}

/**
 * A transform stored in a binding (`const gradF = grad(f)` at module level or
 * locally, `const fast = jit(f)`) as a function value of the arity of the
 * function it transforms; null when `init` is not a transform of a function.
 */
export function storedTransform(L: Lowerer, init: ts.Expression): ts.ArrowFunction | null {
  const head = stripParens(init);
  if (!ts.isCallExpression(head) || !isTransformHead(L, head)) return null;
  const callee = (stripParens(head.expression) as ts.Identifier).text;
  if (callee === "jvp" || !head.arguments[0]) return null; // jvp(f, primals, tangents) is a value, not a function
  const ref = resolveFn(L, head.arguments[0], 1);
  const arity = ref ? ref.fn.parameters.length : 1;
  return transformAsArrow(head, arity);
}

/** `grad(f, argnums?)(args)`, `valueAndGrad(f, argnums?)(args)`, `jvp(f, primals, tangents)`, `jit(f)(args)`; null when `call` is not one. */
export function lowerTransformCall(L: Lowerer, call: ts.CallExpression): Val | null {
  const inner = stripParens(call.expression);
  // jvp(f, [x], [t]) is a direct call; grad(f)(x) calls the result of grad(f)
  const head = ts.isCallExpression(inner) ? inner : call;
  if (!isTransformHead(L, head)) return null;
  const callee = stripParens(head.expression) as ts.Identifier;
  const kind = callee.text === "value_and_grad" ? "valueAndGrad" : callee.text;
  if ((kind === "jvp") !== (head === call)) return L.report(call, "transformForm", `\`${L.text(call)}\``);
  const fnExpr = head.arguments[0];
  const ref = fnExpr && resolveFn(L, fnExpr, kind === "jvp" ? ((call.arguments[1] && stripParens(call.arguments[1])) as ts.ArrayLiteralExpression | undefined)?.elements?.length ?? 1 : call.arguments.length);
  if (!ref) return L.report(fnExpr ?? head, "transformForm", `\`${callee.text}\` of \`${fnExpr ? L.text(fnExpr) : "nothing"}\``);
  if (kind === "jvp") return lowerJvp(L, call, ref);
  if (kind === "jit") return callRef(L, ref, call.arguments.map((a) => lowerValue(L, a)), call);

  const args = call.arguments.map((a) => lowerValue(L, a));
  const argnumsVal = head.arguments[1] ? lowerValue(L, head.arguments[1]) : lit(0);
  const multi = argnumsVal.kind === "list";
  const argnums = (multi ? argnumsVal.items : [argnumsVal]).map((a) => (isAtom(a) && a.kind === "lit" ? a.value : NaN));
  if (argnums.some((k) => !Number.isInteger(k) || k < 0 || k >= args.length)) return L.report(head.arguments[1] ?? head, "staticValue", "argnums (an argument position)");
  const built = buildFunc(L, ref, args, call);
  if (!built) return lit(NaN);
  const { func, argLeaves } = built;
  const res0 = func.body.results[0];
  if (!res0 || !isFloat(res0.type) || res0.type.rank !== 0 || !isAtom(built.out))
    return L.report(call, "transformForm", `\`${callee.text}\` of a function that does not return a float scalar`);
  const diff = argnums.flatMap((k) => argLeaves[k]);
  if (diff.some((j) => !isFloat(func.params[j].type))) return L.report(call, "transformForm", `\`${callee.text}\` with respect to an integer or boolean argument`);
  let g: Func;
  try {
    g = gradFunc(func, { argnums: diff, keep: kind === "valueAndGrad" ? [0] : [] });
  } catch (e) {
    return L.report(call, "transformForm", `\`${callee.text}\` here (${(e as Error).message})`);
  }
  const outs = inlineFunc(L.b, g, [...args.flatMap(leaves), ...built.extra]);
  const value = kind === "valueAndGrad" ? outs.shift()! : null;
  let j = 0;
  const grads = argnums.map((k) => unflatten(args[k], outs.slice(j, (j += argLeaves[k].length))));
  const grad = multi ? list(grads) : grads[0];
  return value ? list([value, grad]) : grad;
}

/** jax.jvp(f, primals, tangents) → [f(primals), the directional derivative]. */
function lowerJvp(L: Lowerer, call: ts.CallExpression, ref: FnRef): Val {
  const [, pExpr, tExpr] = call.arguments;
  const primals = pExpr && lowerValue(L, pExpr);
  const tangents = tExpr && lowerValue(L, tExpr);
  if (primals?.kind !== "list" || tangents?.kind !== "list" || primals.items.length !== tangents.items.length)
    return L.report(call, "transformForm", "`jvp` without lists of primals and tangents of equal length");
  const built = buildFunc(L, ref, primals.items, call);
  if (!built) return lit(NaN);
  const diff = built.argLeaves.flat().filter((j) => isFloat(built.func.params[j].type));
  const j = jvpOf(built.func, diff);
  const tanLeaves = tangents.items.flatMap(leaves);
  const allLeaves = primals.items.flatMap(leaves);
  const tanArgs = diff.map((k) => {
    const t = tanLeaves[k];
    const p = allLeaves[k];
    return t.type.dtype === p.type.dtype ? t : L.b.cast(t, p.type.dtype);
  });
  const outs = inlineFunc(L.b, j, [...allLeaves, ...built.extra, ...tanArgs]);
  const n = built.func.body.results.length;
  return list([unflatten(built.out, outs.slice(0, n)), unflatten(built.out, outs.slice(n))]);
}
