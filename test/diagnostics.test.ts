// Diagnostics: each bad input pins the exact, ordered list of messages
// (code, file:line:col, text) so message changes are deliberate.

import { describe, expect, test } from "vitest";
import { compileSource, formatDiagnostic, MESSAGES, type Signature } from "../compiler/frontend/index.js";
import { renderDiagnostic } from "../compiler/frontend/diagnostics.js";
import { verifyFunc } from "../compiler/ir/verify.js";

const cases: Record<string, string> = {
  strings: `export function f(x: number) {\n  const s = "a" + x;\n  return x;\n}`,
  classes: `class P { x = 1 }\nexport function f(x: number) {\n  const p = new P();\n  return x;\n}`,
  nested: `export function f(x: number) {\n  let k = 2;\n  const g = (y: number) => y * k;\n  function h(z: number) { return z; }\n  return x;\n}`,
  moduleLet: `let count = 0;\nexport function f(x: number) {\n  count += 1;\n  return x * count;\n}`,
  recursion: `export function fact(n: number): number {\n  if (n <= 1) return 1;\n  return n * fact(n - 1);\n}\nfunction even(n: number): number { return n === 0 ? 1 : odd(n - 1); }\nfunction odd(n: number): number { return n === 0 ? 0 : even(n - 1); }`,
  exceptions: `export function f(x: number) {\n  if (x < 0) throw new Error("neg");\n  try { x = x * 2; } catch (e) { x = 0; }\n  return x;\n}`,
  async: `export async function f(x: number) {\n  const y = await x;\n  return y;\n}`,
  generator: `export function* f(x: number) {\n  yield x;\n  return x;\n}`,
  access: `const cfg = { k: 2 };\nexport function f(x: number, xs: number) {\n  return x * cfg.k + xs[0];\n}`,
  calls: `export function f(x: number) {\n  return foo(x) + Math.random() + np.nanargmax(x, 1) + console.log(x);\n}`,
  params: `export function f(x: number, name: string, flag: boolean, v: number[], { a }: { a: number }, y = 2, ...rest: number[]) {\n  return x;\n}`,
  returns: `export function f(x: number) {\n  if (x > 0) return [x, 1];\n  if (x < -1) return;\n  return x;\n}\nexport function g(x: number) {\n  if (x > 0) return x;\n}\nexport function h(x: number) {\n  x = x + 1;\n}`,
  operators: `export function f(x: number, y: number) {\n  const a = x & 1;\n  const b = x << 2;\n  const c = typeof x;\n  const d = ~x;\n  const e = x ?? y;\n  return x | y;\n}`,
  varDecl: `export function f(x: number) {\n  var y = x * 2;\n  return y;\n}`,
  switchStmt: `export function f(x: number) {\n  switch (x) {\n    case 1: return 2;\n    default: return 3;\n  }\n}`,
  literals: `export function f(x: number) {\n  const v = [x, 2];\n  const o = { x };\n  return x;\n}`,
  labels: `export function f(x: number) {\n  outer: for (let i = 0; i < 3; i++) {\n    for (let j = 0; j < 3; j++) {\n      if (j > x) continue outer;\n    }\n  }\n  return x;\n}`,
  misc: `export function f(x: number, y: number) {\n  for (const v of [1, 2]) x += v;\n  while (x++ < 10) {}\n  const k = 1;\n  k = 2;\n  undefinedThing = 3;\n  return x && y;\n}`,
  arity: `function g(a: number, b: number) { return a + b; }\nexport function f(x: number) {\n  return g(x) + Math.sin(x, 2) + g;\n}`,
  syntax: `export function f(x: number {\n  return x;\n}`,
  jumps: `export function f(x: number) {\n  if (x > 0) break;\n  const m = Math.sin;\n  return x + Math.PI + Math.TAU;\n}`,
  paramReassign: `export function f(x: number, n) {\n  x = x * 2;\n  n += 1;\n  return x + n;\n}`,
  nestedCall: `export function f(x: number) {\n  const sq = (y: number) => y * y;\n  return sq(x);\n}`,
  arrays: `export function f(x, p) {\n  const a = np.matmul(x, x);\n  const s = np.sum(p.W, 2);\n  const t = p.b.shape;\n  const u = p.V;\n  return np.sum(a) + s + u;\n}`,
  branches: `export function f(x: number, v: Float64Array) {\n  let y = 0;\n  if (x > 0) y = v;\n  return y;\n}`,
  partial: `export function ok(x: number) { return x * 2; }\nexport function bad(x: number) { return "no"; }\nexport function usesBad(x: number) { return bad(x) + ok(x); }`,
};

