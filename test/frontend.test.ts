// Front end: every program is compiled to IR, verified, run in the reference
// interpreter, and compared with the same TypeScript run as plain JS.

import { ts } from "ts-morph";
import { describe, expect, test } from "vitest";
import { compileFunctionSource, compileSource, formatDiagnostic, TsgradError } from "../compiler/frontend/index.js";
import { interpret } from "../compiler/ir/interp.js";
import { printFunc } from "../compiler/ir/print.js";
import type { Func } from "../compiler/ir/syntax.js";
import { verifyFunc } from "../compiler/ir/verify.js";

// Stand-ins for the runtime's imports, so the JS side of each program runs too.
const np = {
  sin: Math.sin, cos: Math.cos, tan: Math.tan, arcsin: Math.asin, arccos: Math.acos, arctan: Math.atan, arctan2: Math.atan2,
  sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh, arcsinh: Math.asinh, arccosh: Math.acosh, arctanh: Math.atanh,
  exp: Math.exp, expm1: Math.expm1, log: Math.log, log1p: Math.log1p, log2: Math.log2, log10: Math.log10, sqrt: Math.sqrt,
  cbrt: Math.cbrt, abs: Math.abs, sign: Math.sign, floor: Math.floor, ceil: Math.ceil, trunc: Math.trunc,
  round: (x: number) => {
    const r = Math.round(x);
    return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  power: Math.pow, square: (x: number) => x * x, maximum: Math.max, minimum: Math.min,
  where: (c: unknown, a: number, b: number) => (c ? a : b), negative: (x: number) => -x,
  add: (a: number, b: number) => a + b, subtract: (a: number, b: number) => a - b,
  multiply: (a: number, b: number) => a * b, divide: (a: number, b: number) => a / b,
  pi: Math.PI, e: Math.E,
};
const stopGradient = (x: number) => x;

/** Runs the module as JS and returns its top-level functions by name. */
function runAsJs(source: string, names: string[]): Record<string, (...a: number[]) => unknown> {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const body = `${js}\nreturn { ${names.join(", ")} };`;
  return new Function("exports", "require", "np", "stopGradient", body)({}, () => ({ np, stopGradient }), np, stopGradient);
}

function compileOk(source: string): Map<string, Func> {
  const r = compileSource(source);
  expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
  for (const f of r.funcs.values()) verifyFunc(f);
  return r.funcs;
}

function close(got: number, want: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want));
}

/** Compiles `source`, then checks each named function on each argument list against plain JS. */
function check(source: string, cases: Record<string, number[][]>): Map<string, Func> {
  const funcs = compileOk(source);
  const js = runAsJs(source, Object.keys(cases));
  for (const [name, argLists] of Object.entries(cases)) {
    const f = funcs.get(name);
    expect(f, name).toBeDefined();
    for (const args of argLists) {
      const want = js[name](...args);
      const got = interpret(f!, args) as number[];
      const wantList = Array.isArray(want) ? (want as number[]) : [Number(want)];
      const ok = got.length === wantList.length && got.every((g, k) => close(g, wantList[k]));
      expect(ok, `${name}(${args.join(", ")}): got [${got}], want [${wantList}]\n${printFunc(f!)}`).toBe(true);
    }
  }
  return funcs;
}

const grid = (xs: number[], ns: number[]) => xs.flatMap((x) => ns.map((n) => [x, n]));

