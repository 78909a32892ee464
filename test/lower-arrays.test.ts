// passes/lower-arrays.ts: every lowered Func is verified, compiled by the JS
// backend (buffers + dims in, buffers + dims out) and compared with the
// reference interpreter on the unlowered Func (ir/array-eval.ts semantics).
// A few lowered Funcs also run natively when a toolchain is available.

import { describe, expect, it } from "vitest";
import { gradFunc } from "../compiler/ad/grad.js";
import { compileJs, type JsValue } from "../compiler/backends/js/index.js";
import { compileNative, nativeAvailable } from "../compiler/backends/llvm/index.js";
import { emitTs } from "../compiler/backends/ts/index.js";
import { toND } from "../compiler/ir/array-eval.js";
import type { NDValue } from "../compiler/ir/array-shape.js";
import { Builder } from "../compiler/ir/builder.js";
import { type AnyValue, interpret } from "../compiler/ir/interp.js";
import { printFunc } from "../compiler/ir/print.js";
import { type Atom, type Attrs, type DType, type Func, type Prim, type Stmt, type Type, arrayOf, bool, f64, i32, lit, v } from "../compiler/ir/syntax.js";
import { verifyFunc } from "../compiler/ir/verify.js";
import { lowerArrays } from "../compiler/passes/lower-arrays.js";

// ---- helpers ---------------------------------------------------------------------------

const A = (rank: number, dtype: DType = "f64"): Type => arrayOf(dtype, rank);

function fn(name: string, params: [string, Type][], body: (b: Builder, ...ps: Atom[]) => Atom[]): Func {
  const b = new Builder();
  const ps = params.map(([n, t]) => {
    b.names.reserve(n);
    return v(n, t);
  });
  const results = body(b, ...ps);
  const f = { name, params: ps, body: { stmts: b.stmts, results } };
  verifyFunc(f);
  return f;
}

const P = (b: Builder, p: Prim, args: Atom[], attrs?: Attrs) => b.prim(p, args, attrs);

let seed = 1;
function rand(): number {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
}

const CTOR = { f64: Float64Array, f32: Float32Array, i32: Int32Array, bool: Uint8Array } as const;

/** An array of `shape` with values from `gen` (default: uniform in [-2, 2)). */
function nd(shape: number[], dtype: DType = "f64", gen?: (k: number) => number): NDValue {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new CTOR[dtype](n);
  for (let k = 0; k < n; k++) data[k] = gen ? gen(k) : dtype === "bool" ? (rand() < 0.5 ? 1 : 0) : dtype === "i32" ? Math.floor(rand() * 10 - 5) : rand() * 4 - 2;
  return { data, shape };
}

type Arg = number | NDValue;

const flatArgs = (args: Arg[]): JsValue[] => args.flatMap((a) => (typeof a === "number" ? [a] : [a.data.slice(), ...a.shape]));

/** Regroups the lowered results (buffer, dims...) per original result. */
function unflatten(types: Type[], out: JsValue[]): (number | NDValue)[] {
  let k = 0;
  return types.map((t) => {
    if (t.rank === 0) return out[k++] as number;
    const data = out[k++] as NDValue["data"];
    const shape = out.slice(k, k + t.rank) as number[];
    k += t.rank;
    return { data, shape };
  });
}

const norm = (x: AnyValue): number | NDValue => (typeof x === "number" ? x : toND(x));

function close(got: number | NDValue, want: number | NDValue, tol: number, what: string): void {
  if (typeof want === "number") {
    expect(typeof got, what).toBe("number");
    closeNum(got as number, want, tol, what);
    return;
  }
  const g = got as NDValue;
  expect(g.shape, `${what} shape`).toEqual(want.shape);
  expect(g.data.length, `${what} size`).toBe(want.data.length);
  expect(g.data.constructor, `${what} dtype`).toBe(want.data.constructor);
  for (let k = 0; k < want.data.length; k++) closeNum(g.data[k], want.data[k], tol, `${what}[${k}]`);
}

