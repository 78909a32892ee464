// The building blocks of np-table.ts: argument decoding (axes, keepdims,
// dtypes, shapes, options objects) and the composite functions, written with
// the primitives whose derivatives give jax's gradients.

import type { ts } from "ts-morph";
import { type Atom, type DType, type Prim, i32, lit } from "../ir/syntax.js";
import { arith } from "./arith.js";
import { dimsOf, stackVals, toIndex } from "./lower-array.js";
import { expectAtom } from "./lower-expr.js";
import type { Lowerer } from "./lowerer.js";
import { floatOf, numericOf, promoteArgs, promotedDtype } from "./promote.js";
import { type Val, describe, isAtom } from "./value.js";

/** The call being lowered: its node (for diagnostics), name and argument values. */
export interface NpCall {
  readonly node: ts.CallExpression;
  readonly name: string; // "np.sum"
  readonly args: Val[];
}

export type Impl = (L: Lowerer, c: NpCall) => Val;

export const FLOAT_UNARY: Record<string, Prim> = {
  sin: "sin", cos: "cos", tan: "tan", arcsin: "asin", arccos: "acos", arctan: "atan", sinh: "sinh", cosh: "cosh", tanh: "tanh",
  arcsinh: "asinh", arccosh: "acosh", arctanh: "atanh", exp: "exp", expm1: "expm1", log: "log", log1p: "log1p", log2: "log2",
  log10: "log10", sqrt: "sqrt", cbrt: "cbrt", floor: "floor", ceil: "ceil", round: "rint", around: "rint", rint: "rint", trunc: "trunc", fix: "trunc",
};
export const NUM_UNARY: Record<string, Prim> = { abs: "abs", absolute: "abs", fabs: "abs", sign: "sign", negative: "neg" };
export const NUM_BINARY: Record<string, Prim> = { maximum: "max", minimum: "min", fmax: "max", fmin: "min" };
export const FLOAT_BINARY: Record<string, Prim> = { arctan2: "atan2", hypot: "hypot" };
export const ARITH_BINARY: Record<string, "+" | "-" | "*" | "/"> = { add: "+", subtract: "-", multiply: "*", divide: "/", true_divide: "/" };

// ---- argument helpers --------------------------------------------------------

export function arg(L: Lowerer, c: NpCall, k: number): Atom {
  const x = c.args[k];
  if (x === undefined) return L.report(c.node, "argCount", c.name, k + 1, c.args.length);
  return expectAtom(L, c.node.arguments[k] ?? c.node, x);
}

/** An optional argument given positionally at `k` or as `{ name: ... }` in a trailing options object. */
export function opt(c: NpCall, k: number, name: string): Val | undefined {
  const last = c.args[c.args.length - 1];
  if (last?.kind === "dict" && c.args.length - 1 <= k) {
    const j = last.keys.indexOf(name);
    return j >= 0 ? last.items[j] : undefined;
  }
  const x = c.args[k];
  return x === undefined || x.kind === "none" || x.kind === "undef" ? undefined : x;
}

export function staticNum(x: Val | undefined): number | null {
  return x && isAtom(x) && x.kind === "lit" ? x.value : null;
}

/** `axis` (a number, a list, or absent = all axes) normalized to [0, rank); null after a diagnostic. */
export function axesArg(L: Lowerer, c: NpCall, x: Val | undefined, rank: number): number[] | "all" | null {
  if (x === undefined) return "all";
  const raw = x.kind === "list" ? x.items.map((it) => staticNum(it)) : [staticNum(x)];
  if (raw.some((a) => a === null || !Number.isInteger(a))) {
    L.report(c.node, "staticValue", `the axis of \`${c.name}\``);
    return null;
  }
  const out: number[] = [];
  for (const a of raw as number[]) {
    const k = a < 0 ? a + rank : a;
    if (k < 0 || k >= Math.max(rank, 1) || (rank === 0 && a !== 0 && a !== -1)) {
      L.report(c.node, "axisRange", a, rank);
      return null;
    }
    out.push(k);
  }
  return [...new Set(out)].sort((p, q) => p - q);
}

export function boolArg(L: Lowerer, c: NpCall, x: Val | undefined): boolean {
  if (x === undefined) return false;
  const v = staticNum(x);
  if (v === null) L.report(c.node, "staticValue", `keepdims of \`${c.name}\``);
  return !!v;
}

