import { describe, expect, it } from "vitest";
import { compileJs, emitJs } from "../compiler/backends/js/index.js";
import { jsPrims } from "../compiler/backends/js/prims.js";
import { analyzeOwnership, inPlaceSets, needsCopyAtLoopEntry, type LoopStmt } from "../compiler/backends/ownership.js";
import { Builder } from "../compiler/ir/builder.js";
import { interpret, type Value } from "../compiler/ir/interp.js";
import { typeRules } from "../compiler/ir/prims.js";
import type { Atom, Attrs, DType, Func, Prim, Stmt, Type, Var } from "../compiler/ir/syntax.js";
import { PRIMS, arrayOf, bool, f32, f64, i32, isArrayPrim, lit, scalar } from "../compiler/ir/syntax.js";
import { verifyFunc } from "../compiler/ir/verify.js";

// ---- helpers ---------------------------------------------------------------------------

function func(name: string, params: Var[], b: Builder, results: Atom[]): Func {
  const f: Func = { name, params, body: { stmts: b.stmts, results } };
  verifyFunc(f);
  return f;
}

function forLoop(b: Builder, lo: Atom, hi: Atom, inits: Atom[], body: (i: Var, c: Var[]) => Atom[], reverse = false): Var[] {
  const index = b.fresh("i", i32);
  const carried = inits.map((a) => b.fresh("c", a.type));
  const blk = b.block(() => body(index, carried));
  const outs = inits.map((a) => b.fresh("o", a.type));
  b.emit({ kind: "for", outs, index, lo, hi, reverse, carried, inits, body: blk });
  return outs;
}

function whileLoop(b: Builder, inits: Atom[], cond: (c: Var[]) => Atom, body: (c: Var[]) => Atom[]): Var[] {
  const carried = inits.map((a) => b.fresh("w", a.type));
  const condBlk = b.block(() => [cond(carried)]);
  const blk = b.block(() => body(carried));
  const outs = inits.map((a) => b.fresh("o", a.type));
  b.emit({ kind: "while", outs, carried, inits, cond: condBlk, body: blk });
  return outs;
}

function ifElse(b: Builder, c: Atom, types: Type[], then: () => Atom[], els: () => Atom[]): Var[] {
  const t = b.block(then);
  const e = b.block(els);
  const outs = types.map((ty) => b.fresh("r", ty));
  b.emit({ kind: "if", outs, cond: c, then: t, else: e });
  return outs;
}

const clone = (xs: Value[]) => xs.map((x) => (typeof x === "number" ? x : x.slice()));

function same(got: Value, want: Value): boolean {
  if (typeof want === "number") return Object.is(got, want);
  if (typeof got === "number" || got.constructor !== want.constructor || got.length !== want.length) return false;
  return want.every((x, k) => Object.is(got[k], x));
}

/** compileJs(f) must agree exactly with interpret(f) and leave array arguments untouched. */
function check(f: Func, ...argSets: Value[][]): void {
  const js = compileJs(f);
  for (const args of argSets) {
    const want = interpret(f, clone(args));
    const mine = clone(args);
    const got = js(...mine);
    expect(got.length).toBe(want.length);
    want.forEach((w, k) => {
      if (!same(got[k], w)) throw new Error(`${f.name}(${args.join(", ")}) result ${k}: got ${String(got[k])}, want ${String(w)}\n${emitJs(f)}`);
    });
    mine.forEach((x, k) => expect(same(x, args[k])).toBe(true));
  }
}

// ---- every primitive -----------------------------------------------------------------

const SPECIAL = [0, -0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 3.7, -3.7, 0.1, 1e300, -1e-300, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1, 2147483647, 7, -7];
const FEW = [0, -0, 1, -1, 2.5, -3.7, 0.1, NaN, Infinity, -Infinity, 2147483647, -(2 ** 31), 3, -2];
const unary = SPECIAL.map((x) => [x]);
const binary = FEW.flatMap((x) => FEW.map((y) => [x, y]));
const ternary = [0, 1].flatMap((c) => binary.slice(0, 40).map(([x, y]) => [c, x, y]));

interface ScalarCase {
  readonly inputs: number[][];
  readonly attrs?: Attrs[];
}
/** An array primitive's cases: functions and their arguments. */
type ArrayCase = () => [Func, Value[][]][];