function closeNum(g: number, w: number, tol: number, what: string): void {
  if (Number.isNaN(w)) return void expect(Number.isNaN(g), `${what}: ${g} vs NaN`).toBe(true);
  if (tol === 0 || !Number.isFinite(w)) return void expect(g, what).toBe(w);
  expect(Math.abs(g - w), `${what}: ${g} vs ${w}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)));
}

/** Lowers, verifies, runs on the JS backend and compares with the interpreter. Returns the lowered Func. */
function check(f: Func, args: Arg[], tol = 1e-12): Func {
  const want = interpret(f, args).map(norm);
  const g = lowerArrays(f);
  try {
    verifyFunc(g);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${printFunc(g)}`);
  }
  const js = compileJs(g);
  const got = unflatten(f.body.results.map((r) => r.type), js(...flatArgs(args)));
  want.forEach((w, k) => close(got[k], w, tol, `${f.name} result ${k}`));
  return g;
}

/** Both the interpreter and the lowered code reject these arguments. */
function rejects(f: Func, args: Arg[]): void {
  expect(() => interpret(f, args)).toThrow();
  const g = lowerArrays(f);
  verifyFunc(g);
  expect(() => compileJs(g)(...flatArgs(args))).toThrow(/out of bounds/);
}

/** Statements of a Func (nested ones included) satisfying `p`. */
function count(f: Func, p: (s: Stmt) => boolean): number {
  let n = 0;
  const walk = (stmts: Stmt[]) =>
    stmts.forEach((s) => {
      if (p(s)) n++;
      if (s.kind === "if") [s.then, s.else].forEach((b) => walk(b.stmts));
      if (s.kind === "for") walk(s.body.stmts);
      if (s.kind === "while") [s.cond, s.body].forEach((b) => walk(b.stmts));
    });
  walk(f.body.stmts);
  return n;
}
/** Buffers allocated (not counting the empty ones of failed shape checks). */
const allocs = (f: Func) => count(f, (s) => s.kind === "prim" && s.prim === "arr_new" && !(s.args[0].kind === "lit" && s.args[0].value === 0));

/** Is any arr_new inside a loop (allocation per iteration)? */
function allocInLoop(f: Func): boolean {
  let found = false;
  const walk = (stmts: Stmt[], inLoop: boolean) =>
    stmts.forEach((s) => {
      if (s.kind === "prim" && s.prim === "arr_new" && inLoop && s.args[0].kind !== "lit") found = true;
      if (s.kind === "if") [s.then, s.else].forEach((b) => walk(b.stmts, inLoop));
      if (s.kind === "for") walk(s.body.stmts, true);
      if (s.kind === "while") [s.cond, s.body].forEach((b) => walk(b.stmts, true));
    });
  walk(f.body.stmts, false);
  return found;
}

const sum = (b: Builder, x: Atom, axes: number[] = [], keepdims = false) => P(b, "reduce_sum", [x], { axes, keepdims });

// ---- contract ------------------------------------------------------------------------------

describe("contract", () => {
  it("returns scalar-only and buffer-only functions unchanged", () => {
    const f = fn("scalar", [["x", f64]], (b, x) => [b.prim("sin", [x])]);
    expect(lowerArrays(f)).toBe(f);
    const g = fn("buffers", [["a", A(1)], ["i", i32]], (b, a, i) => [b.prim("arr_get", [a, i]), b.prim("arr_set", [a, i, lit(1)])]);
    expect(lowerArrays(g)).toBe(g);
  });

  it("expands array params and results to buffer + dims, in place", () => {
    const f = fn("k", [["x", A(2)], ["s", f64]], (b, x, s) => [sum(b, x, [0]), b.mul(s, s)]);
    const g = check(f, [nd([2, 3]), 1.5]);
    expect(g.params.map((p) => `${p.name}:${p.type.dtype}[${p.type.rank}]`)).toEqual(["x:f64[1]", "x_d0:i32[0]", "x_d1:i32[0]", "s:f64[0]"]);
    expect(g.body.results.map((r) => `${r.type.dtype}[${r.type.rank}]`)).toEqual(["f64[1]", "i32[0]", "f64[0]"]);
  });

  it("gives rank-1 params a _d0 param once arrays are lowered", () => {
    const f = fn("r1", [["x", A(1)]], (b, x) => [b.prim("exp", [x])]);
    const g = check(f, [nd([5])]);
    expect(g.params.map((p) => p.name)).toEqual(["x", "x_d0"]);
  });
});

