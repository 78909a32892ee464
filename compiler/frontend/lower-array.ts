// Member and element access on values: pytree entries (`params.W`,
// `params['b']`, `layers[1]`), array attributes (`x.shape`, `x.ndim`,
// `x.size`, `x.length`, `x.T`), indexing (`x[i]`: arr_get on rank 1, numpy's
// take on higher ranks), indexed writes (`a[i] = v`, `a[i] += v`, which rebind
// `a` to the arr_set result so loops carry the array), `new Float64Array(n)`,
// and stacking lists into arrays (np.array / np.stack).

import { ts } from "ts-morph";
import { type Atom, type DType, i32, lit } from "../ir/syntax.js";
import { stripParens } from "./analysis.js";
import { isIntLit } from "./arith.js";
import { expectAtom, lowerExpr, lowerValue } from "./lower-expr.js";
import type { Lowerer } from "./lowerer.js";
import { promotedDtype } from "./promote.js";
import { type Val, describe, isAtom, list } from "./value.js";

const TYPED: Record<string, DType> = { Float64Array: "f64", Float32Array: "f32", Int32Array: "i32", Uint8Array: "bool" };

/** Axis sizes of an array (i32 scalars; JS numbers, so weak). */
export function dimsOf(L: Lowerer, x: Atom): Atom[] {
  return Array.from({ length: x.type.rank }, (_, k) => L.b.prim("shape", [x], { axes: [k] }, "n"));
}

export function sizeOf(L: Lowerer, x: Atom): Atom {
  return dimsOf(L, x).reduce<Atom>((acc, d) => L.b.mul(acc, d), lit(1, i32));
}

export function memberValue(L: Lowerer, node: ts.Node, obj: Val, name: string): Val {
  if (obj.kind === "dict") {
    const k = obj.keys.indexOf(name);
    if (k >= 0) return obj.items[k];
    return L.report(node, "pytreeKey", name, describe(obj));
  }
  if (obj.kind === "list") {
    if (name === "length") return lit(obj.items.length);
    return L.report(node, "memberOf", L.text(node), describe(obj), "lists have `.length` and `.push(v)`; index them with a constant");
  }
  if (!isAtom(obj)) return L.report(node, "memberOf", L.text(node), describe(obj), "pass a value with this entry");
  const x = obj;
  if (x.type.rank === 0) {
    // Checked before the scalar-placeholder case so errors are not piled on.
    if (x.kind === "lit" && Number.isNaN(x.value)) return x;
    return L.report(node, "memberOf", L.text(node), describe(x), "scalars have no members; array attributes are `.shape`, `.ndim`, `.size`, `.length`, `.T`");
  }
  switch (name) {
    case "shape":
      return list(dimsOf(L, x));
    case "ndim":
      return lit(x.type.rank);
    case "size":
      return sizeOf(L, x);
    case "length":
      return L.b.prim("shape", [x], { axes: [0] }, "n");
    case "T":
      return L.aprim("transpose", [x], { perm: Array.from({ length: x.type.rank }, (_, k) => x.type.rank - 1 - k) });
    default:
      return L.report(node, "memberOf", L.text(node), describe(x), "array attributes are `.shape`, `.ndim`, `.size`, `.length`, `.T`; functions are in `np.*`");
  }
}

/** An integer index as an i32 atom (JS numbers are truncated like a typed-array index would be). */
export function toIndex(L: Lowerer, node: ts.Node, a: Atom): Atom {
  // After an error the index is 0, so lowering goes on with well-typed IR.
  if (a.type.rank !== 0) return (L.report(node, "rankError", L.text(node), `is an index and must be a scalar, got a rank-${a.type.rank} array`), lit(0, i32));
  if (a.type.dtype === "i32") return a;
  if (a.kind === "lit" && Number.isNaN(a.value)) return lit(0, i32); // a placeholder of an error already reported
  if (isIntLit(a)) return lit(a.value, i32);
  if (a.type.dtype === "bool") return (L.report(node, "notAValue", "a boolean index", "index with an integer"), lit(0, i32));
  return L.b.cast(a, "i32");
}

/** A compile-time integer (literal after folding), or null. */
function staticInt(a: Atom): number | null {
  return a.kind === "lit" && Number.isInteger(a.value) ? a.value : null;
}

export function indexValue(L: Lowerer, node: ts.Node, obj: Val, argExpr: ts.Expression): Val {
  const arg = stripParens(argExpr);
  if (obj.kind === "dict") {
    const key = ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg) ? arg.text : null;
    if (key === null) return L.report(argExpr, "staticValue", "an object key");
    const k = obj.keys.indexOf(key);
    return k >= 0 ? obj.items[k] : L.report(node, "pytreeKey", key, describe(obj));
  }
  if (ts.isStringLiteral(arg)) return L.report(arg, "pytreeKey", arg.text, describe(obj));
  return indexWith(L, node, argExpr, obj, lowerExpr(L, argExpr));
}

/** `obj[i]` for an already lowered index. */
export function indexWith(L: Lowerer, node: ts.Node, argNode: ts.Node, obj: Val, i: Atom): Val {
  const argExpr = argNode;
  if (obj.kind === "list") {
    const k = staticInt(i);
    // a list of numbers (or of arrays of one shape) indexed at run time: the list as an array, indexed
    if (k === null && obj.items.length > 0 && obj.items.every(isAtom) && obj.items.every((a) => (a as Atom).type.rank === (obj.items[0] as Atom).type.rank))
      return indexWith(L, node, argNode, stackVals(L, node, obj.items), i);
    if (k === null) return L.report(argExpr, "staticValue", `the index of a list (${L.text(argExpr)})`);
    if (k < 0 || k >= obj.items.length) return L.report(node, "pytreeKey", String(k), describe(obj));
    return obj.items[k];
  }
  if (!isAtom(obj) || obj.type.rank === 0) {
    if (isAtom(obj) && obj.kind === "lit" && Number.isNaN(obj.value)) return obj;
    return L.report(node, "memberOf", L.text(node), describe(obj), "only arrays, lists and objects can be indexed");
  }
  const idx = toIndex(L, argExpr, i);
  if (obj.type.rank === 1 && !(idx.kind === "lit" && idx.value < 0)) return L.b.prim("arr_get", [obj, idx], undefined, "el");
  // numpy: x[i] is the i-th sub-array along axis 0 (negative i counts from the end)
  return L.aprim("take", [obj, idx], { axes: [0] });
}

