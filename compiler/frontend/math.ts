// The `Math.*` and `np.*` members the front end understands, mapped to IR
// primitives. Anything missing here is a TSG1010 diagnostic, never a guess
// (the diagnostic may suggest the nearest names).

import type { Prim } from "../ir/syntax.js";

export type MathFn =
  | { kind: "unary"; prim: Prim }
  | { kind: "binary"; prim: Prim }
  | { kind: "chain"; prim: Prim; empty: number; one: "id" | "abs" } // variadic min/max/hypot
  | { kind: "pow" } // `**` rules: integer-literal exponents become `powi`
  | { kind: "square" }
  | { kind: "where" }; // np.where(c, a, b) → select (both sides evaluated)

const u = (prim: Prim): MathFn => ({ kind: "unary", prim });
const bin = (prim: Prim): MathFn => ({ kind: "binary", prim });

export const MATH_FUNCS: Record<string, MathFn> = {
  sin: u("sin"), cos: u("cos"), tan: u("tan"), asin: u("asin"), acos: u("acos"), atan: u("atan"),
  atan2: bin("atan2"), sinh: u("sinh"), cosh: u("cosh"), tanh: u("tanh"), asinh: u("asinh"),
  acosh: u("acosh"), atanh: u("atanh"), exp: u("exp"), expm1: u("expm1"), log: u("log"),
  log1p: u("log1p"), log2: u("log2"), log10: u("log10"), sqrt: u("sqrt"), cbrt: u("cbrt"),
  pow: { kind: "pow" },
  hypot: { kind: "chain", prim: "hypot", empty: 0, one: "abs" },
  abs: u("abs"), sign: u("sign"),
  min: { kind: "chain", prim: "min", empty: Infinity, one: "id" },
  max: { kind: "chain", prim: "max", empty: -Infinity, one: "id" },
  floor: u("floor"), ceil: u("ceil"), round: u("round"), trunc: u("trunc"),
};

export const NP_FUNCS: Record<string, MathFn> = {
  sin: u("sin"), cos: u("cos"), tan: u("tan"), arcsin: u("asin"), arccos: u("acos"), arctan: u("atan"),
  arctan2: bin("atan2"), sinh: u("sinh"), cosh: u("cosh"), tanh: u("tanh"), arcsinh: u("asinh"),
  arccosh: u("acosh"), arctanh: u("atanh"), exp: u("exp"), expm1: u("expm1"), log: u("log"),
  log1p: u("log1p"), log2: u("log2"), log10: u("log10"), sqrt: u("sqrt"), cbrt: u("cbrt"),
  abs: u("abs"), absolute: u("abs"), fabs: u("abs"), sign: u("sign"), floor: u("floor"), ceil: u("ceil"),
  round: u("rint"), around: u("rint"), rint: u("rint"), trunc: u("trunc"), fix: u("trunc"),
  power: { kind: "pow" }, square: { kind: "square" }, hypot: bin("hypot"),
  maximum: bin("max"), minimum: bin("min"), fmax: bin("max"), fmin: bin("min"),
  where: { kind: "where" }, negative: u("neg"),
  add: bin("add"), subtract: bin("sub"), multiply: bin("mul"), divide: bin("div"), true_divide: bin("div"),
};

export const MATH_CONSTS: Record<string, number> = {
  PI: Math.PI, E: Math.E, LN2: Math.LN2, LN10: Math.LN10, LOG2E: Math.LOG2E, LOG10E: Math.LOG10E,
  SQRT2: Math.SQRT2, SQRT1_2: Math.SQRT1_2,
};

export const NP_CONSTS: Record<string, number> = { pi: Math.PI, e: Math.E, inf: Infinity, nan: NaN, euler_gamma: 0.5772156649015329 };

/** What to write instead, for members users plausibly reach for: the nearest names first ("did you mean"). */
export function memberHint(ns: "Math" | "np", member: string, more: string[] = []): string {
  if (member === "random") return "random numbers make the function non-deterministic; pass random values in as parameters (or use tsgrad's random keys)";
  if (ns === "Math" && (member === "clz32" || member === "imul" || member === "fround"))
    return "integer/bit-level and float32 operations are not differentiable numeric code; use floating-point arithmetic";
  const consts = Object.keys(ns === "Math" ? MATH_CONSTS : NP_CONSTS);
  const names = [...new Set([...Object.keys(ns === "Math" ? MATH_FUNCS : NP_FUNCS), ...more])].concat(consts);
  const near = suggestions(member, /^[A-Z0-9_]+$/.test(member) ? consts : names);
  const guess = near.length ? `did you mean ${near.map((n) => `\`${ns}.${n}\``).join(" or ")}? ` : "";
  return `${guess}supported members of ${ns}: ${names.join(", ")}`;
}

/** Up to two names within a small edit distance of `name` (about a third of its length), nearest first. */
export function suggestions(name: string, candidates: string[]): string[] {
  const limit = Math.max(1, Math.floor(name.length / 3));
  return candidates
    .map((c) => ({ c, d: editDistance(name.toLowerCase(), c.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d)
    .slice(0, 2)
    .map((x) => x.c);
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}
