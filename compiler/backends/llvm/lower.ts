// The lowering table: one entry per IR primitive, LLVM IR out. `Record<Prim, …>`
// makes a primitive without a lowering a compile error. Every entry must
// compute exactly what compiler/ir/eval.ts computes (JS semantics), which is
// why several "obvious" LLVM operations are not used: llvm.round rounds halves
// away from zero (JS rounds them up), llvm.minnum drops NaN (Math.min keeps
// it), fptosi is poison out of range (JS wraps modulo 2^32), srem traps on
// x % 0 and INT_MIN % -1, and C pow(1, NaN) = 1 where Math.pow gives NaN.

import { ARRAY_PRIMS, type ArrayPrim, type DType, type Prim, type PrimStmt } from "../../ir/syntax.js";
import type { LLModule, LType, Value } from "./module.js";
import { emitXlaLogF32, emitXlaTanhF32 } from "./xla-f32.js";

/** An array value in registers: element pointer plus i32 length (rank 1). */
export interface ArrVal {
  readonly kind: "arr";
  readonly ptr: Value;
  readonly len: Value;
  readonly dtype: DType;
}

/** What an IR variable lowers to: one LLVM scalar, or an array pair. */
export type NVal = Value | ArrVal;

export function isArr(x: NVal): x is ArrVal {
  return (x as ArrVal).kind === "arr";
}

/** What a lowering rule may ask of the emitter (emit.ts implements it). */
export interface LowerCx {
  readonly m: LLModule;
  readonly s: PrimStmt;
  /** An LLVM name for the result, when the emitter wants one (annotate.ts finds reductions by name). */
  readonly name: string | undefined;
  /** Argument k as an LLVM scalar. */
  scalar(k: number): Value;
  /** Argument k as an array. */
  array(k: number): ArrVal;
  arrNew(len: Value, dtype: DType): ArrVal;
  arrGet(a: ArrVal, i: Value): Value;
  /** The current arr_set: in place when ../ownership.ts allows it, else on a copy. */
  arrSet(a: ArrVal, i: Value, x: Value): ArrVal;
}

export type Lowering = (cx: LowerCx) => NVal;

export function llType(m: LLModule, d: DType): LType {
  return d === "f64" ? m.f64 : d === "f32" ? m.f32 : d === "i32" ? m.i32 : m.i1;
}

const isF = (d: DType) => d === "f64" || d === "f32";
const argD = (cx: LowerCx) => cx.s.args[0].type.dtype;

// ---- builders for the common shapes --------------------------------------------------

type Bin = (m: LLModule, x: Value, y: Value, name?: string) => Value;

/** Binary op dispatching on float / int (i32) / bool (unsigned i1) operands. */
function arith(fl: Bin, int: Bin, bool: Bin = int): Lowering {
  return (cx) => {
    const d = argD(cx);
    const op = isF(d) ? fl : d === "i32" ? int : bool;
    return op(cx.m, cx.scalar(0), cx.scalar(1), cx.name);
  };
}

/** A libm function: `name` on f64, `namef` on f32. */
function libm(name: string): Lowering {
  return (cx) => {
    const args = cx.s.args.map((_, k) => cx.scalar(k));
    const t = args[0].getType();
    return cx.m.call(t.isFloatTy() ? `${name}f` : name, t, args);
  };
}

/** A libm function on f64; on f32, XLA's approximation (compiler/ir/xla-f32.ts, as eval.ts `f32Impls`). */
function libmOrXla(name: string, xla: (m: LLModule, x: Value) => Value): Lowering {
  const f64 = libm(name);
  return (cx) => (argD(cx) === "f32" ? xla(cx.m, cx.scalar(0)) : f64(cx));
}

function intrinsic(name: "sqrt" | "fabs" | "floor" | "ceil" | "trunc" | "rint"): Lowering {
  return (cx) => cx.m.callIntrinsic(name, [cx.scalar(0)]);
}

const cmp = (f: Bin, i: Bin, u: Bin) => arith(f, i, u);

// ---- helpers with JS semantics ---------------------------------------------------------

/** i32 x % y: 0 when y is 0 (defined so on every backend) or -1 (INT_MIN % -1 traps in srem). */
function remI32(m: LLModule, x: Value, y: Value): Value {
  const b = m.b;
  const bad = b.CreateOr(b.CreateICmpEQ(y, m.int32(0)), b.CreateICmpEQ(y, m.int32(-1)));
  const r = b.CreateSRem(x, b.CreateSelect(bad, m.int32(1), y));
  return b.CreateSelect(bad, m.int32(0), r);
}