export const DTYPES: Record<string, DType> = { float64: "f64", f64: "f64", float32: "f32", f32: "f32", int32: "i32", i32: "i32", bool: "bool", bool_: "bool" };

/** A dtype argument: np.float32-style names come through as strings ('float32'). */
export function dtypeArg(L: Lowerer, c: NpCall, k: number): DType | undefined {
  const node = c.node.arguments[k];
  const last = c.node.arguments[c.node.arguments.length - 1];
  const pick = (e: ts.Node | undefined): string | undefined => {
    if (!e) return undefined;
    const t = e.getText(L.mod.sf).replace(/^['"`]|['"`]$/g, "").replace(/^(np|jnp)\./, "");
    return Object.hasOwn(DTYPES, t) ? t : undefined;
  };
  const direct = pick(node);
  if (direct) return DTYPES[direct];
  if (last && last.getText(L.mod.sf).includes("dtype")) {
    const m = /dtype\s*:\s*['"`]?(?:np\.|jnp\.)?(\w+)/.exec(last.getText(L.mod.sf));
    if (m && Object.hasOwn(DTYPES, m[1])) return DTYPES[m[1]];
  }
  return undefined;
}

/** A shape: a number or a list of numbers (run-time sizes are fine). */
export function shapeArg(L: Lowerer, c: NpCall, k: number): Atom[] {
  const x = c.args[k];
  const node = c.node.arguments[k] ?? c.node;
  if (x === undefined) return [L.report(c.node, "argCount", c.name, k + 1, c.args.length)];
  if (x.kind === "list") return x.items.map((it) => toIndex(L, node, expectAtom(L, node, it)));
  return [toIndex(L, node, expectAtom(L, node, x))];
}

export const castTo = (L: Lowerer, a: Atom, d: DType): Atom => (a.type.dtype === d ? a : a.kind === "lit" ? L.b.cast(a, d) : L.aprim("cast", [a], { dtype: d }));
export const scalarLit = (v: number, d: DType): Atom => lit(v, { dtype: d, rank: 0 });

// ---- building blocks (also used by the method forms `x.sum()`) --------------------

export function reduce(L: Lowerer, c: NpCall, p: "reduce_sum" | "reduce_prod" | "reduce_max" | "reduce_min", x: Atom, axisVal: Val | undefined, keepVal: Val | undefined): Atom {
  const axes = axesArg(L, c, axisVal, x.type.rank);
  const keepdims = boolArg(L, c, keepVal);
  if (axes === null) return lit(NaN);
  if (x.type.rank === 0) return x;
  const src = x.type.dtype === "bool" ? castTo(L, x, p === "reduce_sum" || p === "reduce_prod" ? "i32" : "i32") : x;
  return L.aprim(p, [src], { axes: axes === "all" ? [] : axes, keepdims });
}

/** The number of elements a reduction over `axes` combines (i32). */
export function countOf(L: Lowerer, x: Atom, axes: number[] | "all"): Atom {
  const dims = dimsOf(L, x);
  return (axes === "all" ? dims : axes.map((k) => dims[k])).reduce<Atom>((acc, d) => L.b.mul(acc, d), lit(1, i32));
}

export function mean(L: Lowerer, c: NpCall, x: Atom, axisVal: Val | undefined, keepVal: Val | undefined): Atom {
  const axes = axesArg(L, c, axisVal, x.type.rank);
  if (axes === null) return lit(NaN);
  const fx = floatOf(L, x);
  if (x.type.rank === 0) return fx;
  const s = L.aprim("reduce_sum", [fx], { axes: axes === "all" ? [] : axes, keepdims: boolArg(L, c, keepVal) });
  // sum · (1 / n): XLA compiles jnp.mean's division by the constant n so
  const d = fx.type.dtype;
  return L.aprim("mul", [s, L.aprim("div", [scalarLit(1, d), castTo(L, countOf(L, x, axes), d)])]);
}

export function argReduce(L: Lowerer, c: NpCall, p: "argmax" | "argmin", x: Atom, axisVal: Val | undefined, keepVal: Val | undefined): Atom {
  const axes = axesArg(L, c, axisVal, x.type.rank);
  if (axes === null) return lit(NaN);
  if (axes !== "all" && axes.length !== 1) return L.report(c.node, "staticValue", `a single axis of \`${c.name}\``);
  if (x.type.rank === 0) return lit(0, i32);
  return L.aprim(p, [numericOf(L, x)], { axes: axes === "all" ? [] : axes, keepdims: boolArg(L, c, keepVal) });
}

export function matmul(L: Lowerer, c: NpCall, a: Atom, b: Atom, dot: boolean): Atom {
  if (dot && (a.type.rank === 0 || b.type.rank === 0)) return arith(L, "*", a, b); // np.dot of a scalar multiplies
  for (const x of [a, b])
    if (x.type.rank < 1 || x.type.rank > 2) return L.report(c.node, "rankError", c.name, `supports arrays of rank 1 and 2, got rank ${x.type.rank}`);
  const [x, y] = promoteArgs(L, [a, b], true);
  return L.aprim("matmul", [x, y]);
}

export function ravel(L: Lowerer, x: Atom): Atom {
  return x.type.rank === 1 ? x : L.aprim("reshape", [x, lit(-1, i32)]);
}

const isFinite = (L: Lowerer, x: Atom): Atom => L.aprim("lt", [L.aprim("abs", [x]), scalarLit(Infinity, x.type.dtype)]);

/**
 * `value` with the derivatives of `like` (jax's custom_jvp, by composition):
 * value + (like - stop_gradient(like)), where `like` is finite; elsewhere
 * `value` with a zero derivative.
 */
function withDerivativeOf(L: Lowerer, value: Atom, like: Atom): Atom {
  const d = L.aprim("sub", [like, L.aprim("stop_gradient", [like])]);
  const zero = scalarLit(0, like.type.dtype);
  return L.aprim("add", [L.aprim("stop_gradient", [value]), L.aprim("select", [isFinite(L, like), d, zero])]);
}

/**
 * jax's logaddexp: the value amax + log1p(exp(-|x - y|)) (x + y where x - y is
 * NaN), and its custom JVP, exp(x - out)·x' + exp(y - out)·y' (1/2 each at a
 * tie), as the derivative of m + log(exp(x - m) + exp(y - m)) with m the
 * stop_gradient'ed max (0 where it is infinite).
 */
export function logaddexp(L: Lowerer, a: Atom, b: Atom): Atom {
  const [x, y] = promoteArgs(L, [a, b], true);
  const amax = L.aprim("max", [x, y], undefined, "amax");
  const delta = L.aprim("sub", [x, y], undefined, "delta");
  const t = L.aprim("log1p", [L.aprim("exp", [L.aprim("neg", [L.aprim("abs", [delta])])])]);
  const value = L.aprim("select", [L.aprim("ne", [delta, delta]), L.aprim("add", [x, y]), L.aprim("add", [amax, t])]);
  const m = L.aprim("stop_gradient", [L.aprim("select", [isFinite(L, amax), amax, scalarLit(0, amax.type.dtype)])]);
  const sum = L.aprim("add", [L.aprim("exp", [L.aprim("sub", [x, m])]), L.aprim("exp", [L.aprim("sub", [y, m])])]);
  return withDerivativeOf(L, value, L.aprim("add", [m, L.aprim("log", [sum])]));
}

/**
 * jax.nn.sigmoid: 1 / (1 + exp(-x)), and 0 with a zero derivative where
 * exp(-x) overflows (jax's rule ans · (1 - ans) is 0 there; the quotient's
 * derivative would be 0 · inf).
 */
export function sigmoid(L: Lowerer, a: Atom): Atom {
  const x = floatOf(L, a);
  const d = x.type.dtype;
  const one = scalarLit(1, d);
  const fits = L.aprim("ne", [L.aprim("exp", [L.aprim("neg", [L.aprim("stop_gradient", [x])])]), scalarLit(Infinity, d)]); // NaN passes
  const safe = L.aprim("select", [fits, x, scalarLit(0, d)]);
  const s = L.aprim("div", [one, L.aprim("add", [one, L.aprim("exp", [L.aprim("neg", [safe])])])]);
  return L.aprim("select", [fits, s, scalarLit(0, d)]);
}

export function logsumexp(L: Lowerer, c: NpCall, a: Atom, axisVal: Val | undefined, keepVal: Val | undefined): Atom {
  const x = floatOf(L, a);
  const axes = axesArg(L, c, axisVal, x.type.rank);
  const keepdims = boolArg(L, c, keepVal);
  if (axes === null) return lit(NaN);
  if (x.type.rank === 0) return x;
  const attrs = (keep: boolean) => ({ axes: axes === "all" ? [] : axes, keepdims: keep });
  // jax: the max is stop_gradient'ed and replaced by 0 where it is not finite (all -inf)
  const finiteMax = (keep: boolean) => {
    const m = L.aprim("reduce_max", [x], attrs(keep), "amax");
    const inf = scalarLit(Infinity, x.type.dtype);
    const ok = L.aprim("lt", [L.aprim("abs", [m]), inf]);
    return L.aprim("stop_gradient", [L.aprim("select", [ok, m, scalarLit(0, x.type.dtype)])]);
  };
  const mk = finiteMax(true);
  const s = L.aprim("reduce_sum", [L.aprim("exp", [L.aprim("sub", [x, mk])])], attrs(keepdims));
  return L.aprim("add", [L.aprim("log", [s]), keepdims ? mk : finiteMax(false)]);
}

export function fill(L: Lowerer, dims: Atom[], v: Atom, dtype: DType | undefined): Atom {
  const d = dtype ?? (L.isWeak(v) ? (v.type.dtype === "bool" ? "bool" : v.type.dtype === "i32" ? "i32" : L.defaultFloat) : v.type.dtype);
  const x = castTo(L, v, d);
  if (x.type.rank > 0) return L.aprim("broadcast_to", [x, ...dims]);
  return L.aprim("full", [x, ...dims]);
}

export function arange(L: Lowerer, c: NpCall): Atom {
  const nums = c.args.filter((a) => a.kind !== "dict").map((_, k) => arg(L, c, k));
  const [start, stop, step] = nums.length === 1 ? [lit(0), nums[0], lit(1)] : [nums[0], nums[1], nums[2] ?? lit(1)];
  const allInt = [start, stop, step].every((a) => a.type.dtype === "i32" || (a.kind === "lit" && Number.isInteger(a.value)));
  const d = dtypeArg(L, c, nums.length) ?? (allInt ? "i32" : L.defaultFloat);
  const n = toIndex(L, c.node, L.prim("ceil", [L.b.div(L.b.sub(L.toF64(stop), L.toF64(start)), L.toF64(step))]));
  const count = L.prim("max", [n, lit(0, i32)]);
  const iota = L.aprim("iota", [count], { dtype: d });
  const scaled = step.kind === "lit" && step.value === 1 ? iota : L.aprim("mul", [iota, castTo(L, step, d)]);
  return start.kind === "lit" && start.value === 0 ? scaled : L.aprim("add", [scaled, castTo(L, start, d)]);
}

export function linspace(L: Lowerer, c: NpCall): Atom {
  const [a, b] = promoteArgs(L, [arg(L, c, 0), arg(L, c, 1)], true);
  const d = L.isWeak(a) && L.isWeak(b) ? L.defaultFloat : a.type.dtype;
  const n = toIndex(L, c.node, c.args[2] ? arg(L, c, 2) : lit(50));
  const [start, stop] = [castTo(L, a, d), castTo(L, b, d)];
  const i = L.aprim("iota", [n], { dtype: d });
  const denom = castTo(L, L.prim("max", [L.b.sub(n, lit(1, i32)), lit(1, i32)]), d);
  const step = L.aprim("div", [L.aprim("sub", [stop, start]), denom]);
  return L.aprim("add", [start, L.aprim("mul", [i, step])]);
}

export function eye(L: Lowerer, c: NpCall): Atom {
  const n = toIndex(L, c.node, arg(L, c, 0));
  const m = c.args[1] && c.args[1].kind !== "dict" ? toIndex(L, c.node, arg(L, c, 1)) : n;
  const rows = L.aprim("expand_dims", [L.aprim("iota", [n], { dtype: "i32" })], { axes: [1] });
  const cols = L.aprim("expand_dims", [L.aprim("iota", [m], { dtype: "i32" })], { axes: [0] });
  return castTo(L, L.aprim("eq", [rows, cols]), dtypeArg(L, c, c.args.length - 1) ?? L.defaultFloat);
}

export function listArg(L: Lowerer, c: NpCall, k: number): Atom[] {
  const x = c.args[k];
  if (x?.kind === "list") return x.items.map((it) => expectAtom(L, c.node, it));
  if (x && isAtom(x)) return [x];
  return [L.report(c.node, "notAValue", `${c.name}'s first argument (${x ? describe(x) : "missing"})`, "pass a list of arrays")];
}

export function concatenate(L: Lowerer, c: NpCall, xs: Atom[], axisVal: Val | undefined): Atom {
  if (xs.length === 0) return L.report(c.node, "argCount", c.name, 1, 0);
  const rank = xs[0].type.rank;
  if (rank === 0 || xs.some((x) => x.type.rank !== rank)) return L.report(c.node, "rankError", c.name, "needs arrays of one rank ≥ 1");
  const axes = axesArg(L, c, axisVal ?? lit(0), rank);
  if (axes === null || axes === "all") return lit(NaN);
  const d = promotedDtype(L, xs);
  return xs.length === 1 ? xs[0] : L.aprim("concatenate", xs.map((x) => castTo(L, x, d)), { axes });
}

export function stack(L: Lowerer, c: NpCall): Atom {
  const x = c.args[0];
  const axisVal = opt(c, 1, "axis");
  if (x?.kind !== "list") return x && isAtom(x) ? x : L.report(c.node, "notAValue", `${c.name}'s argument`, "pass a list of arrays");
  if (axisVal === undefined || staticNum(axisVal) === 0) return stackVals(L, c.node, x.items);
  const xs = x.items.map((it) => expectAtom(L, c.node, it));
  const axes = axesArg(L, c, axisVal, (xs[0]?.type.rank ?? 0) + 1);
  if (axes === null || axes === "all") return lit(NaN);
  return concatenate(L, c, xs.map((a) => L.aprim("expand_dims", [a], { axes })), lit(axes[0]));
}

export function transpose(L: Lowerer, c: NpCall, x: Atom, permVal: Val | undefined): Atom {
  const r = x.type.rank;
  let perm = Array.from({ length: r }, (_, k) => r - 1 - k);
  if (permVal !== undefined) {
    const p = axesArg(L, c, permVal, r);
    if (p === null || p === "all") return lit(NaN);
    const raw = permVal.kind === "list" ? permVal.items.map((it) => staticNum(it)!) : [];
    perm = raw.map((a) => (a < 0 ? a + r : a));
    if (perm.length !== r || new Set(perm).size !== r) return L.report(c.node, "rankError", c.name, `needs a permutation of the ${r} axes`);
  }
  return r < 2 ? x : L.aprim("transpose", [x], { perm });
}

export function take(L: Lowerer, c: NpCall, x: Atom, idx: Atom, axisVal: Val | undefined): Atom {
  const i = idx.type.dtype === "i32" ? idx : castTo(L, idx, "i32");
  if (axisVal === undefined) return L.aprim("take", [ravel(L, x), i], { axes: [0] });
  const axes = axesArg(L, c, axisVal, x.type.rank);
  if (axes === null || axes === "all") return lit(NaN);
  return L.aprim("take", [x, i], { axes });
}

export function where(L: Lowerer, c: NpCall): Atom {
  if (c.args.length !== 3) return L.report(c.node, "argCount", c.name, 3, c.args.length);
  const cond = L.toBool(arg(L, c, 0));
  const [a, b] = [arg(L, c, 1), arg(L, c, 2)];
  const [x, y] = L.isWeak(a) && L.isWeak(b) ? (a.type.dtype === b.type.dtype ? [a, b] : [L.toF64(a), L.toF64(b)]) : promoteArgs(L, [a, b], false, false);
  if (cond.kind === "lit" && x.type.rank === 0 && y.type.rank === 0) return cond.value ? x : y;
  return L.aprim("select", [cond, x, y]);
}

export function clip(L: Lowerer, c: NpCall): Atom {
  let x = arg(L, c, 0);
  const lo = opt(c, 1, "min") ?? opt(c, 1, "a_min");
  const hi = opt(c, 2, "max") ?? opt(c, 2, "a_max");
  if (lo) x = L.aprim("max", promoteArgs(L, [x, expectAtom(L, c.node, lo)]));
  if (hi) x = L.aprim("min", promoteArgs(L, [x, expectAtom(L, c.node, hi)]));
  return x;
}

