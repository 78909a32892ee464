// The LLVM backend against the reference interpreter. Every function below is
// compiled into ONE shared library (one opt, one llc, one link) and each
// result is compared with `interpret`: exactly (Object.is, so -0 and NaN count)
// for every primitive except the libm transcendental functions, where the C
// library and V8's fdlibm port may differ in the last bit: those get 1 ulp of
// the result's dtype.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clearMemoryCache,
  compileNative,
  locateToolchain,
  nativeAvailable,
  type NativeLibrary,
  toolchainStats,
} from "../compiler/backends/llvm/index.js";
import { lowerings } from "../compiler/backends/llvm/lower.js";
import { Builder } from "../compiler/ir/builder.js";
import { interpret } from "../compiler/ir/interp.js";
import { typeRules } from "../compiler/ir/prims.js";
import {
  type Atom,
  type Attrs,
  type DType,
  type Func,
  type Prim,
  PRIMS,
  BUFFER_PRIMS,
  ARRAY_PRIMS as ARRAY_PRIMS_LIST,
  type Stmt,
  type Type,
  type Var,
  arrayOf,
  bool,
  f32,
  f64,
  i32,
  lit,
  scalar,
} from "../compiler/ir/syntax.js";
import { verifyFunc } from "../compiler/ir/verify.js";

const avail = nativeAvailable();
if (!avail.ok) console.warn(`skipping LLVM backend tests: ${avail.reason}`);

// ---- building test functions ---------------------------------------------------------------

function func(name: string, params: [string, Type][], build: (b: Builder, ...ps: Var[]) => Atom[]): Func {
  const b = new Builder();
  const ps = params.map(([n, t]) => b.fresh(n, t));
  const results = build(b, ...ps);
  const f: Func = { name, params: ps, body: { stmts: b.stmts, results } };
  verifyFunc(f);
  return f;
}

function forLoop(b: Builder, lo: Atom, hi: Atom, reverse: boolean, inits: Atom[], body: (i: Var, c: Var[]) => Atom[]): Var[] {
  const i = b.fresh("i", i32);
  const carried = inits.map((a) => b.fresh("c", a.type));
  const blk = b.block(() => body(i, carried));
  const outs = inits.map((a) => b.fresh("o", a.type));
  b.emit({ kind: "for", outs, index: i, lo, hi, reverse, carried, inits, body: blk });
  return outs;
}

function whileLoop(b: Builder, inits: Atom[], cond: (c: Var[]) => Atom, body: (c: Var[]) => Atom[]): Var[] {
  const carried = inits.map((a) => b.fresh("w", a.type));
  const cb = b.block(() => [cond(carried)]);
  const bb = b.block(() => body(carried));
  const outs = inits.map((a) => b.fresh("o", a.type));
  b.emit({ kind: "while", outs, carried, inits, cond: cb, body: bb });
  return outs;
}

function ifThen(b: Builder, c: Atom, then: () => Atom[], els: () => Atom[]): Var[] {
  const tb = b.block(then);
  const eb = b.block(els);
  const outs = tb.results.map((a) => b.fresh("r", a.type));
  b.emit({ kind: "if", outs, cond: c, then: tb, else: eb });
  return outs;
}

// ---- one function per (primitive, dtype, attrs) ------------------------------------------

// libm calls: C's and V8's implementations may differ by one ulp.
const LIBM = new Set<Prim>(["pow", "powi", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh",
  "asinh", "acosh", "atanh", "exp", "expm1", "log", "log1p", "log2", "log10", "cbrt", "hypot"]);

const DTYPES: DType[] = ["f64", "f32", "i32", "bool"];
// buffer primitives are exercised by the control-flow kernels; array primitives of rank ≥ 2
// never reach this backend (compiler/passes/lower-arrays.ts turns them into buffer loops)
const BUFFERS = new Set<Prim>(BUFFER_PRIMS);
const LOWERED_AWAY = new Set<Prim>(ARRAY_PRIMS_LIST);

interface PrimCase {
  f: Func;
  prim: Prim;
  dtype: DType;
  arity: number;
}

