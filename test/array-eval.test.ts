// compiler/ir/array-eval.ts against numpy (golden values from
// scripts/golden_arrays.py), its error messages, and interpret() on IR that
// uses array primitives.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type NDValue, evalArrayPrim } from "../compiler/ir/array-eval.js";
import { Builder } from "../compiler/ir/builder.js";
import { type AnyValue, interpret } from "../compiler/ir/interp.js";
import { resultType } from "../compiler/ir/prims.js";
import { type Attrs, type DType, type Func, type Prim, type Type, arrayOf, i32, lit } from "../compiler/ir/syntax.js";
import { verifyFunc } from "../compiler/ir/verify.js";
import { newData } from "../compiler/ir/array-shape.js";

interface Encoded {
  dtype: DType;
  shape: number[];
  data: (number | string)[];
}
interface Case {
  name: string;
  prim: Prim;
  args: Encoded[];
  attrs: Attrs | null;
  expect: Encoded;
  tol: number;
}

const golden = JSON.parse(readFileSync(fileURLToPath(new URL("./data/array_golden.json", import.meta.url)), "utf8")) as { produced_by: string; cases: Case[] };

const decodeNum = (x: number | string) => (typeof x === "number" ? x : x === "NaN" ? NaN : x === "Infinity" ? Infinity : -Infinity);

/** Rank 0 becomes a number, as the interpreter represents scalars. */
function decode(e: Encoded): number | NDValue {
  const data = newData(e.dtype, e.data.length);
  e.data.forEach((x, k) => (data[k] = decodeNum(x)));
  return e.shape.length === 0 ? data[0] : { data, shape: e.shape };
}

const typeOf = (e: Encoded): Type => ({ dtype: e.dtype, rank: e.shape.length });
const ctorOf = { f64: Float64Array, f32: Float32Array, i32: Int32Array, bool: Uint8Array };

/** Equal within a relative tolerance (0: exactly, ignoring the sign of zero); NaN equals NaN. */
function close(got: number, want: number, tol: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (got === want) return true;
  return tol > 0 && Math.abs(got - want) <= tol * Math.max(1, Math.abs(want));
}

/** A mismatch description, or "" when `got` is the expected value. */
function compare(got: number | NDValue, c: Case): string {
  const want = decode(c.expect);
  if (typeof want === "number") {
    if (typeof got !== "number") return `expected a number, got shape [${got.shape}]`;
    return close(got, want, c.tol) ? "" : `got ${got}, want ${want}`;
  }
  if (typeof got === "number") return `expected shape [${want.shape}], got the number ${got}`;
  if (got.shape.join() !== want.shape.join()) return `shape [${got.shape}], want [${want.shape}]`;
  if (!(got.data instanceof ctorOf[c.expect.dtype])) return `data is ${got.data.constructor.name}, want ${c.expect.dtype}`;
  for (let k = 0; k < want.data.length; k++) if (!close(got.data[k], want.data[k], c.tol)) return `element ${k}: got ${got.data[k]}, want ${want.data[k]}`;
  return "";
}

describe("array semantics match numpy", () => {
  it("golden file is from numpy", () => {
    expect(golden.produced_by).toMatch(/numpy/);
    expect(golden.cases.length).toBeGreaterThan(100);
  });

  const byPrim = new Map<Prim, Case[]>();
  for (const c of golden.cases) byPrim.set(c.prim, [...(byPrim.get(c.prim) ?? []), c]);
  for (const [prim, cs] of byPrim) {
    it(`${prim} (${cs.length} cases)`, () => {
      const failures: string[] = [];
      for (const c of cs) {
        const attrs = c.attrs ?? undefined;
        // The typing rules must give numpy's rank, so the result type comes from prims.ts.
        const out = resultType(c.prim, c.args.map(typeOf), attrs);
        if (out.dtype !== c.expect.dtype || out.rank !== c.expect.shape.length) {
          failures.push(`${c.name}: typed ${out.dtype}[${out.rank}], numpy gives ${c.expect.dtype}[${c.expect.shape.length}]`);
          continue;
        }
        const msg = compare(evalArrayPrim(c.prim, c.args.map(decode), attrs, out), c);
        if (msg) failures.push(`${c.name}: ${msg}`);
      }
      expect(failures).toEqual([]);
    });
  }

  it("covers every array primitive and broadcasting elementwise primitive", () => {
    for (const p of ["shape", "full", "iota", "broadcast_to", "broadcast_like", "sum_like", "reduce_sum", "reduce_max", "reduce_min", "reduce_prod", "argmax", "argmin", "matmul", "transpose", "reshape", "expand_dims", "squeeze", "concatenate", "slice", "take", "scatter_add", "add", "select", "cast"] as Prim[])
      expect(byPrim.has(p), p).toBe(true);
  });
});

