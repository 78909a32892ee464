// Expressions of the printed TypeScript and the lowering of every primitive
// to one (a Record<Prim, ...>, so a missing primitive is a compile error).
// Expressions carry their precedence so that inlined subexpressions get
// exactly the parentheses they need, and the names they read so that the
// emitter can order reassignments of loop variables.

import type { ArrayPrim, Attrs, DType, ElementwisePrim, Prim, Type } from "../../ir/syntax.js";

export interface Expr {
  readonly text: string;
  readonly prec: number;
  readonly refs: ReadonlySet<string>;
  /** Reads array elements: must not move past an in-place write. */
  readonly readsArray?: boolean;
  /** The same test negated, where that is exact (`a === b` ↔ `a !== b`), so `!` can print it. */
  readonly negated?: Expr;
}

// JS operator precedence, higher binds tighter.
export const P = { assign: 2, cond: 3, or: 4, and: 5, eq: 9, rel: 10, add: 12, mul: 13, pow: 14, unary: 15, call: 17, atom: 18 } as const;

const NONE: ReadonlySet<string> = new Set();

export function name(n: string): Expr {
  return { text: n, prec: P.atom, refs: new Set([n]) };
}

export function num(x: number, dtype: DType = "f64"): Expr {
  if (dtype === "bool") return { text: x ? "true" : "false", prec: P.atom, refs: NONE };
  if (Object.is(x, -0)) return { text: "-0", prec: P.unary, refs: NONE };
  return { text: String(x), prec: x < 0 ? P.unary : P.atom, refs: NONE };
}

/** Builds an expression from parts; `parts` are text or [expr, minimum precedence]. */
export function mk(prec: number, ...parts: (string | [Expr, number])[]): Expr {
  let text = "";
  const refs = new Set<string>();
  let readsArray = false;
  for (const p of parts) {
    if (typeof p === "string") {
      text += p;
      continue;
    }
    const [e, min] = p;
    // `- -x` must not print as `--x`.
    const t = e.prec < min || (text.endsWith("-") && e.text.startsWith("-")) ? `(${e.text})` : e.text;
    text += t;
    e.refs.forEach((r) => refs.add(r));
    readsArray ||= e.readsArray ?? false;
  }
  return { text, prec, refs, readsArray };
}

export const paren = (e: Expr, min: number): string => (e.prec < min ? `(${e.text})` : e.text);

const binop = (op: string, prec: number) => (a: Expr, b: Expr) => mk(prec, [a, prec], ` ${op} `, [b, prec + 1]);
const call = (fn: string, args: Expr[]) => mk(P.call, `${fn}(`, ...args.flatMap((a, k): (string | [Expr, number])[] => (k ? [", ", [a, P.assign]] : [[a, P.assign]])), ")");

/** A bool as a number: `(c ? 1 : 0)`. */
export const toNumber = (e: Expr, t: Type) => (t.dtype === "bool" ? mk(P.cond, [e, P.or], " ? 1 : 0") : e);

/** f32 results are rounded, as eval.ts does. */
const f32 = (e: Expr, t: Type) => (t.dtype === "f32" ? call("Math.fround", [e]) : e);

export type TsLowering = (args: Expr[], attrs: Attrs | undefined, out: Type, argTypes: Type[]) => Expr;

const op = (o: string, prec: number): TsLowering => ([a, b], _, t) => f32(binop(o, prec)(a, b), t);
const fn = (f: string): TsLowering => (args, _, t) => f32(call(f, args), t);
// Comparing bools with < needs numbers; === works on booleans directly.
const cmp = (o: string, prec: number): TsLowering => ([a, b], _, __, [ta, tb]) => binop(o, prec)(toNumber(a, ta), toNumber(b, tb));

export const ARRAY_CTOR: Record<DType, string> = { f64: "Float64Array", f32: "Float32Array", i32: "Int32Array", bool: "Uint8Array" };

// ---- arrays: np.* calls, in the spelling of the source subset --------------------------

const list = (xs: Expr[]) => mk(P.atom, "[", ...xs.flatMap((a, k): (string | [Expr, number])[] => (k ? [", ", [a, P.assign]] : [[a, P.assign]])), "]");
const ints = (ks: readonly number[]) => ({ text: `[${ks.join(", ")}]`, prec: P.atom, refs: NONE }) as Expr;
const str = (s: string): Expr => ({ text: JSON.stringify(s), prec: P.atom, refs: NONE });
const shapeOf = (x: Expr) => mk(P.call, [x, P.call], ".shape");
const axis = (a: Attrs | undefined) => num(a!.axes![0]);