function attrVariants(p: Prim): (Attrs | undefined)[] {
  if (p === "powi") return [0, 1, 2, 3, -1, -2, 5, -7, 10].map((exponent) => ({ exponent }));
  if (p === "cast") return DTYPES.map((dtype) => ({ dtype }));
  return [undefined];
}

function primCases(): PrimCase[] {
  const cases: PrimCase[] = [];
  for (const p of PRIMS) {
    if (BUFFERS.has(p) || LOWERED_AWAY.has(p)) continue;
    for (const d of DTYPES) {
      for (const attrs of attrVariants(p)) {
        // The arity and dtypes a primitive accepts come from its typing rule.
        for (const arity of [1, 2, 3]) {
          const types = Array.from({ length: arity }, (_, k) => (p === "select" && k === 0 ? bool : scalar(d)));
          if (typeof typeRules[p](types, attrs) === "string") continue;
          const tag = attrs?.exponent !== undefined ? `_e${attrs.exponent < 0 ? "m" : ""}${Math.abs(attrs.exponent)}` : attrs?.dtype ? `_to_${attrs.dtype}` : "";
          const f = func(`p_${p}_${d}${tag}`, types.map((t, k) => [`x${k}`, t]), (b, ...xs) => {
            const out = b.fresh("y", typeRules[p](types, attrs) as Type);
            b.emit({ kind: "prim", outs: [out], prim: p, args: xs, attrs });
            return [out];
          });
          cases.push({ f, prim: p, dtype: d, arity });
        }
      }
    }
  }
  return cases;
}

const floatInputs = [0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 1, -1, 3.7, -3.7, 0.1, 0.9, -0.9, 100, 1e300, -1e-300, 5e-324,
  0.49999999999999994, -0.49999999999999994, 2 ** 31, -(2 ** 31) - 1, 4294967301.5, -4294967301.5, 1e20, -1e20, 2 ** 53 + 2, 2 ** 70 + 2 ** 40,
  NaN, Infinity, -Infinity];
const floatPairs = [0, -0, 0.5, -2.5, 1, -1, 3.7, -3.7, 2, 1e300, NaN, Infinity, -Infinity];
const intInputs = [0, 1, -1, 2, -2, 7, -7, 3, 100, -100, 2147483647, -2147483648, 65536];
const intPairs = [0, 1, -1, 7, -7, 3, 2147483647, -2147483648, 65536];

function inputsFor(d: DType, arity: number, prim: Prim): number[][] {
  if (prim === "select") {
    const vs = d === "bool" ? [0, 1] : d === "i32" ? intPairs : floatPairs;
    return [0, 1].flatMap((c) => vs.map((x, k) => [c, x, vs[(k * 5 + 3) % vs.length]]));
  }
  const one = d === "bool" ? [0, 1] : d === "i32" ? intInputs : floatInputs;
  const two = d === "bool" ? [0, 1] : d === "i32" ? intPairs : floatPairs;
  if (arity === 1) return one.map((x) => [x]);
  const pairs = two.flatMap((x) => two.map((y) => [x, y]));
  // fma: a third operand that makes the single rounding matter
  if (arity === 3) return [...pairs.map(([x, y]) => [x, y, 0.5]), [0.1, 0.1, -0.01], [1 + 2 ** -30, 1 - 2 ** -30, -1], [3, 1 / 3, -1]];
  return pairs;
}

const fmt = (x: number) => (Object.is(x, -0) ? "-0" : String(x));

function ulpDistance(a: number, b: number, d: DType): number {
  if (Object.is(a, b)) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const buf = d === "f32" ? new Float32Array(2) : new Float64Array(2);
  buf[0] = a;
  buf[1] = b;
  const ints = d === "f32" ? new Int32Array(buf.buffer) : new BigInt64Array(buf.buffer);
  // Bit patterns of same-sign floats are ordered; opposite signs are far apart anyway.
  return Math.abs(Number(BigInt(ints[0]) - BigInt(ints[1])));
}