// ---- elementwise and broadcasting -------------------------------------------------------------

describe("elementwise", () => {
  const add = fn("add", [["x", A(2)], ["y", A(2)]], (b, x, y) => [b.add(x, y)]);
  it.each([
    ["[3,1]+[1,4]", [3, 1], [1, 4]],
    ["[3,4]+[3,4]", [3, 4], [3, 4]],
    ["[1,4]+[3,4]", [1, 4], [3, 4]],
    ["[3,4]+[3,1]", [3, 4], [3, 1]],
    ["[1,1]+[2,5]", [1, 1], [2, 5]],
    ["[0,3]+[1,3]", [0, 3], [1, 3]],
    ["[2,0]+[2,1]", [2, 0], [2, 1]],
  ])("broadcasts %s", (_, s, t) => {
    check(add, [nd(s as number[]), nd(t as number[])]);
  });

  it("broadcasts ranks 1 and 3 with scalars", () => {
    const f = fn("mix", [["x", A(3)], ["y", A(1)], ["s", f64]], (b, x, y, s) => [b.mul(b.sub(x, y), s), b.add(y, s)]);
    check(f, [nd([2, 3, 4]), nd([4]), 0.5]);
    check(f, [nd([2, 3, 1]), nd([4]), -2]);
    check(f, [nd([2, 0, 4]), nd([1]), 3]);
  });

  it("rejects incompatible shapes", () => {
    rejects(add, [nd([3, 2]), nd([4, 2])]);
    rejects(add, [nd([2, 3]), nd([2, 4])]);
  });

  it("handles dtypes: i32 arithmetic, comparisons, select, cast", () => {
    const f = fn("dt", [["x", A(2, "i32")], ["y", A(1, "f64")]], (b, x, y) => {
      const xf = b.cast(x, "f64");
      const c = b.prim("gt", [xf, y]);
      return [b.mul(x, x), c, b.select(c, xf, y), b.cast(y, "i32"), b.cast(y, "f32")];
    });
    check(f, [nd([3, 4], "i32"), nd([4])], 0);
  });

  it("fuses chains of single-use elementwise ops into one loop and one buffer", () => {
    const f = fn("chain", [["x", A(2)], ["y", A(2)]], (b, x, y) => {
      const t = b.prim("exp", [b.mul(x, lit(2))]);
      const u = b.prim("sin", [b.add(t, y)]);
      return [b.prim("tanh", [b.sub(u, b.prim("sqrt", [b.prim("abs", [y])]))])];
    });
    const g = check(f, [nd([3, 4]), nd([3, 4])]);
    expect(allocs(g)).toBe(1);
    expect(allocInLoop(g)).toBe(false);
    check(f, [nd([3, 4]), nd([1, 4])]);
    check(f, [nd([3, 1]), nd([1, 4])]);
  });

  it("materializes values used twice (no recomputation)", () => {
    const f = fn("twice", [["x", A(1)]], (b, x) => {
      const t = b.prim("exp", [x]);
      return [b.mul(t, t), sum(b, t)];
    });
    const g = check(f, [nd([7])]);
    expect(count(g, (s) => s.kind === "prim" && s.prim === "exp")).toBe(1);
  });

  it("emits one flat loop when the shapes are the same variables", () => {
    const f = fn("flat", [["x", A(3)]], (b, x) => [b.prim("exp", [b.mul(x, x)])]);
    const g = check(f, [nd([2, 3, 4])]);
    expect(count(g, (s) => s.kind === "for")).toBe(1);
    expect(count(g, (s) => s.kind === "if")).toBe(0);
  });

  it("chooses the flat loop at run time when shapes only may agree", () => {
    const f = fn("maybe", [["x", A(2)], ["y", A(2)]], (b, x, y) => [sum(b, b.mul(x, y))]);
    const g = check(f, [nd([3, 4]), nd([3, 4])]);
    expect(count(g, (s) => s.kind === "if")).toBeGreaterThan(0);
    check(f, [nd([3, 4]), nd([1, 4])]);
  });
});

// ---- structural primitives ---------------------------------------------------------------------

