// Numeric typing of operators. Between JS numbers (weak scalars): integer
// loop counters stay i32 while both operands are integers (an integer literal
// next to an i32 becomes i32), anything else is f64; booleans in arithmetic
// are cast to f64. As soon as an array or a strong scalar is involved, JAX's
// promotion applies (promote.ts), and operators broadcast like numpy.

import { type Atom, type Lit, type Prim, i32, lit } from "../ir/syntax.js";
import type { Lowerer } from "./lowerer.js";
import { arrayArith, arrayCompare, floatOf, promoteArgs } from "./promote.js";

const I32_MAX = 2147483647;

export function isIntLit(a: Atom): a is Lit {
  return a.kind === "lit" && a.type.dtype !== "bool" && Number.isInteger(a.value) && Math.abs(a.value) <= I32_MAX;
}

/** An i32 atom for `a` when `a` is an i32 value or an integer literal, else null. */
export function asI32(a: Atom): Atom | null {
  if (a.type.dtype === "i32") return a;
  if (isIntLit(a)) return lit(a.value, i32);
  return null;
}

/** Brings two operands to a common numeric dtype. */
export function unify(L: Lowerer, a: Atom, b: Atom): [Atom, Atom] {
  if (a.type.dtype === "bool") a = L.toF64(a);
  if (b.type.dtype === "bool") b = L.toF64(b);
  if (a.type.dtype === "i32" && b.type.dtype === "i32") return [a, b];
  if (a.type.dtype === "i32" && isIntLit(b)) return [a, lit(b.value, i32)];
  if (b.type.dtype === "i32" && isIntLit(a)) return [lit(a.value, i32), b];
  return [L.toF64(a), L.toF64(b)];
}

export type ArithOp = "+" | "-" | "*" | "/" | "%" | "**";

export function arith(L: Lowerer, op: ArithOp, a: Atom, b: Atom): Atom {
  if (!L.isWeak(a) || !L.isWeak(b)) return arrayArith(L, op, a, b);
  switch (op) {
    case "+": {
      const [x, y] = unify(L, a, b);
      return L.b.add(x, y);
    }
    case "-": {
      const [x, y] = unify(L, a, b);
      return L.b.sub(x, y);
    }
    case "*": {
      const [x, y] = unify(L, a, b);
      return L.b.mul(x, y);
    }
    case "/": // JS division is float division even for integers
      return L.b.div(L.toF64(a), L.toF64(b));
    case "%": {
      const [x, y] = unify(L, a, b);
      return L.prim("rem", [x, y]);
    }
    case "**":
      return power(L, a, b);
    default:
      throw new Error(`internal: arith ${op as string}`);
  }
}

/** `a ** b`: an integer-literal exponent is `powi` (JAX's integer_pow, exact derivative at 0). */
export function power(L: Lowerer, a: Atom, b: Atom): Atom {
  if (b.kind === "lit" && b.type.dtype !== "bool" && Number.isInteger(b.value) && Math.abs(b.value) <= I32_MAX) {
    const base = L.isWeak(a) ? L.toF64(a) : floatOf(L, a);
    if (b.value === 1) return base;
    return L.aprim("powi", [base], { exponent: b.value });
  }
  if (!L.isWeak(a) || !L.isWeak(b)) {
    const [x, y] = promoteArgs(L, [a, b], true);
    return L.aprim("pow", [x, y]);
  }
  return L.prim("pow", [L.toF64(a), L.toF64(b)]);
}

export function compare(L: Lowerer, p: Prim, a: Atom, b: Atom): Atom {
  if (!L.isWeak(a) || !L.isWeak(b)) return arrayCompare(L, p, a, b);
  if (a.type.dtype === "bool" && b.type.dtype === "bool" && (p === "eq" || p === "ne")) return L.prim(p, [a, b]);
  const [x, y] = unify(L, a, b);
  return L.prim(p, [x, y]);
}

/** Clamped float → i32 conversion for loop bounds (NaN becomes 0, like every backend's cast). */
export function boundToI32(L: Lowerer, a: Atom, round: "ceil" | "floor"): Atom {
  const i = asI32(a);
  if (i) return i;
  const r = L.prim(round, [L.toF64(a)]);
  const clamped = L.prim("max", [L.prim("min", [r, lit(I32_MAX - 1)]), lit(-I32_MAX)]);
  return L.b.cast(clamped, "i32");
}
