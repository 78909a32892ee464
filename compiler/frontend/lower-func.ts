// One function body → results. Used both for the compiled (top-level)
// function and for every inlined call: params are bound to given atoms, the
// body is lowered in a fresh scope, and early returns go through a
// `returned` flag plus one placeholder per returned value.

import { ts } from "ts-morph";
import { isLit } from "../ir/builder.js";
import { Names } from "../ir/names.js";
import { type Func, type Type, type Var, bool, f64, lit } from "../ir/syntax.js";
import { type FunctionLike, mayFallThrough } from "./analysis.js";
import { dce } from "../ir/dce.js";
import type { DiagnosticSink } from "./diagnostics.js";
import { lowerValue } from "./lower-expr.js";
import { bindPattern, lowerStmtList } from "./lower-stmt.js";
import { Lowerer } from "./lowerer.js";
import type { ModuleInfo } from "./module.js";
import { Scope } from "./scope.js";
import { enableClosures } from "./transforms.js";
import { type OutTree, type SigTree, type Signature, outTreeOf, sigFromAnnotation, sigFromInitializer, sigToVal } from "./signature.js";
import { type Val, UNDEF, isAtom, leaves, mapLeaves } from "./value.js";

const K = ts.SyntaxKind;

/** Type annotations that cannot describe numbers, arrays or pytrees of them. */
function nonNumberType(t: ts.TypeNode | undefined): boolean {
  if (!t) return false;
  switch (t.kind) {
    case K.StringKeyword:
    case K.BigIntKeyword:
    case K.SymbolKeyword:
    case K.FunctionType:
    case K.VoidKeyword:
    case K.UndefinedKeyword:
      return true;
    case K.LiteralType:
      return (t as ts.LiteralTypeNode).literal.kind === K.StringLiteral;
    case K.TypeReference: {
      const n = (t as ts.TypeReferenceNode).typeName;
      return ts.isIdentifier(n) && /^(Map|Set|String)$/.test(n.text);
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
    else if (ts.isIdentifier(p.name) && nonNumberType(p.type)) L.report(p.type!, "nonNumberParam", p.name.text, L.text(p.type!));
    if (p.initializer) L.report(p.initializer, "paramForm", "default parameter values");
  }
}

/** The declared type of a parameter binding: JS numbers stay f64 (as before); arrays, strong scalars and pytrees keep theirs. */
function paramType(L: Lowerer, a: Val): Type | null {
  if (!isAtom(a)) return null;
  return a.type.rank === 0 && L.isWeak(a) ? f64 : null;
}

/** JS numbers are returned as f64 (a boolean result is 0/1); arrays and strong scalars keep their dtype. */
function returnedValue(L: Lowerer, x: Val): Val {
  return mapLeaves(x, (a) => (L.isWeak(a) ? L.toF64(a) : a));
}

/** Lowers `fn`'s body with its params bound to `args`; returns the returned value (a pytree for tuples/objects). */
export function lowerFunctionBody(L: Lowerer, name: string, fn: FunctionLike, args: Val[], outer: Scope | null = null): Val {
  const saved = { scope: L.scope, fn: L.fn };
  L.scope = new Scope(outer); // a callee sees only module-level names (and a local arrow its enclosing scope), never the caller's locals
  try {
    checkSignature(L, fn);
    fn.parameters.forEach((p, k) => {
      const a = args[k] ?? lit(NaN);
      if (ts.isIdentifier(p.name)) L.declare(p.name.text, "param", a, paramType(L, a));
      else bindPattern(L, p.name, a, "param");
    });
    let arity = L.mod.functionArity(fn);
    const at = fn.name ?? fn;
    if (arity === 0) {
      L.report(at, "noReturns", name);
      arity = 1;
    }
    const body = fn.body!;
    if (!ts.isBlock(body)) {
      L.fn = { name, arity, loops: [] };
      return returnedValue(L, lowerValue(L, body));
    }
    const retKey = L.newKey("returned", bool, lit(false, bool));
    const retvalKey = L.newKey("ret", null, UNDEF);
    L.fn = { name, retKey, retvalKey, arity, loops: [] };
    lowerStmtList(L, body.statements);
    const done = L.atom(retKey);
    if (!isLit(done, 1) && mayFallThrough(body) && L.mod.functionArity(fn) > 0) L.report(at, "missingReturn", name);
    const r = L.get(retvalKey);
    return r.kind === "undef" ? lit(NaN) : r;
  } finally {
    L.scope = saved.scope;
    L.fn = saved.fn;
  }
}

export interface CompiledFunction {
  func: Func;
  /** Captured module values, in the order of the Func's trailing params (after the closure's locals). */
  captures: string[];
  outTree: OutTree;
}

/**
 * A closure's view of its enclosing function: the locals it reads (values,
 * passed as parameters after the arguments) and the local functions it calls
 * (inlined, seeing the same locals).
 */
export interface EnclosingScope {
  locals: string[];
  localFns: Map<string, FunctionLike>;
}

/**
 * Compiles one top-level function; null when it has diagnostics (they are in
 * `sink`). `captured` receives the module values it reads either way (the
 * runtime passes them to its per-signature compiles).
 */
export function compileFunction(
  mod: ModuleInfo,
  name: string,
  fn: FunctionLike,
  sink: DiagnosticSink,
  sig?: Signature,
  captured: string[] = [],
  enclosing?: EnclosingScope,
): CompiledFunction | null {
  const names = new Names();
  const L = new Lowerer(mod, sink, names);
  enableClosures(L);
  L.defaultFloat = sig?.defaultFloat ?? "f64";
  L.captureType = (n) => sig?.captures?.[n] ?? sigFromInitializer(mod.constInits.get(n) ?? mod.letInits.get(n), L.defaultFloat);
  // Params keep their TS names exactly (pytree leaves are named by path); so do captures of module values.
  const params: Var[] = [];
  const args: Val[] = fn.parameters.map((p, k) => {
    const pname = ts.isIdentifier(p.name) ? p.name.text : `arg${k}`;
    const t: SigTree = sig?.params[k] ?? sigFromAnnotation(p.type);
    return sigToVal(t, pname, names, params, L.strong);
  });
  const outer = enclosing ? enclosingScope(L, enclosing, sig, params) : null;
  for (const n of mod.valueNames())
    if (!params.some((p) => p.name === n)) {
      names.reserve(n);
      L.reserved.add(n);
    }
  // Captures the caller already knows of come first, in its order, so the Func's trailing params line up with the values it passes.
  for (const n of Object.keys(sig?.captures ?? {})) if (mod.isModuleValue(n) && !(outer && outer.lookup(n))) L.capture(n);
  const before = sink.count;
  L.inlineStack.push(name);
  let result: Val;
  try {
    result = lowerFunctionBody(L, name, fn, args, outer);
  } catch (e) {
    // Placeholders left by a reported error can make a later primitive ill-typed: the report is what matters.
    if (sink.count === before) L.report(fn.name ?? fn, "internalError", (e as Error).message);
    captured.push(...L.captures.keys());
    return null;
  }
  captured.push(...L.captures.keys());
  if (sink.count > before) return null;
  const func = dce({ name, params: [...params, ...L.captureParams], body: { stmts: L.b.stmts, results: leaves(result) } });
  return { func, captures: [...L.captures.keys()], outTree: outTreeOf(result) };
}

/** The scope a closure's body sees beyond its own: its enclosing function's locals (as parameters) and local functions. */
function enclosingScope(L: Lowerer, e: EnclosingScope, sig: Signature | undefined, params: Var[]): Scope {
  const outer = new Scope(null);
  e.locals.forEach((n, k) => {
    const t: SigTree = sig?.locals?.[k] ?? { kind: "leaf", type: { dtype: "f64", rank: 0, weak: true } };
    const value = sigToVal(t, n, L.b.names, params, L.strong);
    outer.vars.set(n, { key: L.newKey(n, null, value), name: n, kind: "const" });
  });
  const saved = L.scope;
  L.scope = outer; // local functions close over this scope
  try {
    for (const [n, fnNode] of e.localFns) {
      const f = L.closure(fnNode as ts.ArrowFunction);
      if (f) outer.vars.set(n, { key: L.newKey(n, null, f), name: n, kind: "const" });
    }
  } finally {
    L.scope = saved;
  }
  return outer;
}