/** Math.min / Math.max: NaN if either is NaN, and -0 < +0. */
function minMax(isMin: boolean): Lowering {
  return (cx) => {
    const { m } = cx;
    const b = m.b;
    const x = cx.scalar(0);
    const y = cx.scalar(1);
    const d = argD(cx);
    if (d === "i32") return b.CreateSelect(isMin ? b.CreateICmpSLT(x, y) : b.CreateICmpSGT(x, y), x, y);
    const t = x.getType();
    const it = t.isFloatTy() ? m.i32 : m.i64;
    // Equal operands are either identical or ±0: OR of the bits picks -0 (min), AND picks +0 (max).
    const xb = b.CreateBitCast(x, it);
    const yb = b.CreateBitCast(y, it);
    const eq = b.CreateBitCast(isMin ? b.CreateOr(xb, yb) : b.CreateAnd(xb, yb), t);
    const pickX = isMin ? b.CreateFCmpOLT(x, y) : b.CreateFCmpOGT(x, y);
    const pickY = isMin ? b.CreateFCmpOLT(y, x) : b.CreateFCmpOGT(y, x);
    const r = b.CreateSelect(pickX, x, b.CreateSelect(pickY, y, eq));
    return b.CreateSelect(m.unordered(x, y), b.CreateFAdd(x, y), r);
  };
}

/** JS Math.round: floor(x), plus one if the fraction is >= 0.5; keeps the sign of x (-0.3 → -0). */
function roundJS(m: LLModule, x: Value): Value {
  const b = m.b;
  const t = x.getType();
  const r = m.callIntrinsic("floor", [x]);
  const up = b.CreateFCmpOGE(b.CreateFSub(x, r), m.f(t, 0.5));
  const s = b.CreateSelect(up, b.CreateFAdd(r, m.f(t, 1)), r);
  return m.callIntrinsic("copysign", [s, x]);
}

/** Math.pow on top of C pow: C gives pow(1, NaN) = pow(-1, ±inf) = 1, JS gives NaN. */
function powJS(m: LLModule, x: Value, y: Value): Value {
  const b = m.b;
  const t = x.getType();
  const r = m.call(t.isFloatTy() ? "powf" : "pow", t, [x, y]);
  const one = b.CreateFCmpOEQ(m.callIntrinsic("fabs", [x]), m.f(t, 1));
  const odd = b.CreateOr(b.CreateFCmpUNE(y, y), b.CreateFCmpOEQ(m.callIntrinsic("fabs", [y]), m.f(t, Infinity)));
  return b.CreateSelect(b.CreateAnd(one, odd), m.f(t, NaN), r);
}

/** x ** n for a literal integer n, equal to Math.pow(x, n) (which V8 computes like fdlibm). */
function powiJS(cx: LowerCx): Value {
  const { m } = cx;
  const b = m.b;
  const x = cx.scalar(0);
  const t = x.getType();
  const n = cx.s.attrs!.exponent!;
  // fdlibm special-cases exactly these exponents, so a single rounding matches it.
  if (n === 0) return m.f(t, 1);
  if (n === 1) return x;
  if (n === 2) return b.CreateFMul(x, x);
  if (n === -1) return b.CreateFDiv(m.f(t, 1), x);
  // Repeated multiplication would round more than once; f32 goes through double pow like eval.ts.
  if (t.isFloatTy()) return b.CreateFPTrunc(m.call("pow", m.f64, [b.CreateFPExt(x, m.f64), m.f(m.f64, n)]), m.f32);
  return m.call("pow", m.f64, [x, m.f(m.f64, n)]);
}

