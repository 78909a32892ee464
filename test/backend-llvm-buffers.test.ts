// Rank-1 buffers at the native boundary: typed arrays in, fresh typed arrays
// out, agreement with the interpreter, bounds errors, vectorization, speed.
//
// The functions follow the lowered-array contract (passes/lower-arrays.ts):
// a buffer param is followed by its i32 dims, a buffer result by its dims.

import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  NativeError,
  type NativeLibrary,
  type TypedArray,
  compileNative,
  nativeAvailable,
  optimizedLLVMText,
} from "../compiler/backends/llvm/index.js";
import { Builder } from "../compiler/ir/builder.js";
import { interpret } from "../compiler/ir/interp.js";
import { type Atom, type DType, type Func, type Type, type Var, arrayOf, f64, i32, lit } from "../compiler/ir/syntax.js";
import { verifyFunc } from "../compiler/ir/verify.js";

const avail = nativeAvailable();
if (!avail.ok) console.warn(`skipping LLVM buffer tests: ${avail.reason}`);

const here = dirname(fileURLToPath(import.meta.url));
const F64 = arrayOf("f64");

// ---- building test functions ---------------------------------------------------------------

function func(name: string, params: [string, Type][], build: (b: Builder, ...ps: Var[]) => Atom[]): Func {
  const b = new Builder();
  const ps = params.map(([n, t]) => b.fresh(n, t));
  const f: Func = { name, params: ps, body: { stmts: b.stmts, results: build(b, ...ps) } };
  verifyFunc(f);
  return f;
}

function forLoop(b: Builder, lo: Atom, hi: Atom, inits: Atom[], body: (i: Var, c: Var[]) => Atom[]): Var[] {
  const i = b.fresh("i", i32);
  const carried = inits.map((a) => b.fresh("c", a.type));
  const blk = b.block(() => body(i, carried));
  const outs = inits.map((a) => b.fresh("o", a.type));
  b.emit({ kind: "for", outs, index: i, lo, hi, reverse: false, carried, inits, body: blk });
  return outs;
}

const get = (b: Builder, a: Atom, i: Atom) => b.prim("arr_get", [a, i]);
const set = (b: Builder, a: Atom, i: Atom, x: Atom) => b.prim("arr_set", [a, i, x]);

/** out[i] = op(a[i], b[i], c[i]) for i < n (n = a's dim); returns (out, n). */
function elementwise(name: string, op: (b: Builder, x: Atom, y: Atom, z: Atom) => Atom): Func {
  return func(name, [["a", F64], ["na", i32], ["b", F64], ["nb", i32], ["c", F64], ["nc", i32]], (b, a, na, bb, _nb, c) => {
    const out0 = b.prim("arr_new", [na], { dtype: "f64" });
    const [out] = forLoop(b, lit(0, i32), na, [out0], (i, [o]) => [set(b, o, i, op(b, get(b, a, i), get(b, bb, i), get(b, c, i)))]);
    return [out, na];
  });
}

const saxpy = elementwise("saxpy", (b, x, y, z) => b.add(b.mul(x, y), z));
const ewTanh = elementwise("ew_tanh", (b, x, y, z) => b.add(b.mul(x, y), b.prim("tanh", [z])));

/** s = sum a[i] * b[i]. */
const dot = func("dot", [["a", F64], ["na", i32], ["b", F64], ["nb", i32]], (b, a, na, bb) =>
  forLoop(b, lit(0, i32), na, [lit(0)], (i, [s]) => [b.add(s, b.mul(get(b, a, i), get(b, bb, i)))]));

/**
 * Logistic regression: the mean gradient of the log loss and the loss, for
 * X (n x d, row-major), y (n), w (d). Returns (grad, d, loss).
 */
const logreg = func("logreg_grad", [["X", F64], ["n", i32], ["d", i32], ["y", F64], ["ny", i32], ["w", F64], ["nw", i32]], (b, X, n, d, y, _ny, w) => {
  const g0 = b.prim("arr_new", [d], { dtype: "f64" });
  const [g, loss] = forLoop(b, lit(0, i32), n, [g0, lit(0)], (i, [g, l]) => {
    const row = b.mul(i, d);
    const [z] = forLoop(b, lit(0, i32), d, [lit(0)], (j, [s]) => [b.add(s, b.mul(get(b, X, b.add(row, j)), get(b, w, j)))]);
    const p = b.div(lit(1), b.add(lit(1), b.prim("exp", [b.neg(z)])));
    const yi = get(b, y, i);
    const e = b.sub(p, yi);
    const [g2] = forLoop(b, lit(0, i32), d, [g], (j, [gg]) => [set(b, gg, j, b.add(get(b, gg, j), b.mul(e, get(b, X, b.add(row, j)))))]);
    // -(y log p + (1 - y) log(1 - p))
    const li = b.neg(b.add(b.mul(yi, b.prim("log", [p])), b.mul(b.sub(lit(1), yi), b.prim("log", [b.sub(lit(1), p)]))));
    return [g2, b.add(l, li)];
  });
  const nf = b.cast(n, "f64");
  const [gm] = forLoop(b, lit(0, i32), d, [g], (j, [gg]) => [set(b, gg, j, b.div(get(b, gg, j), nf))]);
  return [gm, d, b.div(loss, nf)];
});