describe("structural", () => {
  it("full, iota, shape, broadcast_to, broadcast_like", () => {
    const f = fn("mk", [["x", A(2)], ["n", i32]], (b, x, n) => {
      const d0 = P(b, "shape", [x], { axes: [0] });
      const d1 = P(b, "shape", [x], { axes: [1] });
      const full = P(b, "full", [lit(2.5), d1, n]);
      const io = P(b, "iota", [n], { dtype: "f64" });
      const bt = P(b, "broadcast_to", [io, d0, n]);
      const bl = P(b, "broadcast_like", [P(b, "expand_dims", [P(b, "iota", [d0], { dtype: "i32" })], { axes: [1] }), x]);
      return [full, io, bt, bl, b.add(d0, d1)];
    });
    check(f, [nd([3, 4]), 5], 0);
    check(f, [nd([1, 2]), 0], 0);
  });

  it("broadcast_to rejects shapes that do not broadcast", () => {
    const f = fn("bt", [["x", A(1)], ["n", i32]], (b, x, n) => [P(b, "broadcast_to", [x, lit(2, i32), n])]);
    check(f, [nd([3]), 3]);
    check(f, [nd([1]), 4]);
    rejects(f, [nd([3]), 4]);
  });

  it("transpose (rank 2 and 3), fused with elementwise ops", () => {
    const f = fn("tr", [["x", A(3)], ["m", A(2)]], (b, x, m) => [
      P(b, "transpose", [x], { perm: [2, 0, 1] }),
      b.add(P(b, "transpose", [m], { perm: [1, 0] }), lit(1)),
      b.mul(m, P(b, "transpose", [m], { perm: [1, 0] })),
    ]);
    check(f, [nd([2, 3, 4]), nd([3, 3])]);
  });

  it("reshape (with -1), expand_dims, squeeze", () => {
    const f = fn("rs", [["x", A(2)]], (b, x) => {
      const r = P(b, "reshape", [x, lit(-1, i32), lit(2, i32)]);
      const e = P(b, "expand_dims", [b.prim("exp", [x])], { axes: [1] });
      const s = P(b, "squeeze", [e], { axes: [1] });
      const t = P(b, "reshape", [P(b, "transpose", [x], { perm: [1, 0] }), lit(-1, i32)]);
      return [r, e, s, t, P(b, "reshape", [b.mul(x, x), lit(2, i32), lit(-1, i32)])];
    });
    check(f, [nd([3, 4])]);
    check(f, [nd([2, 1])]);
    rejects(f, [nd([3, 3])]);
  });

  it("squeeze rejects an axis whose size is not 1", () => {
    const f = fn("sq", [["x", A(2)]], (b, x) => [P(b, "squeeze", [x], { axes: [0] })]);
    check(f, [nd([1, 4])]);
    rejects(f, [nd([2, 4])]);
  });

  it("concatenate along each axis", () => {
    for (const k of [0, 1]) {
      const f = fn(`cat${k}`, [["x", A(2)], ["y", A(2)]], (b, x, y) => [P(b, "concatenate", [x, b.prim("exp", [y]), x], { axes: [k] })]);
      check(f, k === 0 ? [nd([2, 3]), nd([4, 3])] : [nd([2, 3]), nd([2, 1])]);
      check(f, k === 0 ? [nd([0, 3]), nd([1, 3])] : [nd([2, 0]), nd([2, 2])]);
      rejects(f, k === 0 ? [nd([2, 3]), nd([2, 4])] : [nd([2, 3]), nd([3, 3])]);
    }
  });

  it("slice along each axis, with bounds checks", () => {
    const f = fn("sl", [["x", A(3)], ["a", i32], ["n", i32]], (b, x, a, n) => [
      P(b, "slice", [x, a, n], { axes: [0] }),
      b.mul(P(b, "slice", [x, a, n], { axes: [1] }), lit(3)),
      sum(b, P(b, "slice", [x, a, n], { axes: [2] }), [2]),
    ]);
    check(f, [nd([4, 5, 6]), 1, 2]);
    check(f, [nd([4, 5, 6]), 0, 4]);
    check(f, [nd([4, 5, 6]), 3, 0]);
    rejects(f, [nd([4, 5, 6]), 3, 2]);
    rejects(f, [nd([4, 5, 6]), -1, 2]);
  });

  it("take with scalar and array indices (negative ones wrap)", () => {
    const f = fn("tk", [["x", A(3)], ["i", i32], ["idx", A(2, "i32")]], (b, x, i, idx) => [
      P(b, "take", [x, i], { axes: [1] }),
      P(b, "take", [x, idx], { axes: [0] }),
      b.add(P(b, "take", [x, idx], { axes: [2] }), lit(1)),
      P(b, "take", [x, idx], { axes: [1] }),
    ]);
    const idx = { data: Int32Array.of(0, 1, -1, 1, 0, -2), shape: [2, 3] };
    check(f, [nd([3, 4, 5]), 2, idx]);
    check(f, [nd([3, 4, 5]), -4, idx]);
    rejects(f, [nd([3, 4, 5]), 4, idx]);
    rejects(f, [nd([3, 4, 5]), 0, { data: Int32Array.of(0, 7), shape: [1, 2] }]);
  });

  it("scatter_add with scalar and array indices; repeated indices accumulate", () => {
    const f = fn("sc", [["base", A(2)], ["idx", A(1, "i32")], ["u", A(2)], ["w", A(1)], ["i", i32]], (b, base, idx, u, w, i) => [
      P(b, "scatter_add", [base, idx, u], { axes: [0] }),
      P(b, "scatter_add", [base, idx, P(b, "transpose", [P(b, "slice", [u, lit(0, i32), lit(3, i32)], { axes: [1] })], { perm: [1, 0] })], { axes: [1] }),
      P(b, "scatter_add", [base, i, w], { axes: [0] }),
      base,
    ]);
    check(f, [nd([3, 4]), { data: Int32Array.of(0, 2, 0, -1), shape: [4] }, nd([4, 4]), nd([4]), 1]);
    rejects(f, [nd([3, 4]), { data: Int32Array.of(0, 3, 0, 1), shape: [4] }, nd([4, 4]), nd([4]), 1]);
  });

  it("takes the AD's zeros-then-scatter pattern without filling zeros", () => {
    const f = fn("zs", [["x", A(1)], ["idx", A(1, "i32")], ["ct", A(1)]], (b, x, idx, ct) => [
      P(b, "scatter_add", [P(b, "broadcast_like", [lit(0), x]), idx, ct], { axes: [0] }),
    ]);
    const g = check(f, [nd([5]), { data: Int32Array.of(1, 1, 4), shape: [3] }, nd([3])]);
    expect(allocs(g)).toBe(1);
  });
});