describe("straight-line code", () => {
  test("polynomial, ** with integer exponents, %", () => {
    const funcs = check(
      `
      export const poly = (x: number) => x ** 3 + 2 * x ** 2 - 3 * x + 1;
      export function inv(x: number) { return x ** -1 + x ** -2 + x ** 0.5 + 2 ** x; }
      export function mod(x: number, y: number) { return x % y + (-x) % 3; }
      export function unary(x: number) { return -x + +x - -(-x); }
      `,
      { poly: [[0], [1.5], [-2]], inv: [[0.5], [2], [3.25]], mod: [[7.5, 2], [-7.5, 2], [3, -0.7]], unary: [[2], [-3.5]] },
    );
    const ir = printFunc(funcs.get("poly")!);
    expect(ir).toContain("powi<3>(x)");
    expect(ir).toContain("powi<2>(x)");
    expect(printFunc(funcs.get("inv")!)).toContain("powi<-1>(x)");
  });

  test("let, reassignment, compound assignment, ++/--", () => {
    check(
      `
      export function f(x: number, y: number) {
        let a = x;
        a += y; a -= 1; a *= x; a /= 2; a %= 7; a **= 2;
        let b = 0;
        b++; ++b; b--;
        const c = b++ + ++b;
        let d;
        d = a + c;
        x = x * 3;
        return d + x + b;
      }
      `,
      { f: [[1, 2], [-3, 0.5], [2.5, 4]] },
    );
  });

  test("Math.* functions and constants", () => {
    check(
      `
      export function trig(x: number) {
        return Math.sin(x) + Math.cos(x) + Math.tan(x) + Math.atan(x) + Math.sinh(x) + Math.cosh(x) + Math.tanh(x) + Math.asinh(x) + Math.atan2(x, 2);
      }
      export function inv(x: number) { return Math.asin(x) + Math.acos(x) + Math.atanh(x) + Math.acosh(x + 2); }
      export function expo(x: number) {
        return Math.exp(x) + Math.expm1(x) + Math.log(x) + Math.log1p(x) + Math.log2(x) + Math.log10(x) + Math.sqrt(x) + Math.cbrt(-x) + Math.pow(x, 3) + Math.pow(x, 0.3);
      }
      export function misc(x: number, y: number) {
        return Math.abs(x) + Math.sign(x) + Math.min(x, y, 1) + Math.max(x, y, -1) + Math.floor(x) + Math.ceil(x) + Math.round(x) + Math.trunc(x)
          + Math.hypot(x, y, 2) + Math.hypot(x) + Math.min() * 0 + Math.PI + Math.E + Math.LN2 + Math.LN10 + Math.SQRT2 + Math.SQRT1_2 + Math.LOG2E;
      }
      `,
      { trig: [[0.3], [-1.2]], inv: [[0.25], [-0.5]], expo: [[0.5], [2]], misc: [[2.5, -1], [-2.5, 3], [0.49, 0.51]] },
    );
  });

  test("np.* functions and stopGradient", () => {
    const funcs = check(
      `
      import { np, stopGradient } from "tsgrad";
      export function f(x: number, y: number) {
        return np.sin(x) + np.arcsin(x / 4) + np.arctan2(x, y) + np.arccosh(y * y + 1) + np.arcsinh(x) + np.arctanh(x / 4)
          + np.exp(x) + np.log1p(y * y) + np.sqrt(y * y) + np.cbrt(x) + np.abs(x) + np.sign(y) + np.round(x) + np.round(2.5)
          + np.power(x, 2) + np.power(y, x) + np.square(x) + np.maximum(x, y) + np.minimum(x, y) + np.where(x > y, x, y * 2)
          + np.negative(x) + np.add(x, y) + np.subtract(x, y) + np.multiply(x, y) + np.divide(x, y) + np.pi + np.e
          + np.floor(x) + np.ceil(y) + np.trunc(x) + np.tanh(y) + np.log(y * y) + np.log2(3) + np.log10(y * y) + np.expm1(x);
      }
      export function g(x: number) { return stopGradient(x * x) + x; }
      `,
      { f: [[0.5, 2], [-1.5, 0.7], [2.5, -3]], g: [[3]] },
    );
    expect(printFunc(funcs.get("f")!)).toContain("rint(");
    expect(printFunc(funcs.get("g")!)).toContain("stop_gradient(");
  });

  test("ternaries, comparisons, booleans", () => {
    const funcs = check(
      `
      export function f(x: number, y: number) {
        const big = x > 1 && y <= 2;
        let flag = false;
        if (!big || x === y) flag = true;
        const z = big ? x * 2 : y - 1;
        const w = x !== 0 ? 1 / x : 0;
        return z + w + (flag ? 1 : 0) + (x >= y ? 1 : 2) + (x < y ? 3 : 4) + (x != y ? 5 : 6) + (x == y ? 7 : 8);
      }
      export function g(x: number) { return (x > 0) + (x > 1) * 2; }
      export function h(x: number) { if (x) { return 1; } return 2; }
      `,
      { f: [[2, 1], [0, 3], [3, 3], [1.5, 1.5]], g: [[0.5], [2], [-1]], h: [[0], [3], [-0.5]] },
    );
    // The ternary is an `if`, so only one side is evaluated.
    expect(printFunc(funcs.get("f")!)).toMatch(/= if /);
  });
});