/** JS ToInt32 of a double: truncate, wrap modulo 2^32, NaN/±inf → 0. Branch-free. */
export function toInt32(m: LLModule, x: Value): Value {
  const b = m.b;
  const ax = m.callIntrinsic("fabs", [x]);
  // |x| < 2^63: fptosi to i64 is exact, and truncation to i32 wraps like ToInt32.
  const small = b.CreateFCmpOLT(ax, m.f(m.f64, 2 ** 63));
  const fast = b.CreateTrunc(b.CreateFPToSI(b.CreateSelect(small, x, m.f(m.f64, 0)), m.i64), m.i32);
  // Otherwise x = mantissa * 2^e with e >= 11; the low 32 bits of mantissa << e, with x's sign.
  const bits = b.CreateBitCast(x, m.i64);
  const e = b.CreateSub(b.CreateAnd(b.CreateLShr(bits, m.int64(52)), m.int64(0x7ff)), m.int64(1075));
  const mant = b.CreateOr(b.CreateAnd(bits, m.int64(2 ** 52 - 1)), m.int64(2 ** 52));
  const sh = b.CreateSelect(b.CreateICmpULE(e, m.int64(32)), e, m.int64(32)); // shifts >= 64 are poison
  const low = b.CreateTrunc(b.CreateShl(mant, sh), m.i32);
  const big = b.CreateSelect(b.CreateICmpSLT(bits, m.int64(0)), b.CreateSub(m.int32(0), low), low);
  const finite = b.CreateFCmpOLT(ax, m.f(m.f64, Infinity));
  return b.CreateSelect(small, fast, b.CreateSelect(finite, big, m.int32(0)));
}

/** eval.ts `convert` between dtypes (i32 wraps, bool is x != 0 with NaN → true). */
export function convert(m: LLModule, x: Value, from: DType, to: DType): Value {
  const b = m.b;
  if (from === to) return x;
  const tt = llType(m, to);
  switch (to) {
    case "f64":
    case "f32":
      if (isF(from)) return to === "f64" ? b.CreateFPExt(x, tt) : b.CreateFPTrunc(x, tt);
      return from === "i32" ? b.CreateSIToFP(x, tt) : b.CreateUIToFP(x, tt);
    case "bool":
      return isF(from) ? b.CreateFCmpUNE(x, m.f(x.getType(), 0)) : b.CreateICmpNE(x, m.int32(0));
    case "i32":
      if (from === "bool") return b.CreateZExt(x, m.i32);
      return toInt32(m, from === "f32" ? b.CreateFPExt(x, m.f64) : x);
    default:
      throw new Error(`unknown dtype ${to as string}`);
  }
}

function sign(cx: LowerCx): Value {
  const { m } = cx;
  const b = m.b;
  const x = cx.scalar(0);
  if (argD(cx) === "i32") {
    return b.CreateSelect(b.CreateICmpSGT(x, m.int32(0)), m.int32(1), b.CreateSelect(b.CreateICmpSLT(x, m.int32(0)), m.int32(-1), x));
  }
  const t = x.getType();
  // x itself when neither > 0 nor < 0: keeps ±0 and NaN.
  return b.CreateSelect(b.CreateFCmpOGT(x, m.f(t, 0)), m.f(t, 1), b.CreateSelect(b.CreateFCmpOLT(x, m.f(t, 0)), m.f(t, -1), x));
}

/** Array primitives of any rank never reach a backend: passes/lower-arrays.ts turns them into buffer loops. */
const mustBeLowered = Object.fromEntries(
  ARRAY_PRIMS.map((p) => [
    p,
    () => {
      throw new Error(`array primitive ${p} must be lowered by passes/lower-arrays.ts before the LLVM backend`);
    },
  ]),
) as unknown as Record<ArrayPrim, Lowering>;