// ---- reductions -------------------------------------------------------------------------------

describe("reductions", () => {
  const ops = ["reduce_sum", "reduce_prod", "reduce_max", "reduce_min"] as const;
  const axesCases: [number[], boolean][] = [[[], false], [[], true], [[0], false], [[1], true], [[2], false], [[0, 2], false], [[1, 2], true], [[0, 1], false]];
  for (const op of ops)
    it(`${op} over every axes combination of a rank-3 array`, () => {
      for (const [axes, keepdims] of axesCases) {
        const f = fn(`${op}_${axes.join("")}_${keepdims}`, [["x", A(3)]], (b, x) => [P(b, op, [x], { axes, keepdims })]);
        check(f, [nd([2, 3, 4])]);
        check(f, [nd([3, 1, 2])]);
      }
    });

  it("reduces a fused expression in one loop", () => {
    const f = fn("fused", [["x", A(2)], ["y", A(1)]], (b, x, y) => [sum(b, b.prim("log", [b.add(b.mul(x, x), y)]))]);
    const g = check(f, [nd([4, 3]), nd([3])]);
    expect(allocs(g)).toBe(0);
  });

  it("i32 and f32 sums agree exactly (same order)", () => {
    const fi = fn("si", [["x", A(2, "i32")]], (b, x) => [sum(b, x), sum(b, x, [0])]);
    check(fi, [nd([5, 3], "i32")], 0);
    const ff = fn("sf", [["x", A(2, "f32")]], (b, x) => [sum(b, x), sum(b, x, [0]), sum(b, x, [1]), P(b, "reduce_prod", [x], { axes: [0] })]);
    check(ff, [nd([5, 3], "f32")], 0);
  });

  it("empty arrays: sums are 0, max/min reject", () => {
    const f = fn("e", [["x", A(2)]], (b, x) => [sum(b, x), sum(b, x, [0]), sum(b, x, [1], true)]);
    check(f, [nd([0, 3])]);
    check(f, [nd([3, 0])]);
    const m = fn("m", [["x", A(2)]], (b, x) => [P(b, "reduce_max", [x], { axes: [] })]);
    rejects(m, [nd([0, 3])]);
    const m0 = fn("m0", [["x", A(2)]], (b, x) => [P(b, "reduce_min", [x], { axes: [0] })]);
    rejects(m0, [nd([0, 3])]);
  });

  it("max/min propagate NaN", () => {
    const f = fn("nan", [["x", A(2)]], (b, x) => [P(b, "reduce_max", [x], { axes: [1] }), P(b, "reduce_min", [x], { axes: [0] })]);
    check(f, [nd([2, 3], "f64", (k) => (k === 4 ? NaN : k))]);
  });

  it("argmax/argmin: flattened, per axis, keepdims, ties and NaN", () => {
    for (const op of ["argmax", "argmin"] as const)
      for (const [axes, keepdims] of [[[], false], [[], true], [[0], false], [[1], true], [[2], false]] as [number[], boolean][]) {
        const f = fn(`${op}${axes}${keepdims}`, [["x", A(3)], ["y", A(3, "i32")]], (b, x, y) => [P(b, op, [x], { axes, keepdims }), P(b, op, [y], { axes, keepdims })]);
        check(f, [nd([2, 3, 4]), nd([2, 3, 4], "i32")], 0);
        check(f, [nd([2, 3, 4], "f64", (k) => (k % 7 === 3 ? NaN : k % 5)), nd([2, 3, 4], "i32", (k) => k % 3)], 0);
      }
    const e = fn("am", [["x", A(2)]], (b, x) => [P(b, "argmax", [x], { axes: [1] })]);
    rejects(e, [nd([2, 0])]);
  });

  it("sum_like: leading axes, size-1 axes, same shape (free)", () => {
    const f = fn("sl", [["x", A(3)], ["a", A(1)], ["c", A(2)], ["same", A(3)]], (b, x, a, c, same) => [P(b, "sum_like", [x, a]), P(b, "sum_like", [x, c]), P(b, "sum_like", [x, same])]);
    check(f, [nd([2, 3, 4]), nd([4]), nd([3, 1]), nd([2, 3, 4])]);
    check(f, [nd([2, 3, 4]), nd([1]), nd([1, 4]), nd([2, 3, 4])]);
    rejects(f, [nd([2, 3, 4]), nd([2]), nd([3, 1]), nd([2, 3, 4])]);
    const id = fn("id", [["x", A(2)]], (b, x) => [P(b, "sum_like", [b.prim("exp", [x]), x])]);
    const g = check(id, [nd([3, 2])]);
    expect(allocs(g)).toBe(1);
    // Which axes are summed is only known at run time: sizes equal (x as is) or 1 (summed).
    const dyn = fn("dyn", [["x", A(2)], ["like", A(2)]], (b, x, like) => [P(b, "sum_like", [b.prim("exp", [x]), like])]);
    check(dyn, [nd([2, 3]), nd([2, 3])]);
    check(dyn, [nd([2, 3]), nd([1, 3])]);
    check(dyn, [nd([2, 3]), nd([2, 1])]);
    check(dyn, [nd([2, 3]), nd([1, 1])]);
    rejects(dyn, [nd([2, 3]), nd([3, 3])]);
    const st = fn("st", [["x", A(2)]], (b, x) => [P(b, "sum_like", [x, sum(b, x, [0], true)])]);
    check(st, [nd([3, 2])]);
  });
});