/**
 * `a[i] = v` / `a[i] op= v`: rebinds `a` to the updated array (or list). `value`
 * may be a function of the old element (compound assignment).
 */
export function assignElement(L: Lowerer, target: ts.ElementAccessExpression, value: Atom | ((old: Atom) => Atom)): Atom {
  const root = stripParens(target.expression);
  const b = ts.isIdentifier(root) ? L.scope.lookup(root.text) : undefined;
  if (!b) {
    if (ts.isIdentifier(root) && L.mod.isModuleValue(root.text)) return L.report(target, "moduleMutation", root.text);
    return L.report(target, "unsupportedSyntax", `assignment to \`${L.text(target)}\``, "assign elements of a local array or parameter (`out[i] = v`)");
  }
  const obj = L.get(b.key);
  const i = lowerExpr(L, target.argumentExpression);
  if (obj.kind === "list") {
    const k = staticInt(i);
    if (k === null || k < 0) return L.report(target.argumentExpression, "staticValue", "the index of a list");
    const items = [...obj.items];
    const old = items[k];
    const v = typeof value === "function" ? value(expectAtom(L, target, old ?? lit(NaN))) : value;
    while (items.length < k) items.push({ kind: "undef" });
    items[k] = v;
    L.env.set(b.key, list(items));
    return v;
  }
  if (!isAtom(obj) || obj.type.rank !== 1) {
    if (isAtom(obj) && obj.kind === "lit" && Number.isNaN(obj.value)) return obj;
    return L.report(target, "rankError", L.text(target), `assigns into ${describe(obj)}; indexed writes need a rank-1 array (a typed array or a 1-d array)`);
  }
  const idx = toIndex(L, target.argumentExpression, i);
  const v = typeof value === "function" ? value(L.b.prim("arr_get", [obj, idx], undefined, "el")) : value;
  if (v.type.rank !== 0) return L.report(target, "rankError", L.text(target), "assigns an array to one element; assign a number");
  const el = v.type.dtype === obj.type.dtype ? v : obj.type.dtype === "bool" ? L.toBool(v) : L.b.cast(v, obj.type.dtype);
  L.env.set(b.key, L.b.prim("arr_set", [obj, idx, el], undefined, b.name));
  return v;
}

/** `new Float64Array(n)` (zeros) or `new Float64Array(xs)` (a copy: arrays are values here). */
export function lowerNew(L: Lowerer, e: ts.NewExpression): Val {
  const callee = stripParens(e.expression);
  if (ts.isIdentifier(callee) && Object.hasOwn(TYPED, callee.text) && e.arguments?.length === 1) {
    const dtype = TYPED[callee.text];
    const a = lowerValue(L, e.arguments[0]);
    if (isAtom(a) && a.type.rank === 0) return L.b.prim("arr_new", [toIndex(L, e.arguments[0], a)], { dtype }, "buf");
    if (isAtom(a) && a.type.rank === 1) return a.type.dtype === dtype ? a : L.aprim("cast", [a], { dtype });
    if (a.kind === "list") return stackVals(L, e, a.items, dtype);
    return L.report(e, "rankError", L.text(e), `takes a length or a rank-1 array, got ${describe(a)}`);
  }
  return L.report(e, "classes", "`new` expressions are");
}

/**
 * np.array / np.stack of a list: every item (a number, an array, or a nested
 * list) gets a new leading axis and they are concatenated. Built from
 * broadcast_to/expand_dims/concatenate so gradients flow through it.
 */
export function stackVals(L: Lowerer, node: ts.Node, items: Val[], dtype?: DType): Atom {
  const atoms = items.map((it) => (it.kind === "list" ? stackVals(L, node, it.items, dtype) : expectAtom(L, node, it)));
  if (atoms.length === 0) return L.b.prim("full", [lit(0, { dtype: dtype ?? L.defaultFloat, rank: 0 }), lit(0, i32)]);
  const rank = atoms[0].type.rank;
  if (atoms.some((a) => a.type.rank !== rank)) return L.report(node, "rankError", L.text(node), "stacks arrays of different ranks; every item needs the same shape");
  let d: DType = dtype ?? promotedDtype(L, atoms);
  // JS numbers in a literal are floats (jnp.array([1, 2.5]) is the default float); all-boolean lists stay bool.
  if (!dtype && atoms.every((a) => L.isWeak(a))) d = atoms.every((a) => a.type.dtype === "bool") ? "bool" : L.defaultFloat;
  const cast = atoms.map((a) => (a.type.dtype === d ? a : a.kind === "lit" ? L.b.cast(a, d) : L.aprim("cast", [a], { dtype: d })));
  const rows = cast.map((a) => (a.type.rank === 0 ? L.aprim("broadcast_to", [a, lit(1, i32)]) : L.aprim("expand_dims", [a], { axes: [0] })));
  return rows.length === 1 ? rows[0] : L.aprim("concatenate", rows, { axes: [0] }, "stacked");
}