/** Every dtype in and out: a[i] cast to each dtype, plus the input itself (a param returned as is). */
function castAll(d: DType): Func {
  return func(`cast_${d}`, [["a", arrayOf(d)], ["n", i32]], (b, a, n) => {
    const outs = (["f64", "f32", "i32", "bool"] as DType[]).map((to) => {
      const o0 = b.prim("arr_new", [n], { dtype: to });
      const [o] = forLoop(b, lit(0, i32), n, [o0], (i, [o]) => [set(b, o, i, b.cast(get(b, a, i), to))]);
      return o;
    });
    return [outs[0], n, outs[1], n, outs[2], n, outs[3], n, a, n, b.prim("arr_len", [a])];
  });
}
const casts = (["f64", "f32", "i32", "bool"] as DType[]).map(castAll);

/** Reads a[k]: out of bounds for k outside [0, len). Also returns a fresh buffer, to check nothing leaks on error. */
const readAt = func("read_at", [["a", F64], ["n", i32], ["k", i32]], (b, a, n, k) => {
  const o = b.prim("arr_new", [n], { dtype: "f64" });
  return [get(b, a, k), o, n];
});

/** The same buffer twice as a result, and one copy made after a write. */
const twice = func("twice", [["a", F64], ["n", i32]], (b, a, n) => {
  const c = set(b, a, lit(0, i32), lit(42));
  return [a, n, a, n, c, n];
});

const all = [saxpy, ewTanh, dot, logreg, ...casts, readAt, twice];

// ---- helpers -------------------------------------------------------------------------------

function random(n: number, seed: number): Float64Array {
  const x = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    x[i] = s / 2147483648 - 0.5;
  }
  return x;
}

function same(got: unknown, want: unknown): boolean {
  if (typeof got === "number") return Object.is(got, want);
  const g = got as TypedArray;
  const w = want as TypedArray;
  if (g.constructor !== w.constructor || g.length !== w.length) return false;
  for (let i = 0; i < g.length; i++) if (!Object.is(g[i], w[i])) return false;
  return true;
}

// ---- the tests -------------------------------------------------------------------------------