const expected: Record<string, { funcs: string[]; diagnostics: string[] }> = {
  strings: {
    funcs: [],
    diagnostics: [
      "strings.ts:2:13 error TSG1001: string values are not supported in compiled functions; use numbers (encode choices as numeric flags)",
    ],
  },
  classes: {
    funcs: [],
    diagnostics: [
      "classes.ts:3:13 error TSG1002: `new` expressions are not supported; use plain functions over numbers",
    ],
  },
  nested: {
    funcs: [],
    diagnostics: [
      "nested.ts:4:3 error TSG1003: nested function `h` is not supported; write it as an arrow function (`const h = (z) => ...`) or move it to module level",
    ],
  },
  moduleLet: {
    funcs: [],
    diagnostics: [
      "moduleLet.ts:3:3 error TSG1038: assignment to module-level variable `count` (mutable outer state) is not supported; return the new value from the function instead",
    ],
  },
  recursion: {
    funcs: [],
    diagnostics: [
      "recursion.ts:3:14 error TSG1004: recursive call (fact → fact) cannot be inlined; rewrite the recursion as a loop",
      "recursion.ts:5:57 error TSG1004: recursive call (odd → even → odd) cannot be inlined; rewrite the recursion as a loop",
      "recursion.ts:6:56 error TSG1004: recursive call (even → odd → even) cannot be inlined; rewrite the recursion as a loop",
    ],
  },
  exceptions: {
    funcs: [],
    diagnostics: [
      "exceptions.ts:2:14 error TSG1005: `throw` is not supported (exceptions); return NaN or a flag value instead",
      "exceptions.ts:3:3 error TSG1005: `try`/`catch` is not supported (exceptions); return NaN or a flag value instead",
    ],
  },
  async: {
    funcs: [],
    diagnostics: [
      "async.ts:1:8 error TSG1006: `async` function is not supported; compiled functions must be synchronous",
      "async.ts:2:13 error TSG1006: `await` is not supported; compiled functions must be synchronous",
    ],
  },
  generator: {
    funcs: [],
    diagnostics: [
      "generator.ts:1:16 error TSG1007: generator function (`function*`) is not supported; accumulate the values in a loop instead",
      "generator.ts:2:3 error TSG1007: `yield` is not supported; accumulate the values in a loop instead",
    ],
  },
  access: {
    funcs: [],
    diagnostics: [
      "access.ts:3:22 error TSG1032: `xs[0]` is not available on a scalar (f64); only arrays, lists and objects can be indexed",
    ],
  },
  calls: {
    funcs: [],
    diagnostics: [
      "calls.ts:2:10 error TSG1009: call to unknown function `foo`; only functions declared at the top level of this module, `Math.*`, `np.*` and `stopGradient` can be called",
      "calls.ts:2:19 error TSG1010: `Math.random` is not supported; random numbers make the function non-deterministic; pass random values in as parameters (or use tsgrad's random keys)",
      "calls.ts:2:35 error TSG1010: `np.nanargmax` is not supported; did you mean `np.argmax`? supported members of np: sin, cos, tan, arcsin, arccos, arctan, arctan2, sinh, cosh, tanh, arcsinh, arccosh, arctanh, exp, expm1, log, log1p, log2, log10, sqrt, cbrt, abs, absolute, fabs, sign, floor, ceil, round, around, rint, trunc, fix, power, square, hypot, maximum, minimum, fmax, fmin, where, negative, add, subtract, multiply, divide, true_divide, clip, array, stack, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye, sum, prod, max, amax, min, amin, mean, argmax, argmin, dot, matmul, vdot, outer, transpose, reshape, ravel, expandDims, squeeze, concatenate, take, logaddexp, sigmoid, softplus, logsumexp, size, shape, ndim, zeros_like, ones_like, full_like, expand_dims, asarray, pi, e, inf, nan, euler_gamma",
      "calls.ts:2:56 error TSG1008: property access `console.log` is not supported; only `Math.*` and `np.*` members and entries of parameters and locals (`params.W`, `x.shape`) can be read",
    ],
  },
  params: {
    funcs: [],
    diagnostics: [
      "params.ts:1:36 error TSG1012: parameter `name` has type `string`, which cannot hold numbers; pass numbers, arrays, or lists/objects of them",
      "params.ts:1:98 error TSG1023: default parameter values are not supported; use plain `name: number` parameters",
      "params.ts:1:101 error TSG1023: rest parameters (`...xs`) are not supported; use plain `name: number` parameters",
    ],
  },
  returns: {
    funcs: [],
    diagnostics: [
      "returns.ts:3:15 error TSG1041: `return` without a value; return a number or a tuple `[a, b]`",
      "returns.ts:4:10 error TSG1013: this return yields 1 value(s) but the function's first return yields 2; every return must yield the same number of values",
      "returns.ts:6:17 error TSG1040: function `g` can reach its end without returning a value; add a final `return`",
      "returns.ts:9:17 error TSG1042: function `h` never returns a value; return a number or a tuple `[a, b]`",
    ],
  },
  operators: {
    funcs: [],
    diagnostics: [
      "operators.ts:2:15 error TSG1014: operator `&` is not supported; compiled functions work on floating-point numbers; use arithmetic (`Math.floor(x / 2)` instead of `x >> 1`)",
      "operators.ts:3:15 error TSG1014: operator `<<` is not supported; compiled functions work on floating-point numbers; use arithmetic (`Math.floor(x / 2)` instead of `x >> 1`)",
      "operators.ts:4:13 error TSG1014: operator `typeof` is not supported; values are always numbers or booleans here",
      "operators.ts:5:13 error TSG1014: operator `~` is not supported; compiled functions work on floating-point numbers; use arithmetic (`Math.floor(x / 2)` instead of `x >> 1`)",
      "operators.ts:6:15 error TSG1014: operator `??` is not supported; values are never null here; use the left operand",
      "operators.ts:7:12 error TSG1014: operator `|` is not supported; compiled functions work on floating-point numbers; use arithmetic (`Math.floor(x / 2)` instead of `x >> 1`)",
    ],
  },
  varDecl: {
    funcs: [],
    diagnostics: [
      "varDecl.ts:2:3 error TSG1015: `var` declarations are not supported; use `let` or `const`",
    ],
  },
  switchStmt: {
    funcs: [],
    diagnostics: [
      "switchStmt.ts:2:3 error TSG1016: `switch` statements are not supported; use `if` / `else if`",
    ],
  },
  literals: {
    funcs: ["f"],
    diagnostics: [
    ],
  },
  labels: {
    funcs: [],
    diagnostics: [
      "labels.ts:2:3 error TSG1018: labelled statements and labelled `break`/`continue` are not supported; use a flag variable to leave outer loops",
      "labels.ts:4:18 error TSG1018: labelled statements and labelled `break`/`continue` are not supported; use a flag variable to leave outer loops",
    ],
  },
  misc: {
    funcs: [],
    diagnostics: [
      "misc.ts:3:10 error TSG1026: assignment inside a loop condition is not supported; move the update into the loop body",
      "misc.ts:5:3 error TSG1022: cannot assign to `k`; declare it with `let` to reassign it",
      "misc.ts:6:3 error TSG1021: unknown identifier `undefinedThing`; declare it as a parameter, a local, or a module-level `const`",
      "misc.ts:7:12 error TSG1025: `&&` on numbers returns one of its operands; compare explicitly (`x !== 0 && y !== 0`) or use a ternary",
    ],
  },
  arity: {
    funcs: ["g"],
    diagnostics: [
      "arity.ts:3:10 error TSG1020: `g` expects 2 argument(s), got 1; pass exactly 2",
      "arity.ts:3:17 error TSG1020: `Math.sin` expects 1 argument(s), got 2; pass exactly 1",
      "arity.ts:3:34 error TSG1019: unsupported syntax function `g` used as a value; call it: `g(...)`",
    ],
  },
  syntax: {
    funcs: [],
    diagnostics: [
      "syntax.ts:1:29 error TSG1000: syntax error: ',' expected.",
    ],
  },
  jumps: {
    funcs: [],
    diagnostics: [
      "jumps.ts:2:14 error TSG1027: `break` outside of a loop; remove it or restructure with `if`",
      "jumps.ts:3:13 error TSG1010: `Math.sin` is not supported; it is a function; call it: `Math.sin(x)`",
      "jumps.ts:4:24 error TSG1010: `Math.TAU` is not supported; supported members of Math: sin, cos, tan, asin, acos, atan, atan2, sinh, cosh, tanh, asinh, acosh, atanh, exp, expm1, log, log1p, log2, log10, sqrt, cbrt, pow, hypot, abs, sign, min, max, floor, ceil, round, trunc, PI, E, LN2, LN10, LOG2E, LOG10E, SQRT2, SQRT1_2",
    ],
  },
  paramReassign: {
    funcs: ["f"],
    diagnostics: [
    ],
  },
  nestedCall: {
    funcs: ["f"],
    diagnostics: [],
  },
  arrays: {
    funcs: [],
    diagnostics: [
      "arrays.ts:2:13 error TSG1030: `np.matmul` supports arrays of rank 1 and 2, got rank 3",
      "arrays.ts:3:13 error TSG1031: axis 2 is out of range for an array of rank 2; use an axis in [-2, 1]",
      "arrays.ts:4:13 error TSG1032: `p.b.shape` is not available on a scalar (f64); scalars have no members; array attributes are `.shape`, `.ndim`, `.size`, `.length`, `.T`",
      "arrays.ts:5:13 error TSG1033: no entry `V` in an object {W, b}; check the key or index against the value passed in",
    ],
  },
  branches: {
    funcs: [],
    diagnostics: [
      "branches.ts:3:3 error TSG1028: `y` is rank 1 on one path and rank 0 on another (a branch or a loop iteration); give it its final shape up front (e.g. `np.zeros(...)`)",
    ],
  },
  partial: {
    funcs: ["ok"],
    diagnostics: [
      "partial.ts:2:41 error TSG1001: string values are not supported in compiled functions; use numbers (encode choices as numeric flags)",
    ],
  },
};