// ---- control flow and arrays -----------------------------------------------------------------

const cf: { f: Func; inputs: number[][] }[] = [];
const intRange = [[0, 5], [2, 7], [5, 0], [3, 3], [-3, 4]];

cf.push({
  f: func("cf_if", [["x", f64]], (b, x) => ifThen(b, b.prim("gt", [x, lit(0)]), () => [b.prim("mul", [b.prim("sin", [x]), lit(2)]), lit(1, i32)], () => [b.sub(x, lit(1)), lit(-1, i32)])),
  inputs: [[1], [-1], [0], [-0], [NaN], [3.5]],
});
cf.push({
  // Order-sensitive forward loop: acc = acc * x + i, plus a count.
  f: func("cf_for", [["x", f64], ["lo", i32], ["hi", i32]], (b, x, lo, hi) =>
    forLoop(b, lo, hi, false, [lit(0.5), lit(0, i32)], (i, [acc, n]) => [b.add(b.mul(acc, x), b.cast(i, "f64")), b.add(n, lit(1, i32))])),
  inputs: intRange.flatMap(([lo, hi]) => [[1.5, lo, hi], [-0.75, lo, hi]]),
});
cf.push({
  f: func("cf_for_rev", [["x", f64], ["lo", i32], ["hi", i32]], (b, x, lo, hi) =>
    forLoop(b, lo, hi, true, [lit(0.5), lit(0, i32)], (i, [acc, n]) => [b.add(b.mul(acc, x), b.cast(i, "f64")), b.add(b.mul(n, lit(10, i32)), i)])),
  inputs: intRange.flatMap(([lo, hi]) => [[1.5, lo, hi], [-0.75, lo, hi]]),
});
cf.push({
  // Collatz steps: while, if, i32 rem and division by multiplication.
  f: func("cf_while", [["n", i32]], (b, n) => {
    const [, steps] = whileLoop(b, [n, lit(0, i32)], ([m]) => b.prim("gt", [m, lit(1, i32)]), ([m, k]) => {
      const even = b.prim("eq", [b.prim("rem", [m, lit(2, i32)]), lit(0, i32)]);
      const [next] = ifThen(b, even, () => [b.cast(b.prim("trunc", [b.div(b.cast(m, "f64"), lit(2))]), "i32")], () => [b.add(b.mul(m, lit(3, i32)), lit(1, i32))]);
      return [next, b.add(k, lit(1, i32))];
    });
    return [steps];
  }),
  inputs: [[1], [2], [7], [27], [97], [0], [-5]],
});
cf.push({
  // Nested loops with an inner bound depending on the outer index, and an f32 accumulator.
  f: func("cf_nested", [["n", i32], ["x", f32]], (b, n, x) =>
    forLoop(b, lit(0, i32), n, false, [lit(0), lit(0, f32)], (i, [s, t]) => {
      const [s2, t2] = forLoop(b, lit(0, i32), i, true, [s, t], (j, [u, w]) => [
        b.add(u, b.cast(b.mul(i, j), "f64")),
        b.add(b.mul(w, x), b.cast(j, "f32")),
      ]);
      return [s2, t2];
    })),
  inputs: [[0, 1.5], [1, 1.5], [4, 0.3], [7, -1.1]],
});
cf.push({
  // A tape: the forward loop records x_k = sin(x_{k-1}); the reverse loop multiplies cos(x_k),
  // i.e. d/dx of sin^n(x). Also returns the tape length and the last entry.
  f: func("cf_tape", [["x", f64], ["n", i32]], (b, x, n) => {
    const tape0 = b.prim("arr_new", [n], { dtype: "f64" });
    const [tape, xn] = forLoop(b, lit(0, i32), n, false, [tape0, x], (i, [t, xi]) => [b.prim("arr_set", [t, i, xi]), b.prim("sin", [xi])]);
    const [g] = forLoop(b, lit(0, i32), n, true, [lit(1)], (i, [g]) => [b.mul(g, b.prim("cos", [b.prim("arr_get", [tape, i])]))]);
    return [g, xn, b.prim("arr_len", [tape])];
  }),
  inputs: [[0.7, 0], [0.7, 1], [0.7, 5], [-2, 20]],
});
cf.push({
  // Arrays are values: `a` must not see the later sets (copies where the old array is live).
  f: func("cf_values", [["x", f64], ["i", i32]], (b, x, i) => {
    const a = b.prim("arr_new", [lit(3, i32)], { dtype: "f64" });
    const a1 = b.prim("arr_set", [a, lit(0, i32), x]);
    const a2 = b.prim("arr_set", [a1, i, b.mul(x, lit(2))]);
    const sg = b.prim("stop_gradient", [a2]);
    const a3 = b.prim("arr_set", [sg, lit(2, i32), lit(7)]);
    // A loop whose init stays live after it: the loop must work on a copy.
    const [a4] = forLoop(b, lit(0, i32), lit(3, i32), false, [a3], (k, [c]) => [b.prim("arr_set", [c, k, b.cast(k, "f64")])]);
    const sum = (arr: Atom) => b.add(b.add(b.prim("arr_get", [arr, lit(0, i32)]), b.prim("arr_get", [arr, lit(1, i32)])), b.prim("arr_get", [arr, lit(2, i32)]));
    return [sum(a), sum(a1), sum(a2), sum(a3), sum(a4), sum(sg)];
  }),
  inputs: [[1.5, 1], [1.5, 0], [-2, 2], [3, 3], [3, -1]], // the last two are out of bounds
});
cf.push({
  // i32, f32 and bool arrays; an `if` yielding arrays; a while loop carrying one.
  f: func("cf_arrays", [["n", i32], ["flag", bool]], (b, n, flag) => {
    const ia = b.prim("arr_new", [n], { dtype: "i32" });
    const fa = b.prim("arr_new", [n], { dtype: "f32" });
    const ba = b.prim("arr_new", [n], { dtype: "bool" });
    const [ia2, fa2, ba2] = forLoop(b, lit(0, i32), n, false, [ia, fa, ba], (k, [p, q, r]) => [
      b.prim("arr_set", [p, k, b.mul(k, lit(-3, i32))]),
      b.prim("arr_set", [q, k, b.div(b.cast(k, "f32"), lit(3, f32))]),
      b.prim("arr_set", [r, k, b.prim("eq", [b.prim("rem", [k, lit(2, i32)]), lit(0, i32)])]),
    ]);
    const [chosen] = ifThen(b, flag, () => [ia2], () => [b.prim("arr_set", [ia2, lit(0, i32), lit(42, i32)])]);
    const [, total] = whileLoop(b, [lit(0, i32), lit(0, f32)], ([k]) => b.prim("lt", [k, n]), ([k, acc]) => {
      const val = b.add(b.cast(b.prim("arr_get", [chosen, k]), "f32"), b.prim("arr_get", [fa2, k]));
      const [add] = ifThen(b, b.prim("arr_get", [ba2, k]), () => [val], () => [b.neg(val)]);
      return [b.add(k, lit(1, i32)), b.add(acc, add)];
    });
    return [total, b.prim("arr_get", [ia2, lit(0, i32)]), b.prim("arr_len", [ba2])];
  }),
  inputs: [[1, 0], [1, 1], [6, 1], [6, 0], [0, 1], [-1, 0]], // n = 0 reads out of bounds, n = -1 is an invalid length
});