// ---- matmul -----------------------------------------------------------------------------------

describe("matmul", () => {
  const cases: [string, number[], number[]][] = [
    ["matrix·matrix", [3, 4], [4, 5]],
    ["matrix·vector", [3, 4], [4]],
    ["vector·matrix", [4], [4, 5]],
    ["vector·vector", [4], [4]],
    ["empty inner", [3, 0], [0, 2]],
    ["size-1", [1, 1], [1, 1]],
  ];
  it.each(cases)("%s", (_, s, t) => {
    const f = fn("mm", [["a", A(s.length)], ["b", A(t.length)]], (b, x, y) => [P(b, "matmul", [x, y])]);
    check(f, [nd(s), nd(t)]);
  });

  it("transposed and computed operands", () => {
    const f = fn("mmt", [["a", A(2)], ["b", A(2)]], (b, x, y) => [P(b, "matmul", [P(b, "transpose", [x], { perm: [1, 0] }), b.prim("exp", [y])])]);
    check(f, [nd([4, 3]), nd([4, 2])]);
  });

  it("f32 matmul equals the reference exactly", () => {
    const f = fn("mm32", [["a", A(2, "f32")], ["b", A(2, "f32")]], (b, x, y) => [P(b, "matmul", [x, y])]);
    check(f, [nd([3, 5], "f32"), nd([5, 2], "f32")], 0);
  });

  it("rejects mismatched inner dimensions", () => {
    const f = fn("mmx", [["a", A(2)], ["b", A(1)]], (b, x, y) => [P(b, "matmul", [x, y])]);
    rejects(f, [nd([3, 4]), nd([5])]);
  });
});

