// One function body → results. Used both for the compiled (top-level)
// function and for every inlined call: params are bound to given atoms, the
// body is lowered in a fresh scope, and early returns go through a
// `returned` flag plus one placeholder per returned value.

import { ts } from "ts-morph";
import { isLit } from "../ir/builder.js";
import { Names } from "../ir/names.js";
import { type Atom, type Func, type Var, bool, f64, lit, v } from "../ir/syntax.js";
import { type FunctionLike, mayFallThrough } from "./analysis.js";
import { eliminateDeadCode } from "./dce.js";
import type { DiagnosticSink } from "./diagnostics.js";
import { lowerMulti } from "./lower-expr.js";
import { lowerStmtList } from "./lower-stmt.js";
import { Lowerer } from "./lowerer.js";
import type { ModuleInfo } from "./module.js";
import { Scope } from "./scope.js";

const K = ts.SyntaxKind;

/** Type annotations that are clearly not `number` (aliases and generics get the benefit of the doubt). */
function nonNumberType(t: ts.TypeNode | undefined): boolean {
  if (!t) return false;
  switch (t.kind) {
    case K.StringKeyword:
    case K.BooleanKeyword:
    case K.BigIntKeyword:
    case K.SymbolKeyword:
    case K.ObjectKeyword:
    case K.ArrayType:
    case K.TupleType:
    case K.TypeLiteral:
    case K.FunctionType:
    case K.VoidKeyword:
    case K.UndefinedKeyword:
      return true;
    case K.LiteralType:
      return (t as ts.LiteralTypeNode).literal.kind !== K.NumericLiteral && (t as ts.LiteralTypeNode).literal.kind !== K.PrefixUnaryExpression;
    case K.TypeReference: {
      const n = (t as ts.TypeReferenceNode).typeName;
      return ts.isIdentifier(n) && /^(Array|ReadonlyArray|Float64Array|Float32Array|Int32Array|Record|Map|Set|String|Boolean)$/.test(n.text);
    }
    default:
      return false;
  }
}

function checkSignature(L: Lowerer, fn: FunctionLike): void {
  const mods = ts.canHaveModifiers(fn) ? (ts.getModifiers(fn) ?? []) : [];
  const asyncMod = mods.find((m) => m.kind === K.AsyncKeyword);
  if (asyncMod) L.report(asyncMod, "asyncCode", "`async` function");
  if (fn.asteriskToken) L.report(fn.asteriskToken, "generators", "generator function (`function*`)");
  for (const p of fn.parameters) {
    if (p.dotDotDotToken) L.report(p, "paramForm", "rest parameters (`...xs`)");
    else if (!ts.isIdentifier(p.name)) L.report(p, "nonNumberParam", L.text(p.name), "destructuring pattern");
    else if (nonNumberType(p.type)) L.report(p.type!, "nonNumberParam", p.name.text, L.text(p.type!));
    if (p.initializer) L.report(p.initializer, "paramForm", "default parameter values");
  }
}

/** Lowers `fn`'s body with its params bound to `args`; returns the returned values (f64). */
export function lowerFunctionBody(L: Lowerer, name: string, fn: FunctionLike, args: Atom[]): Atom[] {
  const saved = { scope: L.scope, fn: L.fn };
  L.scope = new Scope(null); // a callee sees only module-level names, never the caller's locals
  try {
    checkSignature(L, fn);
    fn.parameters.forEach((p, k) => {
      if (ts.isIdentifier(p.name)) L.declare(p.name.text, "param", args[k] ?? lit(NaN), f64);
    });
    let arity = L.mod.functionArity(fn);
    const at = fn.name ?? fn;
    if (arity === 0) {
      L.report(at, "noReturns", name);
      arity = 1;
    }
    const body = fn.body!;
    if (!ts.isBlock(body)) {
      L.fn = { name, retvalKeys: [], arity, loops: [] };
      return lowerMulti(L, body).map((a) => L.toF64(a));
    }
    const retKey = L.newKey("returned", bool, lit(false, bool));
    const retvalKeys = Array.from({ length: arity }, () => L.newKey("ret", f64, lit(0)));
    L.fn = { name, retKey, retvalKeys, arity, loops: [] };
    lowerStmtList(L, body.statements);
    const done = L.get(retKey);
    if (!isLit(done, 1) && mayFallThrough(body) && L.mod.functionArity(fn) > 0) L.report(at, "missingReturn", name);
    return retvalKeys.map((k) => L.get(k));
  } finally {
    L.scope = saved.scope;
    L.fn = saved.fn;
  }
}

export interface CompiledFunction {
  func: Func;
  captures: string[];
}

/** Compiles one top-level function; null when it has diagnostics (they are in `sink`). */
export function compileFunction(mod: ModuleInfo, name: string, fn: FunctionLike, sink: DiagnosticSink): CompiledFunction | null {
  const names = new Names();
  const L = new Lowerer(mod, sink, names);
  // Params keep their TS names exactly; so do captures of module values.
  const params: Var[] = fn.parameters.map((p, k) => v(names.fresh(ts.isIdentifier(p.name) ? p.name.text : `arg${k}`), f64));
  for (const n of mod.valueNames())
    if (!params.some((p) => p.name === n)) {
      names.reserve(n);
      L.reserved.add(n);
    }
  const before = sink.count;
  L.inlineStack.push(name);
  const results = lowerFunctionBody(L, name, fn, params);
  if (sink.count > before) return null;
  const captured = [...L.captures.values()];
  const func = eliminateDeadCode({ name, params: [...params, ...captured], body: { stmts: L.b.stmts, results } });
  return { func, captures: [...L.captures.keys()] };
}