// ---- direct checks and errors -------------------------------------------------------------

const nd = (data: number[], shape: number[], dtype: DType = "f64"): NDValue => {
  const d = newData(dtype, data.length);
  d.set(data);
  return { data: d, shape };
};
const run = (prim: Prim, args: (number | NDValue | Float64Array | Int32Array)[], attrs?: Attrs) => {
  const types = args.map((a): Type => (typeof a === "number" ? i32 : ArrayBuffer.isView(a) ? arrayOf(a instanceof Int32Array ? "i32" : "f64") : arrayOf(a.data instanceof Int32Array ? "i32" : "f64", a.shape.length)));
  return evalArrayPrim(prim, args, attrs, resultType(prim, types, attrs));
};

describe("array semantics details", () => {
  it("accepts a bare typed array as rank 1", () => {
    expect(run("reduce_sum", [Float64Array.of(1, 2, 3)], { axes: [] })).toBe(6);
    expect(run("add", [Float64Array.of(1, 2), nd([10, 20, 30, 40], [2, 2])])).toEqual(nd([11, 22, 31, 42], [2, 2]));
  });

  it("i32 elementwise wraps and f32 rounds, as evalScalar does", () => {
    const out = evalArrayPrim("add", [nd([2147483647, 1], [2], "i32"), 1], undefined, arrayOf("i32"));
    expect(Array.from((out as NDValue).data)).toEqual([-2147483648, 2]);
    const f = evalArrayPrim("mul", [nd([0.1, 3], [2], "f32"), nd([3], [1], "f32")], undefined, arrayOf("f32")) as NDValue;
    expect(f.data[0]).toBe(Math.fround(Math.fround(0.1) * 3));
  });

  it("f32 sums accumulate sequentially in f32", () => {
    const x = nd([1, 1e-8, 1e-8, 1e-8], [4], "f32");
    // (1 + 1e-8) rounds back to 1 in f32 at every step
    expect(evalArrayPrim("reduce_sum", [x], { axes: [] }, { dtype: "f32", rank: 0 })).toBe(1);
  });

  it("reports errors like numpy", () => {
    const x23 = nd([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(() => run("add", [x23, nd([1, 2, 3, 4], [4])])).toThrow("cannot broadcast shapes [2,3] and [4]");
    expect(() => run("broadcast_to", [nd([1, 2, 3], [3]), 2, 4])).toThrow("cannot broadcast shape [3] to [2,4]");
    expect(() => run("sum_like", [x23, nd([0, 0], [2])])).toThrow("sum_like: cannot sum shape [2,3] down to [2]");
    expect(() => run("take", [nd([1, 2, 3, 4], [4]), 5], { axes: [0] })).toThrow("index 5 is out of bounds for axis 0 with size 4");
    expect(() => run("take", [nd([1, 2, 3, 4], [4]), nd([0, -5], [2], "i32")], { axes: [0] })).toThrow("index -5 is out of bounds for axis 0 with size 4");
    expect(() => run("scatter_add", [nd([0, 0], [2]), nd([2], [1], "i32"), nd([1], [1])], { axes: [0] })).toThrow("index 2 is out of bounds for axis 0 with size 2");
    expect(() => run("reduce_max", [nd([], [0, 3])], { axes: [0] })).toThrow("zero-size array to reduction operation maximum which has no identity");
    expect(() => run("reduce_min", [nd([], [0])], { axes: [] })).toThrow("zero-size array to reduction operation minimum which has no identity");
    expect(() => run("argmax", [nd([], [3, 0])], { axes: [1] })).toThrow("attempt to get argmax of an empty sequence");
    expect(() => run("squeeze", [x23], { axes: [1] })).toThrow("cannot select an axis to squeeze out which has size not equal to one");
    expect(() => run("reshape", [x23, 4, -1])).toThrow("cannot reshape array of size 6 into shape [4,-1]");
    expect(() => run("reshape", [x23, -1, -1])).toThrow("can only specify one unknown dimension");
    expect(() => run("reshape", [nd([], [0, 3]), 0, -1])).toThrow("cannot reshape array of size 0 into shape [0,-1]");
    expect(() => run("slice", [x23, 2, 2], { axes: [1] })).toThrow("slice [2, 4) is out of bounds for axis 1 with size 3");
    expect(() => run("slice", [x23, -1, 1], { axes: [0] })).toThrow("slice [-1, 0) is out of bounds for axis 0 with size 2");
    expect(() => run("matmul", [x23, nd([0, 0, 0, 0, 0, 0, 0, 0], [4, 2])])).toThrow("matmul: mismatch in core dimension 0 of operand 1: size 4 is different from 3");
    expect(() => run("concatenate", [x23, nd([1, 2, 3, 4], [2, 2])], { axes: [0] })).toThrow(
      "all the input array dimensions except for the concatenation axis must match exactly, but along dimension 1, the array at index 0 has size 3 and the array at index 1 has size 2",
    );
    expect(() => run("full", [1.5, -2])).toThrow("full: negative dimensions are not allowed");
    // the typing rules reject this one too; evalArrayPrim checks on its own
    expect(() => evalArrayPrim("transpose", [x23], { perm: [0, 0] }, arrayOf("f64", 2))).toThrow("transpose: [0,0] is not a permutation");
  });
});

// ---- the interpreter ----------------------------------------------------------------------

describe("interpret() with array primitives", () => {
  /**
   * f(x: f64[2], w: f64[1], k: i32) =
   *   (softmax-ish row sums of exp(x - max(x, axis 1)), the argmax of each row, and a buffer read)
   * built from reshape, reduce_max (keepdims), broadcasting sub, exp, reduce_sum, take, argmax,
   * transpose, matmul, and arr_get on a rank-1 array.
   */
  function build(): Func {
    const b = new Builder();
    const x = b.fresh("x", arrayOf("f64", 1));
    const w = b.fresh("w", arrayOf("f64", 2));
    const k = b.fresh("k", i32);
    const m = b.prim("reshape", [x, lit(2, i32), lit(-1, i32)]); // [2,3]
    const mx = b.prim("reduce_max", [m], { axes: [1], keepdims: true }); // [2,1]
    const e = b.prim("exp", [b.sub(m, mx)]); // broadcast [2,3] - [2,1]
    const s = b.prim("reduce_sum", [e], { axes: [1] }); // [2]
    const am = b.prim("argmax", [m], { axes: [1] }); // [2] i32
    const row = b.prim("take", [m, k], { axes: [0] }); // [3]
    const mw = b.prim("matmul", [b.prim("transpose", [m], { perm: [1, 0] }), w]); // [3,2] @ [2,2]
    const got = b.prim("arr_get", [row, lit(2, i32)]); // arr_* on a rank-1 NDValue
    const scaled = b.mul(row, lit(2)); // array times scalar literal
    return { name: "arrays", params: [x, w, k], body: { stmts: b.stmts, results: [s, am, mw, got, scaled] } };
  }

  it("verifies and runs", () => {
    const f = build();
    verifyFunc(f);
    const x = Float64Array.of(1, 3, 2, 0, -1, 5);
    const w = nd([1, 0, 0, 2], [2, 2]);
    const [s, am, mw, got, scaled] = interpret(f, [x, w, 1]) as [NDValue, NDValue, NDValue, number, NDValue];
    const want = [Math.exp(-2) + 1 + Math.exp(-1), Math.exp(-5) + Math.exp(-6) + 1];
    s.data.forEach((v, j) => expect(v).toBeCloseTo(want[j], 14));
    expect(am).toEqual(nd([1, 2], [2], "i32"));
    expect(mw).toEqual(nd([1, 0, 3, -2, 2, 10], [3, 2]));
    expect(got).toBe(5);
    expect(scaled).toEqual(nd([0, -2, 10], [3]));
  });

  it("keeps buffers as typed arrays for scalar-and-buffer code", () => {
    const b = new Builder();
    const n = b.fresh("n", i32);
    const a = b.prim("arr_new", [n], { dtype: "f64" });
    const a1 = b.prim("arr_set", [a, lit(0, i32), lit(4)]);
    const sq = b.prim("sqrt", [a1]);
    const sum = b.prim("reduce_sum", [sq], { axes: [] });
    const f: Func = { name: "buf", params: [n], body: { stmts: b.stmts, results: [sq, sum, b.prim("arr_len", [sq])] } };
    verifyFunc(f);
    const out: AnyValue[] = interpret(f, [3]);
    expect(out[0]).toEqual(Float64Array.of(2, 0, 0));
    expect(out.slice(1)).toEqual([2, 3]);
  });

  it("reports run-time shape errors", () => {
    const b = new Builder();
    const x = b.fresh("x", arrayOf("f64", 2));
    const y = b.fresh("y", arrayOf("f64", 1));
    const f: Func = { name: "bad", params: [x, y], body: { stmts: b.stmts, results: [b.add(x, y)] } };
    verifyFunc(f);
    expect(() => interpret(f, [nd([1, 2, 3, 4, 5, 6], [2, 3]), Float64Array.of(1, 2)])).toThrow("cannot broadcast shapes [2,3] and [2]");
  });
});
