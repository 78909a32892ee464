// Call signatures: the runtime describes each argument (and each captured
// module value) as a pytree of typed leaves, computed from the actual values.
// The compiled Func takes the leaves as parameters, depth-first with dict keys
// sorted (JAX's flattening order), named after their path (`params_W`).
// Without a signature, types come from annotations where they are clear.

import { ts } from "ts-morph";
import type { Names } from "../ir/names.js";
import { type DType, type Var, v } from "../ir/syntax.js";
import { stripParens } from "./analysis.js";
import { type Val, NONE, dict, isAtom, isTree, list } from "./value.js";

export type LeafType = { dtype: DType; rank: number; weak?: boolean }; // weak: a JS number (takes the dtype of arrays it meets); rank-0 leaves without it are strong
export type SigTree =
  | { kind: "leaf"; type: LeafType }
  | { kind: "none" }
  | { kind: "list"; items: SigTree[] }
  | { kind: "dict"; keys: string[] /* sorted */; items: SigTree[] };
export interface Signature {
  params: SigTree[];
  /** Captured module values by name; their leaves become trailing params in this order (then any others the function reads). */
  captures?: Record<string, SigTree>;
  /** For a closure: the enclosing function's locals it reads, in the order of `ClosureTarget.locals`. */
  locals?: SigTree[];
  defaultFloat?: "f64" | "f32";
}
export type OutTree = { kind: "leaf" } | { kind: "none" } | { kind: "list"; items: OutTree[] } | { kind: "dict"; keys: string[]; items: OutTree[] };

export const leaf = (dtype: DType, rank = 0, weak?: boolean): SigTree => ({ kind: "leaf", type: weak === undefined ? { dtype, rank } : { dtype, rank, weak } });

/** Parameter vars for a signature tree, named by path; `strong` collects rank-0 leaves that are not JS numbers. */
export function sigToVal(t: SigTree, name: string, names: Names, params: Var[], strong: Set<string>): Val {
  switch (t.kind) {
    case "leaf": {
      const x = v(names.fresh(name), { dtype: t.type.dtype, rank: t.type.rank });
      params.push(x);
      if (t.type.rank === 0 && t.type.weak !== true) strong.add(x.name);
      return x;
    }
    case "none":
      return NONE;
    case "list":
      return list(t.items.map((it, k) => sigToVal(it, `${name}_${k}`, names, params, strong)));
    case "dict": {
      const entries: [string, Val][] = t.keys.map((key, k) => [key, sigToVal(t.items[k], `${name}_${key}`, names, params, strong)]);
      return dict(entries);
    }
  }
}

/** The structure of a returned value. */
export function outTreeOf(x: Val): OutTree {
  if (isAtom(x)) return { kind: "leaf" };
  if (isTree(x)) return x.kind === "list" ? { kind: "list", items: x.items.map(outTreeOf) } : { kind: "dict", keys: x.keys, items: x.items.map(outTreeOf) };
  return { kind: "none" };
}

const TYPED_ARRAYS: Record<string, DType> = { Float64Array: "f64", Float32Array: "f32", Int32Array: "i32", Uint8Array: "bool" };

/** A parameter's type from its annotation when no signature is given: number/boolean/typed arrays; else an f64 scalar. */
export function sigFromAnnotation(t: ts.TypeNode | undefined): SigTree {
  if (t) {
    if (t.kind === ts.SyntaxKind.BooleanKeyword) return leaf("bool", 0, true);
    if (ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName) && Object.hasOwn(TYPED_ARRAYS, t.typeName.text)) return leaf(TYPED_ARRAYS[t.typeName.text], 1);
    // `{ W: Float64Array; b: number }` and `[number, number]` describe pytrees completely
    if (ts.isTupleTypeNode(t)) return { kind: "list", items: t.elements.map((e) => sigFromAnnotation(ts.isNamedTupleMember(e) ? e.type : e)) };
    if (ts.isTypeLiteralNode(t) && t.members.every((m) => ts.isPropertySignature(m) && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name))))
      return sortedDict(t.members.map((m) => [((m as ts.PropertySignature).name as ts.Identifier).text, sigFromAnnotation((m as ts.PropertySignature).type)]));
  }
  return leaf("f64", 0, true);
}

function sortedDict(entries: [string, SigTree][]): SigTree {
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { kind: "dict", keys: entries.map((e) => e[0]), items: entries.map((e) => e[1]) };
}

/** Nesting depth and element kind of a nested array literal of numbers/booleans; null if it is not one. */
function literalShape(e: ts.Expression): { rank: number; bool: boolean } | null {
  e = stripParens(e);
  if (ts.isArrayLiteralExpression(e)) {
    const inner = e.elements.map(literalShape);
    if (inner.length === 0 || inner.some((s) => !s || s.rank !== inner[0]!.rank)) return null;
    return { rank: inner[0]!.rank + 1, bool: inner.every((s) => s!.bool) };
  }
  if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) return { rank: 0, bool: true };
  if (ts.isNumericLiteral(e) || (ts.isPrefixUnaryExpression(e) && ts.isNumericLiteral(e.operand))) return { rank: 0, bool: false };
  return null;
}

/** A captured module value's type from its initializer: `np.array(<nested literal>)`, a typed array, or a number. */
export function sigFromInitializer(init: ts.Expression | undefined, defaultFloat: DType): SigTree {
  const e = init && stripParens(init);
  if (e && ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && ts.isIdentifier(e.expression.expression) && e.expression.expression.text === "np") {
    const fn = e.expression.name.text;
    if ((fn === "array" || fn === "asarray") && e.arguments.length >= 1) {
      const s = literalShape(e.arguments[0]);
      if (s) return leaf(s.bool ? "bool" : defaultFloat, s.rank);
    }
  }
  // Objects and JS arrays are pytrees of what their entries are.
  if (e && ts.isObjectLiteralExpression(e) && e.properties.every((p) => ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))))
    return sortedDict(e.properties.map((p) => [((p as ts.PropertyAssignment).name as ts.Identifier).text, sigFromInitializer((p as ts.PropertyAssignment).initializer, defaultFloat)]));
  if (e && ts.isArrayLiteralExpression(e) && e.elements.every((el) => !ts.isSpreadElement(el) && !ts.isOmittedExpression(el)))
    return { kind: "list", items: e.elements.map((el) => sigFromInitializer(el, defaultFloat)) };
  if (e && ts.isNewExpression(e) && ts.isIdentifier(e.expression) && Object.hasOwn(TYPED_ARRAYS, e.expression.text)) return leaf(TYPED_ARRAYS[e.expression.text], 1);
  if (e && (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword)) return leaf("bool", 0, true);
  return leaf("f64", 0, true);
}