/** np.sum(x), np.sum(x, [axes]), np.sum(x, [axes], true): numpy's defaults left out. */
const reduction = (f: string): TsLowering => ([x], a) => {
  const axes = a?.axes ?? [];
  const args = [x];
  if (axes.length || a?.keepdims) args.push(axes.length ? ints(axes) : { text: "null", prec: P.atom, refs: NONE });
  if (a?.keepdims) args.push(num(1, "bool"));
  return call(f, args);
};
/** np.argmax(x) over the flattened array, or np.argmax(x, k[, true]). */
const argReduction = (f: string): TsLowering => ([x], a) => {
  const axes = a?.axes ?? [];
  const args = [x, axes.length ? num(axes[0]) : { text: "null", prec: P.atom, refs: NONE }];
  if (a?.keepdims) args.push(num(1, "bool"));
  return call(f, axes.length || a?.keepdims ? args : [x]);
};

function arrayPrims(): Record<ArrayPrim, TsLowering> {
  return {
    shape: ([x], a) => mk(P.call, [x, P.call], `.shape[${a!.axes![0]}]`),
    full: ([v, ...dims]) => call("np.full", [list(dims), v]),
    iota: ([n], a) => call("np.arange", a!.dtype === "f64" ? [n] : [n, str(a!.dtype!)]),
    broadcast_to: ([x, ...dims]) => call("np.broadcastTo", [x, list(dims)]),
    broadcast_like: ([x, like]) => call("np.broadcastTo", [x, shapeOf(like)]),
    sum_like: ([x, like]) => call("np.sumLike", [x, like]),
    reduce_sum: reduction("np.sum"),
    reduce_prod: reduction("np.prod"),
    reduce_max: reduction("np.max"),
    reduce_min: reduction("np.min"),
    argmax: argReduction("np.argmax"),
    argmin: argReduction("np.argmin"),
    matmul: (args) => call("np.matmul", args),
    transpose: ([x], a) => call("np.transpose", [x, ints(a!.perm!)]),
    reshape: ([x, ...dims]) => call("np.reshape", [x, list(dims)]),
    expand_dims: ([x], a) => call("np.expandDims", [x, axis(a)]),
    squeeze: ([x], a) => call("np.squeeze", [x, ints(a!.axes!)]),
    concatenate: (xs, a) => call("np.concatenate", [list(xs), axis(a)]),
    // x[.., start:start+size, ..] along the axis
    slice: ([x, start, size], a) => call("np.sliceAxis", [x, axis(a), start, size]),
    take: ([x, idx], a) => call("np.take", [x, idx, axis(a)]),
    scatter_add: ([base, idx, upd], a) => call("np.scatterAdd", [base, idx, upd, axis(a)]),
  };
}