describe("loops", () => {
  test("counted for loops with runtime bounds", () => {
    const funcs = check(
      `
      export function sum(x: number, n: number) { let s = 0; for (let i = 0; i < n; i++) { s += x * i; } return s; }
      export function sumLe(x: number, n: number) { let s = 0; for (let i = 1; i <= n; i += 1) s = s + x / i; return s; }
      export function down(x: number, n: number) { let s = 0; for (let i = 10; i >= n; i--) s += i * x; return s; }
      export function downGt(x: number, n: number) { let s = 1; for (let i = 5; n < i; --i) s *= x + i; return s; }
      export function parity(x: number, n: number) { let s = 0; for (let i = 0; i < n; i++) { if (i % 2 === 0) s += x; else s -= i; } return s; }
      `,
      {
        sum: grid([0.5, -2], [0, 1, 4, 3.5, -2, NaN]),
        sumLe: grid([1.5], [0, 1, 4, 3.5]),
        down: grid([2], [0, 3.5, 10, 11, -1.5]),
        downGt: grid([0.5], [0, 3.5, 5, 7, -1]),
        parity: grid([1.25], [0, 5, 6.5]),
      },
    );
    const ir = printFunc(funcs.get("sum")!);
    expect(ir).toMatch(/for i in 0:i32\.\.t_\d+ carry \(s: f64 = 0\.0\)/);
    expect(ir).not.toContain("while");
    expect(printFunc(funcs.get("down")!)).toContain(" rev ");
  });

  test("nested loops, branches inside loops, reassigned variables", () => {
    check(
      `
      export function nested(x: number, n: number) {
        let s = 0;
        let t = x;
        for (let i = 0; i < n; i++) {
          for (let j = 0; j <= i; j++) {
            if (j % 3 === 1) { s += t * j; } else if (i > j) { t = t * 0.5 + 1; } else { s -= 1; }
          }
          x = x + s / 10;
        }
        return s + t + x;
      }
      `,
      { nested: grid([0.3, 2], [0, 1, 5, 7.2]) },
    );
  });

  test("while, break, continue, do-while, non-unit steps", () => {
    check(
      `
      export function collatz(x: number, n: number) {
        let steps = 0;
        let v = Math.floor(Math.abs(x)) + 1;
        while (v !== 1) {
          if (steps >= n) break;
          v = v % 2 === 0 ? v / 2 : 3 * v + 1;
          steps++;
        }
        return steps + v / 1000;
      }
      export function skip(x: number, n: number) {
        let s = 0;
        let i = 0;
        while (i < n) {
          i++;
          if (i % 3 === 0) continue;
          s += x * i;
          if (s > 50) break;
        }
        return s;
      }
      export function forBreakContinue(x: number, n: number) {
        let s = 0;
        for (let i = 0; i < n; i++) {
          if (i === 2) continue;
          if (s > x) break;
          s += i;
        }
        return s;
      }
      export function step2(x: number, n: number) { let s = 0; for (let i = 0; i < n; i += 2) s += x + i; return s; }
      export function floatCounter(x: number, n: number) { let s = 0; for (let i = n; i > 0; i--) s += x * i; return s; }
      export function doWhile(x: number, n: number) { let k = 0; do { x = x * 2; k++; } while (x < n); return x + k; }
      export function forever(x: number, n: number) { let s = 0; for (;;) { s += x; if (s > n) break; } return s; }
      `,
      {
        collatz: grid([5, 26.5, 0], [0, 3, 100]),
        skip: grid([1, 4], [0, 5, 20]),
        forBreakContinue: grid([3, 100], [0, 2, 5, 10]),
        step2: grid([1.5], [0, 5, 6, 5.5]),
        floatCounter: grid([1], [0, 3, 2.5]),
        doWhile: grid([1, 20], [0, 10, 50]),
        forever: grid([1.5, 3], [0, 10]),
      },
    );
  });

  test("early return inside loops and branches", () => {
    const funcs = check(
      `
      export function firstAbove(x: number, n: number) {
        for (let i = 0; i < n; i++) { if (i * i > x) return i; }
        return -1;
      }
      export function search(x: number, n: number) {
        let acc = 0;
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            acc += i * j;
            if (acc > x) { return acc + j; }
          }
          if (i > 100) return -2;
        }
        return acc;
      }
      export function whileRet(x: number) {
        let y = x;
        while (true) {
          y = y * 1.5 + 1;
          if (y > 100) return y;
          if (y < -100) { return -y; }
        }
      }
      export function branches(x: number) {
        if (x < 0) { return -x; } else if (x < 1) { return x * x; }
        const y = x * 3;
        if (y > 10) return y;
        return y + 1;
      }
      `,
      {
        firstAbove: grid([0, 5, 80.5], [0, 3, 20]),
        search: grid([0, 7, 30, 1e6], [0, 2, 5]),
        whileRet: [[1], [50], [-3]],
        branches: [[-2], [0.5], [2], [5]],
      },
    );
    // early returns in straight-line branches need no flag
    expect(printFunc(funcs.get("branches")!)).not.toContain("returned");
  });
});