function arrayProgram(dtype: DType): [Func, Value[][]] {
  const b = new Builder();
  const n = b.fresh("n", i32);
  const x = b.fresh("x", scalar(dtype));
  const k = b.fresh("k", i32);
  const a = b.prim("arr_new", [n], { dtype });
  const a2 = b.prim("arr_set", [a, k, x]);
  const len = b.prim("arr_len", [a2]);
  const got = b.prim("arr_get", [a2, k]);
  const f = func(`arr_${dtype}`, [n, x, k], b, [a2, len, got]);
  return [f, [[3, 2.5, 1], [4, -1.7, 3], [1, 300, 0], [2, NaN, 0]]];
}
const arrayCase: ArrayCase = () => (["f64", "f32", "i32", "bool"] as const).map(arrayProgram);

// Keyed by string so that a primitive missing here fails the test rather than type checking.
const cases: Record<string, ScalarCase | ArrayCase> = {
  ...Object.fromEntries(
    ["neg", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "exp", "expm1", "log", "log1p",
      "log2", "log10", "sqrt", "cbrt", "abs", "sign", "floor", "ceil", "round", "rint", "trunc", "not", "stop_gradient"].map((p) => [p, { inputs: unary }]),
  ),
  ...Object.fromEntries(
    ["add", "sub", "mul", "div", "rem", "pow", "atan2", "hypot", "min", "max", "lt", "le", "gt", "ge", "eq", "ne", "and", "or"].map((p) => [p, { inputs: binary }]),
  ),
  powi: { inputs: unary, attrs: [-3, -1, 0, 1, 2, 3, 7].map((exponent) => ({ exponent })) },
  select: { inputs: ternary },
  // products whose exact sum with the third operand needs the single rounding
  fma: { inputs: [...binary.slice(0, 40).map(([x, y]) => [x, y, 0.5]), [0.1, 0.1, -0.01], [1 + 2 ** -30, 1 - 2 ** -30, -1], [3, 1 / 3, -1]] },
  cast: { inputs: unary, attrs: (["f64", "f32", "i32", "bool"] as const).map((dtype) => ({ dtype })) },
  arr_new: arrayCase,
  arr_get: arrayCase,
  arr_set: arrayCase,
  arr_len: arrayCase,
};

// Array primitives never reach a backend: compiler/passes/lower-arrays.ts turns them into
// buffer loops first (tested in lower-arrays.test.ts against the interpreter).
const BACKEND_PRIMS = PRIMS.filter((p) => !isArrayPrim(p));

describe("every primitive", () => {
  it("has a JS lowering and test inputs", () => {
    for (const p of PRIMS) expect(jsPrims[p], `JS lowering of ${p}`).toBeTypeOf("function");
    for (const p of BACKEND_PRIMS) expect(cases[p], `test inputs for ${p}`).toBeDefined();
  });

  for (const p of BACKEND_PRIMS) {
    it(`${p} matches the interpreter`, () => {
      const c = cases[p];
      expect(c, `test inputs for ${p}`).toBeDefined();
      if (typeof c === "function") {
        for (const [f, argSets] of c()) check(f, ...argSets);
        return;
      }
      let tested = 0;
      const arity = c.inputs[0].length;
      for (const d of ["f64", "f32", "i32", "bool"] as const) {
        // select's condition is bool; its branches take each dtype.
        const types = p === "select" ? [bool, scalar(d), scalar(d)] : Array.from({ length: arity }, () => scalar(d));
        for (const attrs of c.attrs ?? [undefined]) {
          if (typeof typeRules[p as Prim](types, attrs) === "string") continue;
          const b = new Builder();
          const params = types.map((t) => b.fresh("x", t));
          const r = b.prim(p as Prim, params, attrs);
          check(func(`${p}_${d}`, params, b, [r]), ...c.inputs);
          tested++;
        }
      }
      expect(tested).toBeGreaterThan(0);
    });
  }

  it("literal arguments (negative, -0, NaN, Infinity) render correctly", () => {
    const b = new Builder();
    const x = b.fresh("x", f64);
    const rs = [-3, -0, NaN, Infinity, -Infinity, 1e-300, 0.1].flatMap((c) => [b.prim("sub", [x, lit(c)]), b.prim("mul", [lit(c), x]), b.prim("neg", [x])]);
    const k = b.fresh("k", i32);
    const m = b.prim("sub", [k, lit(-2147483648, i32)]);
    check(func("lits", [x, k], b, [...rs, m]), [2, 0], [-0, -1], [NaN, 3], [5, 7]);
  });
});

// ---- control flow ------------------------------------------------------------------