cf.push({
  // Buffers shared by an `if` yield, a loop init and a loop body yield: writes through
  // one name must never show through another.
  f: func("cf_alias", [["x", f64], ["flag", bool]], (b, x, flag) => {
    const a1 = b.prim("arr_set", [b.prim("arr_new", [lit(2, i32)], { dtype: "f64" }), lit(0, i32), x]);
    const [r] = ifThen(b, flag, () => [a1], () => [b.prim("arr_new", [lit(2, i32)], { dtype: "f64" })]);
    const r2 = b.prim("arr_set", [r, lit(1, i32), lit(5)]);
    const [w] = whileLoop(b, [a1, lit(0, i32)], ([, k]) => b.prim("lt", [k, lit(2, i32)]), ([c, k]) => [
      b.prim("arr_set", [c, k, b.add(b.cast(k, "f64"), lit(10))]),
      b.add(k, lit(1, i32)),
    ]);
    const [d] = forLoop(b, lit(0, i32), lit(2, i32), false, [r2], () => [a1]);
    const e = b.prim("arr_set", [d, lit(0, i32), lit(99)]);
    const get = (arr: Atom, k: number) => b.prim("arr_get", [arr, lit(k, i32)]);
    return [get(a1, 0), get(a1, 1), get(r2, 0), get(r2, 1), get(w, 0), get(w, 1), get(e, 0), get(d, 0), get(r, 1)];
  }),
  inputs: [[1.5, 1], [1.5, 0]],
});