describe("calls, captures, tuples", () => {
  test("inlining module functions (declarations and arrows), early returns in callees", () => {
    const funcs = check(
      `
      const sq = (x: number) => x * x;
      function clampPos(x: number) { if (x < 0) return 0; return x; }
      function sumTo(n: number, x: number) { let s = 0; for (let i = 0; i < n; i++) { if (i > 5) return s; s += sq(x + i); } return s; }
      export function f(x: number, n: number) { return sq(x) + clampPos(x - 1) + sumTo(n, x) + sq(sq(x)); }
      `,
      { f: grid([0.5, -2, 3], [0, 3, 10]), sumTo: grid([0, 4, 9], [1.5]) },
    );
    expect(printFunc(funcs.get("f")!)).not.toContain("call");
  });

  test("module constants are folded; other module values are captured", () => {
    const src = `
      const N = 4;
      const TWO_PI = 2 * Math.PI;
      const HALF = N / 8;
      let scale = 2;
      const data = [1, 2, 3];
      export function f(x: number) { return x * N + TWO_PI * HALF + scale; }
      export const g = (x: number) => f(x) * scale;
    `;
    const r = compileSource(src);
    expect(r.diagnostics).toEqual([]);
    const f = r.funcs.get("f")!;
    verifyFunc(f);
    expect(f.params.map((p) => p.name)).toEqual(["x", "scale"]);
    expect(r.captures.get("f")).toEqual(["scale"]);
    expect(r.captures.get("g")).toEqual(["scale"]);
    expect(interpret(f, [3, 2])).toEqual([3 * 4 + 2 * Math.PI * 0.5 + 2]);
    expect(interpret(r.funcs.get("g")!, [3, 5])).toEqual([(3 * 4 + Math.PI + 5) * 5]);
  });

  test("tuple returns and destructuring", () => {
    check(
      `
      function polar(x: number, y: number) { return [Math.hypot(x, y), Math.atan2(y, x)]; }
      export function both(x: number, y: number) {
        const [r, t] = polar(x, y);
        let a = 0, b = 0;
        [a, b] = [t, r];
        if (x > 0) return [r + a, t * b];
        return [0, x > y ? r : t];
      }
      `,
      { both: [[1, 2], [-1, 0.5], [-1, -3]], polar: [[3, 4]] },
    );
  });

  test("compiles quickly once warm", () => {
    const src = `export function f(x: number, n: number) { let s = 0; for (let i = 0; i < n; i++) { if (i > x) break; s += Math.sin(x * i); } return s; }`;
    compileSource(src);
    const t0 = performance.now();
    for (let k = 0; k < 10; k++) compileSource(src);
    expect((performance.now() - t0) / 10).toBeLessThan(50);
  });
});

describe("compileFunctionSource", () => {
  test("arrow from Function.prototype.toString()", () => {
    const fn = (x: number) => x ** 3 + 2 * x ** 2 - 3 * x + 1;
    const f = compileFunctionSource(fn.toString());
    verifyFunc(f);
    for (const x of [0, 1.5, -2]) expect(interpret(f, [x])[0]).toBeCloseTo(fn(x), 12);
    expect(printFunc(f)).toContain("powi<3>");
  });

  test("function expression with loops", () => {
    const src = "function f(x, n) {\n  let s = 0;\n  for (let i = 0; i < n; i++) s += x ** i;\n  return s;\n}";
    const f = compileFunctionSource(src);
    verifyFunc(f);
    expect(f.name).toBe("f");
    expect(interpret(f, [2, 4])).toEqual([15]);
    const anon = compileFunctionSource("function (x) { return Math.exp(x); }");
    expect(interpret(anon, [0])).toEqual([1]);
  });

  test("free variables are named in the error", () => {
    let err: unknown;
    try {
      compileFunctionSource("(x) => x * scale + offset(x)");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TsgradError);
    const e = err as TsgradError;
    expect(e.diagnostics.map((d) => d.code)).toEqual(["TSG1011", "TSG1011"]);
    expect(e.message).toContain("`scale`");
    expect(e.message).toContain("`offset`");
    expect(e.message).toContain("use `tsgrad run` or the build step so module-level values can be captured");
    expect(e.diagnostics.map(formatDiagnostic)).toEqual([
      "<function>:1:12 error TSG1011: free variable `scale` cannot be resolved from the function's text alone; use `tsgrad run` or the build step so module-level values can be captured",
      "<function>:1:20 error TSG1011: free variable `offset` cannot be resolved from the function's text alone; use `tsgrad run` or the build step so module-level values can be captured",
    ]);
  });
});