describe("control flow", () => {
  it("straight-line code mixing dtypes", () => {
    const b = new Builder();
    const x = b.fresh("x", f64);
    const y = b.fresh("y", f32);
    const n = b.fresh("n", i32);
    const s = b.prim("mul", [b.prim("sin", [x]), b.prim("cast", [y], { dtype: "f64" })]);
    const t = b.prim("add", [b.prim("cast", [s], { dtype: "f32" }), y]);
    const m = b.prim("mul", [n, lit(1000003, i32)]);
    const c = b.prim("lt", [x, b.prim("cast", [n], { dtype: "f64" })]);
    const sel = b.prim("select", [c, s, b.prim("powi", [x], { exponent: 3 })]);
    check(func("mix", [x, y, n], b, [s, t, m, c, sel]), [0.3, 1.1, 5], [-2, 3.3, 2147483647], [NaN, -0, -5]);
  });

  it("if with several results", () => {
    const b = new Builder();
    const x = b.fresh("x", f64);
    const c = b.prim("gt", [x, lit(0)]);
    const [p, q] = ifElse(b, c, [f64, i32], () => [b.prim("sqrt", [x]), lit(1, i32)], () => [b.prim("neg", [x]), lit(-1, i32)]);
    check(func("iff", [x], b, [p, q]), [4], [-4], [0], [NaN]);
  });

  it("for loops, forward and reverse, with dependent carried values", () => {
    for (const reverse of [false, true]) {
      const b = new Builder();
      const n = b.fresh("n", i32);
      const x = b.fresh("x", f64);
      // Fibonacci-like swap (a, b) -> (b, a + b * x) plus an index-dependent sum: needs temporaries.
      const [fa, fb, s] = forLoop(b, lit(0, i32), n, [lit(0), lit(1), lit(0)], (i, [a, bb, acc]) => {
        const nb = b.prim("add", [a, b.prim("mul", [bb, x])]);
        const fi = b.prim("cast", [i], { dtype: "f64" });
        return [bb, nb, b.prim("add", [b.prim("mul", [acc, lit(0.5)]), fi])];
      }, reverse);
      check(func(reverse ? "fib_rev" : "fib", [n, x], b, [fa, fb, s]), [0, 1], [1, 1], [10, 1.5], [-3, 2], [20, -0.7]);
    }
  });

  it("a loop rotating three carried values", () => {
    const b = new Builder();
    const n = b.fresh("n", i32);
    const [p, q, r] = forLoop(b, lit(2, i32), n, [lit(1), lit(2), lit(3)], (_, [a, bb, c]) => [bb, c, b.prim("sub", [a, c])]);
    check(func("rot", [n], b, [p, q, r]), [0], [3], [4], [12]);
  });

  it("while loop (Collatz steps)", () => {
    const b = new Builder();
    const n = b.fresh("n", i32);
    const [k, m] = whileLoop(
      b,
      [lit(0, i32), n],
      ([, m]) => b.prim("gt", [m, lit(1, i32)]),
      ([k, m]) => {
        const even = b.prim("eq", [b.prim("rem", [m, lit(2, i32)]), lit(0, i32)]);
        const half = b.prim("cast", [b.prim("div", [b.prim("cast", [m], { dtype: "f64" }), lit(2)])], { dtype: "i32" });
        const odd = b.prim("add", [b.prim("mul", [m, lit(3, i32)]), lit(1, i32)]);
        return [b.prim("add", [k, lit(1, i32)]), b.prim("select", [even, half, odd])];
      },
    );
    check(func("collatz", [n], b, [k, m]), [1], [6], [27], [97]);
  });

  it("nested loops with an if inside", () => {
    const b = new Builder();
    const n = b.fresh("n", i32);
    const x = b.fresh("x", f64);
    const [tot] = forLoop(b, lit(0, i32), n, [lit(0)], (i, [acc]) => {
      const [inner] = forLoop(b, i, n, [acc], (j, [a]) => {
        const odd = b.prim("ne", [b.prim("rem", [b.prim("add", [i, j]), lit(2, i32)]), lit(0, i32)]);
        const [d] = ifElse(b, odd, [f64], () => [b.prim("mul", [x, b.prim("cast", [j], { dtype: "f64" })])], () => [b.prim("cos", [a])]);
        return [b.prim("add", [a, d])];
      }, true);
      return [inner];
    });
    check(func("nested", [n, x], b, [tot]), [0, 1], [5, 0.25], [9, -1.5]);
  });

  it("zero-iteration loops yield their inits", () => {
    const b = new Builder();
    const n = b.fresh("n", i32);
    const a = b.prim("arr_new", [lit(2, i32)], { dtype: "f64" });
    const [o, arr] = forLoop(b, n, lit(0, i32), [lit(-0), a], (i, [c, t]) => [b.prim("add", [c, lit(1)]), b.prim("arr_set", [t, lit(0, i32), c])]);
    check(func("zero", [n], b, [o, arr]), [0], [5], [-2]);
  });
});