// ---- control flow --------------------------------------------------------------------------------

describe("control flow", () => {
  it("carries arrays (and their dims) through for and while loops", () => {
    const f = fn("loop", [["x", A(2)], ["n", i32]], (b, x, n) => {
      const c = b.fresh("c", A(2));
      const i = b.fresh("i", i32);
      const body = b.block(() => [b.add(b.mul(c, lit(0.5)), P(b, "cast", [i], { dtype: "f64" }))]);
      const out = b.fresh("out", A(2));
      b.emit({ kind: "for", outs: [out], index: i, lo: lit(0, i32), hi: n, reverse: false, carried: [c], inits: [x], body });
      // while: grow a vector until its sum exceeds 10
      const w = b.fresh("w", A(1));
      const wc = b.fresh("wc", A(1));
      const cond = b.block(() => [b.prim("lt", [sum(b, wc), lit(10)])]);
      const wbody = b.block(() => [P(b, "concatenate", [wc, P(b, "full", [lit(1), lit(1, i32)])], { axes: [0] })]);
      b.emit({ kind: "while", outs: [w], carried: [wc], inits: [P(b, "full", [lit(0.5), lit(1, i32)])], cond, body: wbody });
      return [out, w];
    });
    check(f, [nd([2, 3]), 4]);
    check(f, [nd([2, 3]), 0]);
  });

  it("if with array results of different shapes per branch", () => {
    const f = fn("branch", [["x", A(2)], ["c", bool]], (b, x, c) => {
      const out = b.fresh("r", A(2));
      const then = b.block(() => [P(b, "transpose", [x], { perm: [1, 0] })]);
      const other = b.block(() => [b.prim("exp", [x])]);
      b.emit({ kind: "if", outs: [out], cond: c, then, else: other });
      return [sum(b, out, [1])];
    });
    check(f, [nd([2, 3]), 1]);
    check(f, [nd([2, 3]), 0]);
  });

  it("arr_* on lowered arrays", () => {
    const f = fn("buf", [["x", A(1)], ["i", i32]], (b, x, i) => {
      const y = b.prim("exp", [x]);
      const z = b.prim("arr_set", [y, i, lit(7)]);
      return [b.prim("arr_get", [y, i]), z, b.prim("arr_len", [z]), sum(b, b.mul(z, y))];
    });
    check(f, [nd([4]), 2]);
  });
});

// ---- logistic regression and its gradient ---------------------------------------------------------

function logistic(): Func {
  return fn("loss", [["W", A(1)], ["bias", f64], ["inputs", A(2)], ["targets", A(1)]], (b, W, bias, inputs, t) => {
    const z = b.add(P(b, "matmul", [inputs, W]), bias);
    const p = b.mul(lit(0.5), b.add(b.prim("tanh", [b.div(z, lit(2))]), lit(1)));
    const q = b.add(b.mul(p, t), b.mul(b.sub(lit(1), p), b.sub(lit(1), t)));
    return [b.neg(sum(b, b.prim("log", [q])))];
  });
}