// ---- the tests ---------------------------------------------------------------------------------

function run(f: Func, args: number[]): { ok: true; values: number[] } | { ok: false; error: string } {
  try {
    return { ok: true, values: interpret(f, args) as number[] };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

describe("LLVM toolchain lookup", () => {
  it("names the Debian packages of missing tools", () => {
    const r = locateToolchain({ PATH: "", TSGRAD_LLC: "/nonexistent/llc" });
    expect("reason" in r && r.reason).toMatch(/TSGRAD_LLC=\/nonexistent\/llc.*apt-get install llvm-14 gcc/);
  });
});

describe.skipIf(!avail.ok)("LLVM backend", () => {
  const cases = primCases();
  const all = [...cases.map((c) => c.f), ...cf.map((c) => c.f)];
  let lib: NativeLibrary;
  let cacheDir: string;
  const savedEnv = process.env.TSGRAD_CACHE_DIR;

  beforeAll(() => {
    // A fresh cache so the first compile really compiles.
    cacheDir = mkdtempSync(join(tmpdir(), "tsgrad-llvm-test-"));
    process.env.TSGRAD_CACHE_DIR = cacheDir;
    const before = toolchainStats();
    const t0 = performance.now();
    lib = compileNative(all);
    const after = toolchainStats();
    console.log(`compiled ${all.length} kernels into one library in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(lib.source).toBe("compiled");
    expect(after.llc - before.llc).toBe(1);
    expect(after.opt - before.opt).toBe(1);
  });

  afterAll(() => {
    if (savedEnv === undefined) delete process.env.TSGRAD_CACHE_DIR;
    else process.env.TSGRAD_CACHE_DIR = savedEnv;
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it("has a lowering for every primitive, and the tests exercise every one", () => {
    const used = new Set<Prim>();
    const visit = (stmts: Stmt[]) => {
      for (const s of stmts) {
        if (s.kind === "prim") used.add(s.prim);
        if (s.kind === "if") visit([...s.then.stmts, ...s.else.stmts]);
        if (s.kind === "for") visit(s.body.stmts);
        if (s.kind === "while") visit([...s.cond.stmts, ...s.body.stmts]);
      }
    };
    for (const f of all) visit(f.body.stmts);
    for (const p of PRIMS) {
      expect(typeof lowerings[p], `no LLVM lowering for ${p}`).toBe("function");
      if (!LOWERED_AWAY.has(p)) expect(used.has(p), `no native test exercises ${p}`).toBe(true);
    }
  });

  it("matches the interpreter on every primitive and dtype", () => {
    const failures: string[] = [];
    let checked = 0;
    for (const c of cases) {
      const k = lib.get(c.f.name);
      const outD = c.f.body.results[0].type.dtype;
      for (const args of inputsFor(c.dtype, c.arity, c.prim)) {
        const want = interpret(c.f, args)[0] as number;
        const got = k.call(...args)[0];
        const tol = LIBM.has(c.prim) ? 1 : 0; // 1 ulp for libm functions only, see the header
        const dist = outD === "f64" || outD === "f32" ? ulpDistance(got, want, outD) : Object.is(got, want) ? 0 : Infinity;
        if (dist > tol) failures.push(`${c.f.name}(${args.map(fmt).join(", ")}) = ${fmt(got)}, interpreter ${fmt(want)}`);
        checked++;
      }
    }
    expect(failures.slice(0, 30)).toEqual([]);
    expect(checked).toBeGreaterThan(3000);
  });

  it("matches the interpreter on control flow and arrays", () => {
    for (const { f, inputs } of cf) {
      const k = lib.get(f.name);
      for (const args of inputs) {
        const want = run(f, args);
        if (want.ok) {
          const got = k.call(...args);
          got.forEach((g, j) => {
            const dist = ulpDistance(g, want.values[j], f.body.results[j].type.dtype === "f32" ? "f32" : "f64");
            expect(dist, `${f.name}(${args}) result ${j}: ${g} vs ${want.values[j]}`).toBeLessThanOrEqual(f.name === "cf_tape" ? 1 : 0);
          });
        } else {
          // The interpreter throws "index … out of bounds" or a RangeError for a negative length.
          const msg = /out of bounds/.test(want.error) ? "index out of bounds" : "invalid array length";
          expect(() => k.call(...args), `${f.name}(${args})`).toThrow(msg);
        }
      }
    }
  });

  it("exposes the raw status and the zero-copy buffers", () => {
    const k = lib.get("cf_values");
    const out = new Float64Array(6);
    expect(k.raw([1.5, 5], out)).toBe(1); // out of bounds
    expect(k.raw([1.5, 1], out)).toBe(0);
    k.input[0] = 1.5;
    k.input[1] = 1;
    k.run();
    expect(Array.from(k.output)).toEqual(Array.from(out));
  });

  it("loads from the memory cache, then the disk cache, without spawning any tool", () => {
    const before = toolchainStats().total;
    expect(compileNative(all).source).toBe("memory");
    clearMemoryCache();
    const t0 = performance.now();
    const again = compileNative(all);
    const ms = performance.now() - t0;
    console.log(`disk cache load of ${all.length} kernels: ${ms.toFixed(1)} ms`);
    expect(again.source).toBe("disk");
    expect(toolchainStats().total).toBe(before);
    expect(again.get("cf_tape").call(0.7, 5)).toEqual(lib.get("cf_tape").call(0.7, 5));
  });

  it("rejects unlowered arrays of rank 2 at the native boundary", () => {
    const f = func("arr_param2", [["a", arrayOf("f64", 2)]], (b, a) => [b.prim("shape", [a], { axes: [0] })]);
    expect(() => compileNative([f])).toThrow();
  });

  it("calls a small scalar kernel quickly", () => {
    // A 5-op scalar "gradient": f(x, y) = (y cos x, sin x, x*y + 1).
    const f = func("bench_grad", [["x", f64], ["y", f64]], (b, x, y) => [b.mul(y, b.prim("cos", [x])), b.prim("sin", [x]), b.add(b.mul(x, y), lit(1))]);
    const k = compileNative([f]).get("bench_grad");
    const N = 200_000;
    const time = (body: (i: number) => void) => {
      for (let i = 0; i < 20_000; i++) body(i);
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < N; i++) body(i);
      return Number(process.hrtime.bigint() - t0) / N;
    };
    const inp = new Float64Array(2);
    const out = new Float64Array(3);
    let sink = 0;
    const run = time((i) => {
      k.input[0] = i * 1e-3;
      k.input[1] = 2;
      k.run();
      sink += k.output[0];
    });
    const raw = time((i) => {
      inp[0] = i * 1e-3;
      inp[1] = 2;
      k.raw(inp, out);
      sink += out[0];
    });
    const call = time((i) => {
      sink += k.call(i * 1e-3, 2)[0];
    });
    console.log(`ns/call: run() ${run.toFixed(0)}, raw(in, out) ${raw.toFixed(0)}, call(...) ${call.toFixed(0)} (sink ${sink > 0})`);
    expect(k.call(0.5, 2)).toEqual([2 * Math.cos(0.5), Math.sin(0.5), 2]);
  });
});