// ---- arrays and ownership ------------------------------------------------------------

function tape(): Func {
  // Forward loop records sin(x * i) on a tape; a reverse loop reads it back.
  const b = new Builder();
  const n = b.fresh("n", i32);
  const x = b.fresh("x", f64);
  const t0 = b.prim("arr_new", [n], { dtype: "f64" });
  const [t] = forLoop(b, lit(0, i32), n, [t0], (i, [t]) => [b.prim("arr_set", [t, i, b.prim("sin", [b.prim("mul", [x, b.prim("cast", [i], { dtype: "f64" })])])])]);
  const [s] = forLoop(b, lit(0, i32), n, [lit(0)], (i, [acc]) => [b.prim("add", [b.prim("mul", [acc, lit(0.5)]), b.prim("arr_get", [t, i])])], true);
  return func("tape", [n, x], b, [s, t]);
}

describe("arrays", () => {
  it("a tape written in a loop is updated in place and read in reverse", () => {
    const f = tape();
    check(f, [0, 1], [1, 2], [50, 0.3]);
    expect(inPlaceSets(f).size).toBe(1);
    expect(emitJs(f)).not.toContain(".slice()");
  });

  it("parameter arrays are copied on first write", () => {
    const b = new Builder();
    const p = b.fresh("p", arrayOf("f64"));
    const p1 = b.prim("arr_set", [p, lit(0, i32), lit(9)]);
    const p2 = b.prim("arr_set", [p1, lit(1, i32), lit(8)]);
    const f = func("param", [p], b, [p2]);
    check(f, [new Float64Array([1, 2, 3])]);
    const sets = f.body.stmts as Stmt[];
    expect(inPlaceSets(f).has(sets[0] as never)).toBe(false);
    expect(inPlaceSets(f).has(sets[1] as never)).toBe(true);
  });

  it("a write to an array still used later copies", () => {
    const b = new Builder();
    const a = b.prim("arr_new", [lit(3, i32)], { dtype: "i32" });
    const x = b.prim("arr_set", [a, lit(0, i32), lit(1, i32)]);
    const y = b.prim("arr_set", [a, lit(1, i32), lit(2, i32)]);
    const f = func("twice", [], b, [x, y, a]);
    check(f, []);
    expect(inPlaceSets(f).size).toBe(0);
  });

  it("stop_gradient of an array is an alias", () => {
    const b = new Builder();
    const a = b.prim("arr_new", [lit(2, i32)], { dtype: "f64" });
    const s = b.prim("stop_gradient", [a]);
    const w = b.prim("arr_set", [a, lit(0, i32), lit(5)]);
    check(func("sg", [], b, [s, w]), []);
  });

  it("a loop init still used after the loop is copied at loop entry", () => {
    const b = new Builder();
    const n = b.fresh("n", i32);
    const a = b.prim("arr_new", [n], { dtype: "f64" });
    const [o] = forLoop(b, lit(0, i32), n, [a], (i, [c]) => [b.prim("arr_set", [c, i, lit(1)])]);
    const f = func("entry", [n], b, [o, a]);
    check(f, [0], [4]);
    const loop = f.body.stmts.find((s) => s.kind === "for") as LoopStmt;
    const own = analyzeOwnership(f);
    expect(needsCopyAtLoopEntry(own, loop, 0)).toBe(true);
    expect(own.inPlace.size).toBe(1);
  });

  it("a loop-carried array only passed on is not copied, and shares its init", () => {
    const b = new Builder();
    const n = b.fresh("n", i32);
    const a = b.prim("arr_new", [lit(3, i32)], { dtype: "f64" });
    const [o] = forLoop(b, lit(0, i32), n, [a], (_, [c]) => [c]);
    const w = b.prim("arr_set", [a, lit(0, i32), lit(7)]); // a is dead after, but o aliases it
    const f = func("pass", [n], b, [o, w]);
    check(f, [0], [3]);
    const loop = f.body.stmts.find((s) => s.kind === "for") as LoopStmt;
    expect(needsCopyAtLoopEntry(analyzeOwnership(f), loop, 0)).toBe(false);
    expect(inPlaceSets(f).size).toBe(0);
  });

  it("a loop body yielding an outer array aliases it", () => {
    const b = new Builder();
    const n = b.fresh("n", i32);
    const a = b.prim("arr_new", [lit(2, i32)], { dtype: "f64" });
    const z = b.prim("arr_new", [lit(2, i32)], { dtype: "f64" });
    const [o] = forLoop(b, lit(0, i32), n, [z], () => [a]);
    const w = b.prim("arr_set", [a, lit(1, i32), lit(3)]);
    const o2 = b.prim("arr_set", [o, lit(0, i32), lit(4)]);
    check(func("yieldouter", [n], b, [o, w, o2]), [0], [2]);
  });

  it("an if branch yielding an outer array aliases it", () => {
    const b = new Builder();
    const c = b.fresh("c", bool);
    const a = b.prim("arr_new", [lit(2, i32)], { dtype: "f64" });
    const [r] = ifElse(b, c, [arrayOf("f64")], () => [a], () => [b.prim("arr_new", [lit(2, i32)], { dtype: "f64" })]);
    const w = b.prim("arr_set", [a, lit(0, i32), lit(5)]);
    const r2 = b.prim("arr_set", [r, lit(1, i32), lit(6)]);
    check(func("ifalias", [c], b, [r, w, r2]), [1], [0]);
  });

  it("swapping carried arrays and duplicate yields", () => {
    const b = new Builder();
    const n = b.fresh("n", i32);
    const x0 = b.prim("arr_new", [lit(3, i32)], { dtype: "f64" });
    const y0 = b.prim("arr_new", [lit(3, i32)], { dtype: "f64" });
    const [x, y] = forLoop(b, lit(0, i32), n, [x0, y0], (i, [xs, ys]) => {
      const k = b.prim("rem", [i, lit(3, i32)]);
      const xs2 = b.prim("arr_set", [xs, k, b.prim("add", [b.prim("arr_get", [ys, k]), lit(1)])]);
      return [ys, xs2];
    });
    const [p, q] = forLoop(b, lit(0, i32), n, [x, y], (i, [ps, qs]) => {
      const k = b.prim("rem", [i, lit(3, i32)]);
      const ps2 = b.prim("arr_set", [ps, k, b.prim("cast", [i], { dtype: "f64" })]);
      return [ps2, ps2]; // both carried now share one buffer
    });
    const q2 = b.prim("arr_set", [q, lit(0, i32), lit(-1)]);
    check(func("swap", [n], b, [x, y, p, q, q2]), [0], [1], [7]);
  });

  it("a while loop whose cond reads and writes a carried array", () => {
    const b = new Builder();
    const n = b.fresh("n", i32);
    const a0 = b.prim("arr_new", [lit(4, i32)], { dtype: "i32" });
    const [a, k] = whileLoop(
      b,
      [a0, lit(0, i32)],
      ([a, k]) => {
        const probe = b.prim("arr_set", [a, lit(0, i32), lit(99, i32)]); // must not clobber a
        return b.prim("and", [b.prim("lt", [k, n]), b.prim("lt", [b.prim("arr_get", [probe, lit(1, i32)]), lit(1000, i32)])]);
      },
      ([a, k]) => {
        const j = b.prim("rem", [k, lit(4, i32)]);
        return [b.prim("arr_set", [a, j, b.prim("add", [b.prim("arr_get", [a, j]), k])]), b.prim("add", [k, lit(1, i32)])];
      },
    );
    check(func("whilearr", [n], b, [a, k]), [0], [9], [200]);
  });

  it("out-of-range reads and writes throw", () => {
    for (const prim of ["arr_get", "arr_set"] as const) {
      const b = new Builder();
      const k = b.fresh("k", i32);
      const a = b.prim("arr_new", [lit(3, i32)], { dtype: "f64" });
      const r = prim === "arr_get" ? b.prim("arr_get", [a, k]) : b.prim("arr_set", [a, k, lit(1)]);
      const f = func(prim, [k], b, [r]);
      const js = compileJs(f);
      for (const bad of [3, -1, 2147483647, -2147483648]) {
        expect(() => interpret(f, [bad])).toThrow();
        expect(() => js(bad)).toThrow(Error);
      }
      check(f, [0], [2]);
    }
  });
});