// Cases whose functions get call signatures (as the runtime passes them).
const leaf = (dtype: "f64" | "f32" | "i32" | "bool", rank: number) => ({ kind: "leaf" as const, type: { dtype, rank } });
const signatures: Record<string, Record<string, Signature>> = {
  arrays: { f: { params: [leaf("f64", 3), { kind: "dict", keys: ["W", "b"], items: [leaf("f64", 2), leaf("f64", 0)] }] } },
};

describe("diagnostics", () => {
  for (const [name, src] of Object.entries(cases)) {
    test(name, () => {
      const r = compileSource(src, { fileName: `${name}.ts`, signatures: signatures[name] });
      if (process.env.PRINT_DIAGS) console.log(name, JSON.stringify(r.diagnostics.map(formatDiagnostic), null, 2));
      expect(r.diagnostics.map(formatDiagnostic)).toEqual(expected[name].diagnostics);
      expect([...r.funcs.keys()]).toEqual(expected[name].funcs);
      for (const f of r.funcs.values()) verifyFunc(f);
    });
  }

  test("diagnostic shape and format", () => {
    const r = compileSource("export function f(x: number) {\n  return x ^ 2;\n}", { fileName: "src/model.ts" });
    expect(r.diagnostics).toEqual([
      {
        code: "TSG1014",
        file: "src/model.ts",
        line: 2,
        col: 12,
        endLine: 2,
        endCol: 13,
        message: "operator `^` is not supported; compiled functions work on floating-point numbers; use arithmetic (`Math.floor(x / 2)` instead of `x >> 1`)",
      },
    ]);
  });

  test("every code is TSG + 4 digits and every template says something", () => {
    for (const m of Object.values(MESSAGES)) expect(m.code).toMatch(/^TSG\d{4}$/);
  });

  test("every message has its own code", () => {
    const codes = Object.values(MESSAGES).map((m) => m.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  test("a range is printed under its source line (the terminal form)", () => {
    const src = "export function f(x: number) {\n  return x ^ 2;\n}";
    const [d] = compileSource(src, { fileName: "src/model.ts" }).diagnostics;
    expect(renderDiagnostic(d, src).split("\n").slice(1)).toEqual([" 2 |   return x ^ 2;", "   |            ^"]);
    const [m] = compileSource("export function f(x: number) {\n  return Math.sqr(x);\n}").diagnostics;
    expect(m.message).toContain("did you mean `Math.sqrt`?");
    expect([m.line, m.col, m.endLine, m.endCol]).toEqual([2, 10, 2, 18]);
    expect(renderDiagnostic(m, "export function f(x: number) {\n  return Math.sqr(x);\n}").split("\n")[2]).toBe("   |          ^~~~~~~~");
  });
});