export const lowerings: Record<Prim, Lowering> = {
  ...mustBeLowered,
  // The bindings reject an undefined name argument.
  add: arith((m, x, y, name) => (name ? m.b.CreateFAdd(x, y, name) : m.b.CreateFAdd(x, y)), (m, x, y) => m.b.CreateAdd(x, y)),
  sub: arith((m, x, y) => m.b.CreateFSub(x, y), (m, x, y) => m.b.CreateSub(x, y)),
  mul: arith((m, x, y) => m.b.CreateFMul(x, y), (m, x, y) => m.b.CreateMul(x, y)),
  div: arith((m, x, y) => m.b.CreateFDiv(x, y), () => {
    throw new Error("div is float-only");
  }),
  rem: arith((m, x, y) => m.b.CreateFRem(x, y), remI32),
  neg: (cx) => (isF(argD(cx)) ? cx.m.b.CreateFNeg(cx.scalar(0)) : cx.m.b.CreateSub(cx.m.int32(0), cx.scalar(0))),
  pow: (cx) => powJS(cx.m, cx.scalar(0), cx.scalar(1)),
  // one rounding, as compiler/ir/fma.ts: the hardware instruction where there is one
  fma: (cx) => cx.m.callIntrinsic("fma", [cx.scalar(0), cx.scalar(1), cx.scalar(2)]),
  powi: powiJS,
  sin: libm("sin"), cos: libm("cos"), tan: libm("tan"),
  asin: libm("asin"), acos: libm("acos"), atan: libm("atan"), atan2: libm("atan2"),
  sinh: libm("sinh"), cosh: libm("cosh"), tanh: libmOrXla("tanh", emitXlaTanhF32),
  asinh: libm("asinh"), acosh: libm("acosh"), atanh: libm("atanh"),
  exp: libm("exp"), expm1: libm("expm1"), log: libmOrXla("log", emitXlaLogF32), log1p: libm("log1p"),
  log2: libm("log2"), log10: libm("log10"), cbrt: libm("cbrt"), hypot: libm("hypot"),
  sqrt: intrinsic("sqrt"),
  abs: (cx) => {
    if (isF(argD(cx))) return cx.m.callIntrinsic("fabs", [cx.scalar(0)]);
    const b = cx.m.b;
    const x = cx.scalar(0);
    return b.CreateSelect(b.CreateICmpSLT(x, cx.m.int32(0)), b.CreateSub(cx.m.int32(0), x), x); // abs(INT_MIN) wraps
  },
  sign,
  min: minMax(true),
  max: minMax(false),
  floor: intrinsic("floor"),
  ceil: intrinsic("ceil"),
  round: (cx) => roundJS(cx.m, cx.scalar(0)),
  rint: intrinsic("rint"), // round-half-even in the default FP environment
  trunc: intrinsic("trunc"),
  // Ordered float compares are false on NaN; `ne` is unordered (NaN != NaN). Bools compare as 0/1.
  lt: cmp((m, x, y) => m.b.CreateFCmpOLT(x, y), (m, x, y) => m.b.CreateICmpSLT(x, y), (m, x, y) => m.b.CreateICmpULT(x, y)),
  le: cmp((m, x, y) => m.b.CreateFCmpOLE(x, y), (m, x, y) => m.b.CreateICmpSLE(x, y), (m, x, y) => m.b.CreateICmpULE(x, y)),
  gt: cmp((m, x, y) => m.b.CreateFCmpOGT(x, y), (m, x, y) => m.b.CreateICmpSGT(x, y), (m, x, y) => m.b.CreateICmpUGT(x, y)),
  ge: cmp((m, x, y) => m.b.CreateFCmpOGE(x, y), (m, x, y) => m.b.CreateICmpSGE(x, y), (m, x, y) => m.b.CreateICmpUGE(x, y)),
  eq: cmp((m, x, y) => m.b.CreateFCmpOEQ(x, y), (m, x, y) => m.b.CreateICmpEQ(x, y), (m, x, y) => m.b.CreateICmpEQ(x, y)),
  ne: cmp((m, x, y) => m.b.CreateFCmpUNE(x, y), (m, x, y) => m.b.CreateICmpNE(x, y), (m, x, y) => m.b.CreateICmpNE(x, y)),
  and: (cx) => cx.m.b.CreateAnd(cx.scalar(0), cx.scalar(1)),
  or: (cx) => cx.m.b.CreateOr(cx.scalar(0), cx.scalar(1)),
  not: (cx) => cx.m.b.CreateNot(cx.scalar(0)),
  select: (cx) => cx.m.b.CreateSelect(cx.scalar(0), cx.scalar(1), cx.scalar(2)),
  cast: (cx) => convert(cx.m, cx.scalar(0), argD(cx), cx.s.attrs!.dtype!),
  // An array result shares the buffer; ../ownership.ts accounts for the alias.
  stop_gradient: (cx) => (cx.s.args[0].type.rank > 0 ? cx.array(0) : cx.scalar(0)),
  arr_new: (cx) => cx.arrNew(cx.scalar(0), cx.s.attrs!.dtype!),
  arr_get: (cx) => cx.arrGet(cx.array(0), cx.scalar(1)),
  arr_set: (cx) => cx.arrSet(cx.array(0), cx.scalar(1), cx.scalar(2)),
  arr_len: (cx) => cx.array(0).len,
};