describe("emitted source", () => {
  it("is a plain function with real loops", () => {
    const src = emitJs(tape());
    expect(src).toMatch(/^function tape\(n, x\) \{/);
    expect(src).toContain("for (let i = 0; i < n; i++) {");
    expect(src).toContain("i_1 >= 0; i_1--");
    expect(src).toContain("return [");
  });

  it("renames variables that clash with JS names", () => {
    const b = new Builder();
    const m = b.fresh("Math", f64);
    const nn = b.fresh("new", f64);
    const r = b.prim("sin", [b.prim("add", [m, nn], undefined, "NaN")], undefined, "this");
    check(func("clash", [m, nn], b, [r]), [1, 2]);
  });
});

// ---- random programs: aliasing stress test for ownership.ts ----------------------------

/** Random programs over length-4 arrays that pass arrays around every way the IR allows. */
function randomProgram(seed: number): Func {
  let st = seed;
  const rnd = (n: number) => {
    st = (Math.imul(st, 1103515245) + 12345) >>> 0;
    return (st >>> 8) % n;
  };
  const pick = <T>(xs: T[]): T => xs[rnd(xs.length)];
  const b = new Builder();
  const arrT = arrayOf("f64");
  const p = b.fresh("p", arrT);
  const x = b.fresh("x", f64);
  const n = b.fresh("n", i32);
  const idx = () => lit(rnd(4), i32);
  const gen = (arrs: Atom[], nums: Atom[], depth: number, count: number) => {
    for (let k = 0; k < count; k++) {
      const r = rnd(depth > 0 ? 9 : 6);
      if (r === 0) arrs.push(b.prim("arr_set", [pick(arrs), idx(), pick(nums)]));
      else if (r === 1) nums.push(b.prim("add", [b.prim("arr_get", [pick(arrs), idx()]), pick(nums)]));
      else if (r === 2) arrs.push(b.prim("stop_gradient", [pick(arrs)]));
      else if (r === 3) arrs.push(b.prim("arr_new", [lit(4, i32)], { dtype: "f64" }));
      else if (r === 4) arrs.push(b.prim("arr_set", [arrs[arrs.length - 1], idx(), pick(nums)]));
      else if (r === 5) nums.push(b.prim("mul", [pick(nums), lit(0.5)]));
      else if (r === 6) {
        const c = b.prim("lt", [pick(nums), pick(nums)]);
        const branch = () => b.block(() => {
          const [as, ns] = [[...arrs], [...nums]];
          gen(as, ns, depth - 1, 1 + rnd(4));
          return [pick(as), pick(as), pick(ns)];
        });
        const [t, e] = [branch(), branch()];
        const outs = [b.fresh("r", arrT), b.fresh("r", arrT), b.fresh("r", f64)];
        b.emit({ kind: "if", outs, cond: c, then: t, else: e });
        arrs.push(outs[0], outs[1]);
        nums.push(outs[2]);
      } else if (r === 7) {
        const inits = [pick(arrs), pick(arrs), pick(nums)];
        const outs = forLoop(b, lit(0, i32), n, inits, (i, [a1, a2, s]) => {
          const [as, ns] = [[...arrs, a1, a2], [...nums, s, b.prim("cast", [i], { dtype: "f64" })]];
          gen(as, ns, depth - 1, 1 + rnd(5));
          return [pick(as.slice(-4)), pick(as), pick(ns)];
        }, rnd(2) === 1);
        arrs.push(outs[0], outs[1]);
        nums.push(outs[2]);
      } else {
        const outs = whileLoop(
          b,
          [lit(0, i32), pick(arrs), pick(arrs)],
          ([k, a1]) => b.prim("and", [b.prim("lt", [k, n]), b.prim("lt", [b.prim("arr_get", [a1, idx()]), lit(1e9)])]),
          ([k, a1, a2]) => {
            const [as, ns] = [[...arrs, a1, a2], [...nums]];
            gen(as, ns, depth - 1, 1 + rnd(4));
            return [b.prim("add", [k, lit(1, i32)]), pick(as), pick(as.slice(-3))];
          },
        );
        arrs.push(outs[1], outs[2]);
      }
    }
  };
  const arrs: Atom[] = [p];
  const nums: Atom[] = [x, lit(1.5)];
  gen(arrs, nums, 2, 8);
  return func(`rand${seed}`, [p, x, n], b, [...arrs.slice(-3), pick(arrs), pick(nums)]);
}

describe("random array programs", () => {
  it("agree with the interpreter", () => {
    for (let seed = 1; seed <= 400; seed++) {
      const f = randomProgram(seed);
      check(f, [new Float64Array([1, 2, 3, 4]), 0.75, 0], [new Float64Array([4, 3, 2, 1]), -2, 3]);
    }
  });
});
