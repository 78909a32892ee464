// JAX's dtype promotion for operators and np functions once an array or a
// strong scalar is involved. JS numbers are weak: they take the dtype of the
// strong operand (f32 array * 2.0 → f32), except that a weak float meeting an
// int or bool gives the default float; strong dtypes meet on the lattice
// bool < i32 < f32 < f64; booleans in arithmetic become floats. Casts are
// explicit IR `cast`s; the primitives then broadcast like numpy.

import { type Atom, type DType, type Prim, lit } from "../ir/syntax.js";
import type { ArithOp } from "./arith.js";
import { type Lowerer, maxDtype } from "./lowerer.js";

const isFloatD = (d: DType) => d === "f32" || d === "f64";

/** The dtype `xs` meet in (before the arithmetic rule that bools become floats). */
export function promotedDtype(L: Lowerer, xs: Atom[]): DType {
  const strong = xs.filter((a) => !L.isWeak(a));
  if (strong.length === 0) return xs.every((a) => a.type.dtype === "i32") ? "i32" : xs.every((a) => a.type.dtype === "bool") ? "bool" : "f64";
  let d = strong.map((a) => a.type.dtype).reduce(maxDtype);
  for (const a of xs.filter((x) => L.isWeak(x))) {
    const w = a.type.dtype;
    if (isFloatD(d) || w === "bool") continue; // a weak value never widens a strong float; a weak bool adds nothing
    if (w === "i32") d = maxDtype(d, "i32"); // an integer counter or shape: stays integer
    else d = L.defaultFloat; // a JS float with an int/bool array
  }
  return d;
}

const castTo = (L: Lowerer, a: Atom, d: DType): Atom => (a.type.dtype === d ? a : a.kind === "lit" ? L.b.cast(a, d) : L.aprim("cast", [a], { dtype: d }));

/** Casts every argument to the promoted dtype; `float` forces a float result (division, math functions). */
export function promoteArgs(L: Lowerer, xs: Atom[], float = false, arith = true): Atom[] {
  let d = promotedDtype(L, xs);
  if (arith && d === "bool") d = L.defaultFloat;
  if (float && !isFloatD(d)) d = L.defaultFloat;
  return xs.map((a) => castTo(L, a, d));
}

/** `a` as a float (its own dtype when it already is one). */
export function floatOf(L: Lowerer, a: Atom): Atom {
  if (L.isWeak(a)) return L.toF64(a);
  return isFloatD(a.type.dtype) ? a : castTo(L, a, L.defaultFloat);
}

/** A number-or-bool argument of a numeric primitive (bools become the float type). */
export function numericOf(L: Lowerer, a: Atom): Atom {
  if (L.isWeak(a)) return a.type.dtype === "bool" ? L.toF64(a) : a;
  return a.type.dtype === "bool" ? castTo(L, a, L.defaultFloat) : a;
}

const PRIM: Record<Exclude<ArithOp, "**">, Prim> = { "+": "add", "-": "sub", "*": "mul", "/": "div", "%": "rem" };

export function arrayArith(L: Lowerer, op: ArithOp, a: Atom, b: Atom): Atom {
  if (op === "**") {
    const [x, y] = promoteArgs(L, [a, b], true);
    if (b.kind === "lit" && Number.isInteger(b.value) && Math.abs(b.value) < 2 ** 31) return b.value === 1 ? x : L.aprim("powi", [x], { exponent: b.value });
    return L.aprim("pow", [x, y]);
  }
  const [x, y] = promoteArgs(L, [a, b], op === "/");
  // The identities the Builder uses for scalars (x + 0, x * 1) hold for arrays too only when they do not change the shape.
  if ((op === "+" || op === "-") && y.kind === "lit" && y.value === 0) return x;
  if ((op === "*" || op === "/") && y.kind === "lit" && y.value === 1) return x;
  if (op === "+" && x.kind === "lit" && x.value === 0) return y;
  if (op === "*" && x.kind === "lit" && x.value === 1) return y;
  return L.aprim(PRIM[op], [x, y]);
}

export function arrayCompare(L: Lowerer, p: Prim, a: Atom, b: Atom): Atom {
  const [x, y] = promoteArgs(L, [a, b], false, false);
  return L.aprim(p, [x, y]);
}

/** Elementwise unary math (sin, exp, ...): floats keep their dtype, ints and bools become the default float. */
export function floatUnary(L: Lowerer, p: Prim, a: Atom): Atom {
  return L.aprim(p, [floatOf(L, a)]);
}

/** -x on any value. */
export function negate(L: Lowerer, a: Atom): Atom {
  return L.aprim("neg", [numericOf(L, a)]);
}

/** A scalar literal with `a`'s dtype (for building expressions around arrays). */
export const litLike = (a: Atom, value: number): Atom => lit(value, { dtype: a.type.dtype, rank: 0 });