describe.skipIf(!avail.ok)("LLVM backend: rank-1 buffers", () => {
  let lib: NativeLibrary;
  let cacheDir: string;
  const savedEnv = process.env.TSGRAD_CACHE_DIR;

  beforeAll(() => {
    cacheDir = mkdtempSync(join(tmpdir(), "tsgrad-llvm-buf-"));
    process.env.TSGRAD_CACHE_DIR = cacheDir;
    lib = compileNative(all);
  });

  afterAll(() => {
    if (savedEnv === undefined) delete process.env.TSGRAD_CACHE_DIR;
    else process.env.TSGRAD_CACHE_DIR = savedEnv;
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const close = (got: number, want: number) => Math.abs(got - want) <= 1e-14 * Math.max(1, Math.abs(want));

  it("matches the interpreter on buffers of every dtype, in and out", () => {
    const n = 37;
    const inputs: Record<DType, TypedArray> = {
      f64: Float64Array.from(random(n, 1), (x, i) => [NaN, -0, Infinity, 3e9, -(2 ** 31) - 0.5][i] ?? x * 1e3),
      f32: Float32Array.from(random(n, 2), (x) => x * 100),
      i32: Int32Array.from(random(n, 3), (x, i) => (i === 0 ? -(2 ** 31) : Math.round(x * 1e6))),
      bool: Uint8Array.from(random(n, 4), (x) => (x > 0 ? 1 : 0)),
    };
    for (const f of casts) {
      const d = f.params[0].type.dtype;
      for (const len of [n, 1, 0]) {
        const a = inputs[d].slice(0, len);
        const before = a.slice();
        const got = lib.get(f.name).invoke([a, len]);
        const want = interpret(f, [a, len]);
        got.forEach((g, k) => expect(same(g, want[k]), `${f.name}[${len}] result ${k}: ${g} vs ${want[k]}`).toBe(true));
        expect(same(a, before), "inputs are read-only").toBe(true);
        expect(got[8]).not.toBe(a); // a param returned as is comes back as a fresh copy
      }
    }
  });

  it("matches the interpreter on elementwise loops, reductions and a logistic-regression gradient", () => {
    for (const n of [0, 1, 3, 12, 1000]) {
      const [a, b, c] = [random(n, 5), random(n, 6), random(n, 7)];
      const want = interpret(saxpy, [a, n, b, n, c, n]);
      expect(same(lib.get("saxpy").invoke([a, n, b, n, c, n])[0], want[0])).toBe(true);
      const t = lib.get("ew_tanh").invoke([a, n, b, n, c, n])[0] as Float64Array;
      const tw = interpret(ewTanh, [a, n, b, n, c, n])[0] as Float64Array;
      t.forEach((x, i) => expect(close(x, tw[i])).toBe(true));
      // Without NativeOptions.reassociate the sum keeps JS's order: bit-exact.
      expect(lib.get("dot").invoke([a, n, b, n])).toEqual(interpret(dot, [a, n, b, n]));
    }
    for (const [n, d] of [[4, 3], [1, 1], [50, 7], [0, 2]]) {
      const X = random(n * d, 8);
      const y = random(n, 9).map((v) => (v > 0 ? 1 : 0));
      const w = random(d, 10);
      const [g, gd, loss] = lib.get("logreg_grad").invoke([X, n, d, y, n, w, d]) as [Float64Array, number, number];
      const [wg, , wl] = interpret(logreg, [X, n, d, y, n, w, d]) as [Float64Array, number, number];
      expect(gd).toBe(d);
      expect(g.length).toBe(d);
      if (n === 0) expect(Number.isNaN(loss) && Number.isNaN(wl)).toBe(true);
      else expect(close(loss, wl)).toBe(true);
      g.forEach((x, i) => expect(n === 0 ? Object.is(x, wg[i]) : close(x, wg[i]), `grad[${i}]`).toBe(true));
    }
  });

  it("passes big buffers without copying and returns big results through tsg_take", () => {
    const n = 10_000_000;
    const [a, b, c] = [random(n, 11), random(n, 12), random(n, 13)];
    const k = lib.get("saxpy");
    const t0 = performance.now();
    const out = k.invoke([a, n, b, n, c, n])[0] as Float64Array;
    const ms = performance.now() - t0;
    const t1 = performance.now();
    const js = new Float64Array(n);
    for (let i = 0; i < n; i++) js[i] = a[i] * b[i] + c[i];
    console.log(`saxpy n=1e7: native invoke ${ms.toFixed(1)} ms (incl. result copy), plain JS loop ${(performance.now() - t1).toFixed(1)} ms`);
    expect(out.length).toBe(n);
    expect(same(out, js)).toBe(true);
    // Results larger than the stage go through tsg_take; the stage then grows, so a medium result is staged next time.
    const m = 1500;
    const first = k.invoke([a.subarray(0, m), m, b.subarray(0, m), m, c.subarray(0, m), m])[0];
    const second = k.invoke([a.subarray(0, m), m, b.subarray(0, m), m, c.subarray(0, m), m])[0];
    expect(same(first, second) && same(first, js.subarray(0, m).slice())).toBe(true);
  });

  it("returns the same buffer twice as two fresh arrays, staged or taken", () => {
    const k = lib.get("twice");
    for (const n of [3, 5000]) {
      const a = random(n, 14);
      const before = a.slice();
      const [r0, , r1, , r2] = k.invoke([a, n]) as Float64Array[];
      expect(same(a, before)).toBe(true);
      expect(r0 !== r1 && r0 !== a && r1 !== a).toBe(true);
      expect(same(r0, before) && same(r1, before)).toBe(true);
      expect(r2[0]).toBe(42);
      expect(same(r2.subarray(1), before.subarray(1))).toBe(true);
    }
    // The kernel's own in/out memory as an input: copied first (those views are declared noalias).
    const o = k.output;
    o.fill(7);
    const r = k.invoke([o, o.length]) as Float64Array[];
    expect(Array.from(r[0])).toEqual(Array.from({ length: o.length }, () => 7));
  });

  it("throws NativeError on out-of-bounds reads and frees everything", () => {
    const k = lib.get("read_at");
    const a = random(8, 15);
    for (const i of [-1, 8, 2 ** 31 - 1]) {
      expect(() => k.invoke([a, 8, i])).toThrow(NativeError);
      expect(() => k.invoke([a, 8, i])).toThrow("index out of bounds");
    }
    expect(() => k.invoke([new Float64Array(0), 0, 0])).toThrow(NativeError);
    expect(k.invoke([a, 8, 7])[0]).toBe(a[7]);
    // Dims that disagree with the buffer: the loop bound is the dim, the check uses the real length.
    const s = lib.get("saxpy");
    const x = random(4, 16);
    expect(() => s.invoke([x, 5, x, 4, x, 4])).toThrow(NativeError);
    expect(() => s.invoke([x, 4, x, 4, x.subarray(0, 3), 3])).toThrow("index out of bounds");
    expect(s.invoke([x, 4, x, 4, x, 4])[1]).toBe(4);
  });

  it("checks argument classes and converts plain arrays", () => {
    const k = lib.get("cast_f64");
    expect(() => k.invoke([new Float32Array(2), 2])).toThrow(TypeError);
    expect(() => k.invoke([new Float64Array(2)])).toThrow("expects 2 arguments");
    expect((k.invoke([[1.5, -2], 2])[0] as Float64Array).constructor).toBe(Float64Array);
    expect(Array.from(k.invoke([[1.5, -2], 2])[4] as Float32Array)).toEqual([1, -2].map((v, i) => [1, 1][i] * v));
    expect(() => k.call(1)).toThrow("invoke()");
  });

  it("vectorizes elementwise loops and, with reassociate, reductions (golden IR)", () => {
    const golden = join(here, "golden", "vectorize-saxpy.ll");
    // Generic x86-64 (no -mcpu=native), so the file does not depend on the machine that wrote it.
    const text = optimizedLLVMText([saxpy, dot], { reassociate: true, native: false }).replace(/^; ModuleID = .*\n/m, "");
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) {
      mkdirSync(dirname(golden), { recursive: true });
      writeFileSync(golden, text);
    }
    const fn = (t: string, name: string) => t.slice(t.indexOf(`@tsgk_${name}(`), t.indexOf("\n}\n", t.indexOf(`@tsgk_${name}(`)));
    for (const t of [text, readFileSync(golden, "utf8")]) {
      expect(fn(t, "saxpy")).toMatch(/fmul <[248] x double>/);
      expect(fn(t, "dot")).toMatch(/fadd reassoc <[248] x double>/);
    }
    // On this machine, and without reassociation: the elementwise loop still vectorizes, the sum does not.
    const native = optimizedLLVMText([saxpy, dot]);
    const width = /fmul <(\d+) x double>/.exec(fn(native, "saxpy"))?.[1];
    console.log(`-mcpu=native: saxpy vectorized as <${width} x double>`);
    expect(width).toBeDefined();
    expect(fn(native, "dot")).not.toMatch(/x double>/);
  });

  it("runs a reassociated reduction within rounding of the exact one", () => {
    const r = compileNative([dot], { reassociate: true }).get("dot");
    const n = 1001;
    const [a, b] = [random(n, 17), random(n, 18)];
    const exact = interpret(dot, [a, n, b, n])[0] as number;
    expect(Math.abs((r.invoke([a, n, b, n])[0] as number) - exact)).toBeLessThan(1e-12);
  });

  it("calls a small buffer kernel quickly", () => {
    const time = (body: () => void, N = 200_000) => {
      for (let i = 0; i < 20_000; i++) body();
      let best = Infinity;
      for (let r = 0; r < 5; r++) {
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < N; i++) body();
        best = Math.min(best, Number(process.hrtime.bigint() - t0) / N);
      }
      return best;
    };
    const X = random(12, 19);
    const y = Float64Array.of(1, 0, 1, 1);
    const w = random(3, 20);
    const k = lib.get("logreg_grad");
    const args = [X, 4, 3, y, 4, w, 3];
    let sink = 0;
    const lr = time(() => {
      sink += (k.invoke(args)[0] as Float64Array)[0];
    });
    const s = lib.get("saxpy");
    const sargs = [X, 12, X, 12, X, 12];
    const sx = time(() => {
      sink += (s.invoke(sargs)[0] as Float64Array)[0];
    });
    const d = lib.get("dot");
    const dargs = [X, 12, X, 12];
    const dt = time(() => {
      sink += d.invoke(dargs)[0] as number;
    });
    console.log(`ns/call (best of 5): logreg grad n=4 d=3 ${lr.toFixed(0)}, saxpy n=12 ${sx.toFixed(0)}, dot n=12 ${dt.toFixed(0)} (sink ${Number.isFinite(sink)})`);
    expect(lr).toBeLessThan(5000); // generous: shared CI machines; typically well under 1 µs
  });
});
