// Exact fused multiply-add (a*b + c with ONE rounding) in plain JS: the
// reference semantics of the IR's `fma` primitive, and what the random
// number generators need.
//
// Why: JAX's CPU backend (XLA + LLVM) contracts `x*y + z` into hardware FMA
// instructions on x86-64 machines with FMA3, and glibc's `log` (which XLA
// calls for float64) is compiled the same way. To reproduce JAX's random
// normals bit for bit we must round exactly where the hardware does, and JS
// has no Math.fma. Both helpers below are exact for finite inputs whose
// partial results neither overflow nor underflow (true for every call site in
// this runtime).

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer); // little-endian: u32[0] = low word

/** 2^27 + 1: Veltkamp splitting constant for float64. */
const SPLITTER = 134217729;

/**
 * Round-to-odd of x + y (the exact sum, rounded to the neighbouring float64
 * whose last mantissa bit is 1 when the sum is inexact). Rounding to odd at
 * p+k bits and then to nearest at p bits is a correct single rounding
 * (Boldo & Melquiond, "Emulation of FMA and correctly rounded sums", 2008).
 */
function addRoundToOdd(x: number, y: number): number {
  const s = x + y;
  // TwoSum error term: x + y == s + e exactly.
  const bb = s - x;
  const e = (x - (s - bb)) + (y - bb);
  if (e === 0 || !Number.isFinite(s)) return s;
  f64[0] = s;
  if ((u32[0] & 1) === 1) return s; // already odd
  // s is even: the exact sum lies strictly between s and its neighbour
  // towards e; that neighbour is odd.
  if (e > 0 === s > 0) {
    u32[0] = u32[0] | 1; // away from zero (+1 ulp; no carry since bit 0 was 0)
  } else if (u32[0] !== 0) {
    u32[0] = u32[0] - 1; // towards zero (-1 ulp)
  } else {
    u32[0] = 0xffffffff;
    u32[1] = u32[1] - 1;
  }
  return f64[0];
}

/** float64 fma(a, b, c) = round(a*b + c), rounded once. */
export function fma64(a: number, b: number, c: number): number {
  const p = a * b;
  if (!Number.isFinite(p) || !Number.isFinite(c)) return p + c;
  // Dekker's TwoProduct: a*b == p + pe exactly.
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const pe = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  if (pe === 0) return p + c; // product exact: fma == ordinary add
  // TwoSum(c, p) = th + tl exactly; then one rounding of th + RO(tl + pe).
  const th = c + p;
  const bb = th - c;
  const tl = (c - (th - bb)) + (p - bb);
  return th + addRoundToOdd(tl, pe);
}

/**
 * float32 fma(a, b, c) for float32 inputs: the product of two float32 values
 * is exact in float64 (48 significant bits), so only the sum needs care: add
 * with round-to-odd in float64 (53 >= 24 + 2 bits), then round to float32.
 */
export function fma32(a: number, b: number, c: number): number {
  return Math.fround(addRoundToOdd(a * b, c));
}