export const tsPrims: Record<Prim, TsLowering> = {
  add: op("+", P.add),
  sub: op("-", P.add),
  mul: op("*", P.mul),
  div: op("/", P.mul),
  rem: op("%", P.mul),
  neg: ([a], _, t) => f32(mk(P.unary, "-", [a, P.unary]), t),
  pow: fn("Math.pow"),
  // only the lowering pass makes fma (after `tsgrad emit` prints): a readable spelling
  fma: fn("np.fma"),
  // The base of ** cannot be a unary expression (`-x ** 2` is a syntax error).
  powi: ([a], attrs, t) => f32(mk(P.pow, [a, P.unary + 1], " ** ", [num(attrs!.exponent!), P.pow]), t),
  sin: fn("Math.sin"), cos: fn("Math.cos"), tan: fn("Math.tan"),
  asin: fn("Math.asin"), acos: fn("Math.acos"), atan: fn("Math.atan"), atan2: fn("Math.atan2"),
  sinh: fn("Math.sinh"), cosh: fn("Math.cosh"), tanh: fn("Math.tanh"),
  asinh: fn("Math.asinh"), acosh: fn("Math.acosh"), atanh: fn("Math.atanh"),
  exp: fn("Math.exp"), expm1: fn("Math.expm1"), log: fn("Math.log"), log1p: fn("Math.log1p"),
  log2: fn("Math.log2"), log10: fn("Math.log10"), sqrt: fn("Math.sqrt"), cbrt: fn("Math.cbrt"),
  hypot: fn("Math.hypot"), abs: fn("Math.abs"),
  sign: fn("Math.sign"), // like the IR's sign, Math.sign keeps ±0 and NaN
  min: fn("Math.min"), max: fn("Math.max"),
  floor: fn("Math.floor"), ceil: fn("Math.ceil"), round: fn("Math.round"),
  rint: fn("np.round"), // half to even
  trunc: fn("Math.trunc"),
  lt: cmp("<", P.rel), le: cmp("<=", P.rel), gt: cmp(">", P.rel), ge: cmp(">=", P.rel),
  eq: (args, a, t, types) => ({ ...cmp("===", P.eq)(args, a, t, types), negated: cmp("!==", P.eq)(args, a, t, types) }),
  ne: (args, a, t, types) => ({ ...cmp("!==", P.eq)(args, a, t, types), negated: cmp("===", P.eq)(args, a, t, types) }),
  and: ([a, b]) => binop("&&", P.and)(a, b),
  or: ([a, b]) => binop("||", P.or)(a, b),
  // Only === / !== flip exactly: !(a < b) is not a >= b when either is NaN.
  not: ([a]) => a.negated ?? mk(P.unary, "!", [a, P.unary]),
  select: ([c, a, b]) => mk(P.cond, [c, P.or], " ? ", [a, P.assign], " : ", [b, P.assign]),
  cast: ([a], attrs, _, [from]) => {
    const to = attrs!.dtype!;
    if (to === from.dtype) return a;
    if (to === "bool") return binop("!==", P.eq)(a, num(0));
    const n = toNumber(a, from);
    if (to === "i32") return from.dtype === "i32" || from.dtype === "bool" ? n : call("Math.trunc", [n]);
    return to === "f32" && from.dtype !== "bool" ? call("Math.fround", [n]) : n; // numbers are f64 already
  },
  stop_gradient: (args) => call("stopGradient", args),
  arr_new: ([n], attrs) => mk(P.call, `new ${ARRAY_CTOR[attrs!.dtype!]}(`, [n, P.assign], ")"),
  arr_get: ([a, i], _, t) => {
    const e = { ...mk(P.call, [a, P.call], "[", [i, P.assign], "]"), readsArray: true };
    return t.dtype === "bool" ? { ...binop("!==", P.eq)(e, num(0)), readsArray: true } : e;
  },
  arr_set: ([a, i, v], _, __, [, , tv]) => mk(P.assign, [a, P.call], "[", [i, P.assign], "] = ", [toNumber(v, tv), P.assign]),
  arr_len: ([a]) => mk(P.call, [a, P.call], ".length"),
  ...arrayPrims(),
};

/** Elementwise primitives on arrays print as the np function of the same meaning. */
export const npElementwise: Record<ElementwisePrim, TsLowering> = {
  add: fn("np.add"), sub: fn("np.subtract"), mul: fn("np.multiply"), div: fn("np.divide"),
  rem: fn("np.remainder"), neg: fn("np.negative"), pow: fn("np.power"), fma: fn("np.fma"),
  powi: ([a], attrs) => call("np.power", [a, num(attrs!.exponent!)]),
  sin: fn("np.sin"), cos: fn("np.cos"), tan: fn("np.tan"),
  asin: fn("np.arcsin"), acos: fn("np.arccos"), atan: fn("np.arctan"), atan2: fn("np.arctan2"),
  sinh: fn("np.sinh"), cosh: fn("np.cosh"), tanh: fn("np.tanh"),
  asinh: fn("np.arcsinh"), acosh: fn("np.arccosh"), atanh: fn("np.arctanh"),
  exp: fn("np.exp"), expm1: fn("np.expm1"), log: fn("np.log"), log1p: fn("np.log1p"),
  log2: fn("np.log2"), log10: fn("np.log10"), sqrt: fn("np.sqrt"), cbrt: fn("np.cbrt"),
  hypot: fn("np.hypot"), abs: fn("np.abs"), sign: fn("np.sign"),
  min: fn("np.minimum"), max: fn("np.maximum"),
  floor: fn("np.floor"), ceil: fn("np.ceil"),
  round: fn("np.roundHalfUp"), // Math.round's rule, elementwise
  rint: fn("np.round"), trunc: fn("np.trunc"),
  lt: fn("np.less"), le: fn("np.lessEqual"), gt: fn("np.greater"), ge: fn("np.greaterEqual"),
  eq: fn("np.equal"), ne: fn("np.notEqual"),
  and: fn("np.logicalAnd"), or: fn("np.logicalOr"), not: fn("np.logicalNot"),
  select: fn("np.where"),
  cast: ([a], attrs) => call("np.astype", [a, str(attrs!.dtype!)]),
  stop_gradient: (args) => call("stopGradient", args),
};