describe("logistic regression", () => {
  const n = 6, d = 3;
  const inputs = nd([n, d]);
  const targets = nd([n], "f64", (k) => k % 2);
  const W = nd([d]);
  it("loss", () => {
    const g = check(logistic(), [W, 0.3, inputs, targets]);
    expect(allocInLoop(g)).toBe(false);
  });

  it("gradient by gradFunc (argnums [0, 1]) matches the interpreter and the closed form", () => {
    const gf = gradFunc(logistic(), { argnums: [0, 1], keep: [] });
    verifyFunc(gf);
    const g = check(gf, [W, 0.3, inputs, targets]);
    expect(allocInLoop(g)).toBe(false);
    // dL/dW = inputsᵀ (p - t), dL/db = Σ (p - t)
    const out = unflatten([A(1), f64], compileJs(g)(...flatArgs([W, 0.3, inputs, targets])));
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let z = 0.3;
      for (let j = 0; j < d; j++) z += inputs.data[i * d + j] * W.data[j];
      r[i] = 1 / (1 + Math.exp(-z)) - targets.data[i];
    }
    const gw = Array.from({ length: d }, (_, j) => r.reduce((s, ri, i) => s + ri * inputs.data[i * d + j], 0));
    close(out[0], { data: Float64Array.from(gw), shape: [d] }, 1e-10, "dW");
    close(out[1], r.reduce((s, x) => s + x, 0), 1e-10, "db");
  });
});

// ---- printing ----------------------------------------------------------------------------------

describe("printing", () => {
  it("emitTs prints array primitives as np calls", () => {
    const text = emitTs(logistic());
    expect(text).toContain("np.matmul(inputs, W)");
    expect(text).toContain("np.sum(");
    const g = emitTs(gradFunc(logistic(), { argnums: [0, 1], keep: [] }));
    expect(g).toMatch(/np\.(broadcastTo|sumLike|expandDims|matmul)/);
  });

  it("lowered code prints readably", () => {
    const text = printFunc(lowerArrays(logistic()));
    expect(text).toContain("inputs_d0");
    expect(text).not.toMatch(/matmul|reduce_sum|broadcast/);
  });
});

// ---- native ------------------------------------------------------------------------------------

const native = nativeAvailable();
describe.skipIf(!native.ok)("native backend", () => {
  it("compiles lowered functions with buffer params and results", () => {
    const fs = [
      fn("nat_add", [["x", A(2)], ["y", A(2)]], (b, x, y) => [b.prim("exp", [b.add(x, y)])]),
      fn("nat_red", [["x", A(3)]], (b, x) => [sum(b, x, [0]), P(b, "reduce_max", [x], { axes: [2], keepdims: true }), P(b, "argmin", [x], { axes: [] })]),
      fn("nat_mm", [["a", A(2)], ["b", A(2)]], (b, x, y) => [P(b, "matmul", [x, P(b, "transpose", [y], { perm: [1, 0] })])]),
      logistic(),
      gradFunc(logistic(), { argnums: [0, 1], keep: [] }, "grad_loss"),
    ];
    const args: Arg[][] = [
      [nd([3, 1]), nd([1, 4])],
      [nd([2, 3, 4])],
      [nd([3, 4]), nd([5, 4])],
      [nd([3]), 0.3, nd([6, 3]), nd([6], "f64", (k) => k % 2)],
      [nd([3]), 0.3, nd([6, 3]), nd([6], "f64", (k) => k % 2)],
    ];
    const lowered = fs.map(lowerArrays);
    const lib = compileNative(lowered);
    fs.forEach((f, k) => {
      const want = interpret(f, args[k]).map(norm);
      const got = unflatten(f.body.results.map((r) => r.type), lib.get(f.name).invoke(flatArgs(args[k])) as JsValue[]);
      want.forEach((w, j) => close(got[j], w, 1e-12, `${f.name} native result ${j}`));
    });
  });

  it("reports shape errors as out-of-bounds errors", () => {
    const f = fn("nat_bad", [["x", A(1)], ["y", A(1)]], (b, x, y) => [b.add(x, y)]);
    const lib = compileNative([lowerArrays(f)]);
    expect(() => lib.get("nat_bad").invoke(flatArgs([nd([3]), nd([4])]))).toThrow();
  });
});
