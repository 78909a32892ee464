// One spec table drives the numerical checks of every primitive, on every
// backend, to order 2 (as jax.test_util.check_grads does):
//   - forward mode against central finite differences in random directions;
//   - reverse mode by the dot-product identity <vjp(u), v> = <u, jvp(v)>;
//   - then both again on the JVP itself (second order);
//   - native and JS kernels agree.
// A primitive missing from the table fails the test.
import { describe, expect, it } from "vitest";
import { jvpOf, vjpOf } from "../compiler/ad/grad.js";
import { Builder } from "../compiler/ir/builder.js";
import { type ArrayPrim, type Atom, type Func, type Prim, PRIMS, f64, i32, isArrayPrim, lit } from "../compiler/ir/syntax.js";
import { verifyFunc } from "../compiler/ir/verify.js";
import { nativeAvailable } from "../compiler/backends/llvm/index.js";
import { type Backend, callKernel, kernelFor, setBackend } from "../runtime/kernels.js";

interface Spec {
  /** Builds the function under test from f64 parameters. */
  build: (b: Builder, xs: Atom[]) => Atom;
  /** Random inputs inside the primitive's smooth domain. */
  domain: [number, number][];
  /** Finite differences cannot see this derivative (stop_gradient): check it analytically instead. */
  analytic?: (xs: number[], v: number[]) => number;
}

const R = (lo: number, hi: number): [number, number] => [lo, hi];
const un = (p: Prim, lo = -2, hi = 2): Spec => ({ build: (b, [x]) => b.prim(p, [x]), domain: [R(lo, hi)] });
const bin = (p: Prim, d: [number, number][] = [R(-2, 2), R(-2, 2)]): Spec => ({ build: (b, xs) => b.prim(p, xs), domain: d });
// piecewise-constant and boolean primitives, checked where they are locally constant
const stepwise = (p: Prim): Spec => ({ build: (b, [x]) => b.mul(b.prim(p, [x]), x), domain: [R(0.1, 0.4)] });
const compare = (p: Prim): Spec => ({ build: (b, [x, y]) => b.select(b.prim(p, [x, y]), b.mul(x, y), b.add(x, y)), domain: [R(0, 1), R(2, 3)] });
const logic = (p: Prim): Spec => ({
  build: (b, [x, y]) => {
    const c1 = b.prim("gt", [x, lit(0.5)]);
    const c2 = b.prim("lt", [y, lit(2.5)]);
    const c = p === "not" ? b.prim("not", [c1]) : b.prim(p, [c1, c2]);
    return b.select(c, b.prim("sin", [x]), b.mul(y, y));
  },
  domain: [R(0, 1), R(2, 3)],
});

// The array primitives have their own spec table over array inputs: test/array-primitives.test.ts.
type ScalarHarnessPrim = Exclude<Prim, ArrayPrim>;
const SCALAR_HARNESS_PRIMS = PRIMS.filter((p): p is ScalarHarnessPrim => !isArrayPrim(p));

export const specs: Record<ScalarHarnessPrim, Spec> = {
  add: bin("add"), sub: bin("sub"), mul: bin("mul"),
  fma: { build: (b, [x, y]) => b.prim("fma", [x, y, b.prim("sin", [x])]), domain: [R(-2, 2), R(-2, 2)] }, div: bin("div", [R(-2, 2), R(0.5, 2)]), neg: un("neg"),
  rem: bin("rem", [R(2.1, 2.9), R(1.05, 1.3)]), pow: bin("pow", [R(0.5, 2), R(-1.5, 1.5)]),
  powi: { build: (b, [x]) => b.add(b.prim("powi", [x], { exponent: 3 }), b.prim("powi", [x], { exponent: -2 })), domain: [R(0.5, 2)] },
  sin: un("sin"), cos: un("cos"), tan: un("tan", -1.2, 1.2), asin: un("asin", -0.9, 0.9), acos: un("acos", -0.9, 0.9),
  atan: un("atan"), atan2: bin("atan2", [R(-2, 2), R(0.3, 2)]), sinh: un("sinh"), cosh: un("cosh"), tanh: un("tanh"),
  asinh: un("asinh"), acosh: un("acosh", 1.2, 3), atanh: un("atanh", -0.9, 0.9), exp: un("exp"), expm1: un("expm1"),
  log: un("log", 0.2, 3), log1p: un("log1p", -0.5, 3), log2: un("log2", 0.2, 3), log10: un("log10", 0.2, 3),
  sqrt: un("sqrt", 0.2, 3), cbrt: un("cbrt", 0.2, 3), hypot: bin("hypot", [R(0.5, 2), R(-2, -0.5)]),
  abs: un("abs", 0.2, 2), sign: stepwise("sign"), min: bin("min", [R(0, 1), R(2, 3)]), max: bin("max", [R(0, 1), R(2, 3)]),
  floor: stepwise("floor"), ceil: stepwise("ceil"), round: stepwise("round"), rint: stepwise("rint"), trunc: stepwise("trunc"),
  lt: compare("lt"), le: compare("le"), gt: compare("gt"), ge: compare("ge"), eq: compare("eq"), ne: compare("ne"),
  and: logic("and"), or: logic("or"), not: logic("not"),
  select: { build: (b, [x, y]) => b.select(b.prim("lt", [x, y]), b.prim("exp", [x]), b.mul(x, y)), domain: [R(-1, 1), R(-1, 1)] },
  // f64 → i32 → f64 (float32 round trips are checked in "casts" below: finite differences cannot resolve them)
  cast: { build: (b, [x]) => b.mul(b.cast(b.cast(b.mul(x, lit(10)), "i32"), "f64"), b.prim("sin", [x])), domain: [R(0.31, 0.39)] },
  stop_gradient: {
    build: (b, [x, y]) => b.mul(b.prim("stop_gradient", [b.mul(x, y)]), y),
    domain: [R(-2, 2), R(-2, 2)],
    analytic: ([x, y], [, vy]) => x * y * vy,
  },
  // the array primitives: a buffer written, overwritten and read back
  arr_new: { build: (b, [x]) => b.prim("arr_get", [b.prim("arr_new", [lit(4, i32)], { dtype: "f64" }), lit(2, i32)]), domain: [R(-1, 1)] },
  arr_len: { build: (b, [x]) => b.mul(x, b.cast(b.prim("arr_len", [b.prim("arr_new", [lit(3, i32)], { dtype: "f64" })]), "f64")), domain: [R(-1, 1)] },
  arr_get: { build: (b, [x, y]) => arrayProgram(b, x, y), domain: [R(-1, 1), R(-1, 1)] },
  arr_set: { build: (b, [x, y]) => arrayProgram(b, y, x), domain: [R(-1, 1), R(-1, 1)] },
};

function arrayProgram(b: Builder, x: Atom, y: Atom): Atom {
  let a = b.prim("arr_new", [lit(3, i32)], { dtype: "f64" });
  a = b.prim("arr_set", [a, lit(0, i32), b.mul(x, y)]);
  a = b.prim("arr_set", [a, lit(1, i32), b.prim("sin", [x])]);
  const first = b.prim("arr_get", [a, lit(0, i32)]);
  a = b.prim("arr_set", [a, lit(0, i32), b.mul(first, first)]); // overwrite a value read before
  return b.add(b.prim("arr_get", [a, lit(0, i32)]), b.mul(b.prim("arr_get", [a, lit(1, i32)]), first));
}

function funcOf(name: string, spec: Spec): Func {
  const b = new Builder();
  const params = spec.domain.map((_, k) => b.fresh(["x", "y"][k], f64));
  const f = { name, params, body: { stmts: b.stmts, results: [spec.build(b, params)] } };
  verifyFunc(f);
  return f;
}

// deterministic pseudo-random numbers, so failures reproduce
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const sample = ([lo, hi]: [number, number]) => lo + (hi - lo) * rand();

const run = (f: Func, args: number[]) => callKernel(kernelFor(f), args);
const dot = (a: number[], b: number[]) => a.reduce((s, x, k) => s + x * b[k], 0);
const close = (a: number, b: number, rtol: number, atol: number) => Math.abs(a - b) <= atol + rtol * Math.abs(b);

/** check_grads-style checks of the scalar function f at x in direction v; returns the JVP function for the next order. */
function checkOrder(f: Func, nx: number, args: number[], what: string, analytic?: Spec["analytic"]): Func {
  const x = args.slice(0, nx);
  const rest = args.slice(nx);
  const v = x.map(() => rand() * 2 - 1);
  const xs = Array.from({ length: nx }, (_, k) => k);
  const j = jvpOf(f, xs);
  verifyFunc(j);
  const [, t] = run(j, [...x, ...rest, ...v]);
  const h = 1e-6;
  const at = (s: number) => run(f, [...x.map((xi, k) => xi + s * v[k]), ...rest])[0];
  const numeric = analytic ? analytic(x, v) : (at(h) - at(-h)) / (2 * h);
  expect(close(t, numeric, 1e-5, 1e-6), `${what}: jvp ${t} vs finite differences ${numeric}`).toBe(true);
  const vj = vjpOf(f, xs);
  verifyFunc(vj);
  const u = rand() * 2 - 1;
  const ct = run(vj, [...x, ...rest, u]);
  expect(close(dot(ct, v), u * t, 1e-10, 1e-12), `${what}: <vjp(u), v> = ${dot(ct, v)} vs <u, jvp(v)> = ${u * t}`).toBe(true);
  // the next order differentiates x ↦ jvp(f)(x, v) with v held fixed: move v after x as a non-differentiated input
  return { ...j, name: `${j.name}_t`, body: { ...j.body, results: [j.body.results[1]] } };
}

const backends: Backend[] = nativeAvailable().ok ? ["js", "native"] : ["js"];

describe("every primitive has a spec", () => {
  it("covers every elementwise and buffer primitive", () => {
    expect(Object.keys(specs).sort()).toEqual([...SCALAR_HARNESS_PRIMS].sort());
  });
});

describe.each(backends)("primitive derivatives on the %s backend (order 2)", (backend) => {
  for (const p of SCALAR_HARNESS_PRIMS) {
    it(p, () => {
      setBackend(backend);
      const spec = specs[p];
      const f = funcOf(p, spec);
      for (let trial = 0; trial < 3; trial++) {
        const args = spec.domain.map(sample);
        const f1 = checkOrder(f, args.length, args, `${p} order 1 at ${args}`, spec.analytic);
        // order 2: f1 takes (x..., v...); differentiate with respect to x
        if (!spec.analytic) checkOrder(f1, args.length, [...args, ...args.map(() => rand() * 2 - 1)], `${p} order 2 at ${args}`);
      }
    });
  }
});

describe.each(backends)("casts on the %s backend", (backend) => {
  it("differentiate float32 round trips exactly and integer conversions as zero", () => {
    setBackend(backend);
    const b = new Builder();
    const x = b.fresh("x", f64);
    const y = b.add(b.cast(b.cast(x, "f32"), "f64"), b.cast(b.cast(x, "i32"), "f64"));
    const f = { name: "casts", params: [x], body: { stmts: b.stmts, results: [y] } };
    expect(run(jvpOf(f, [0]), [2.7, 1])).toEqual([Math.fround(2.7) + 2, 1]);
    expect(run(vjpOf(f, [0]), [2.7, 1])).toEqual([1]);
  });
});

describe.runIf(backends.includes("native"))("native and JS kernels agree", () => {
  it("on every primitive's first and second derivatives", () => {
    for (const p of SCALAR_HARNESS_PRIMS) {
      const f = funcOf(p, specs[p]);
      const j = jvpOf(f, specs[p].domain.map((_, k) => k));
      const args = specs[p].domain.map(sample);
      const input = [...args, ...args.map(() => 0.7)];
      setBackend("js");
      const js = run(j, input);
      setBackend("native");
      const nat = run(j, input);
      setBackend("auto");
      nat.forEach((y, k) => expect(close(y, js[k], 1e-14, 1e-15), `${p}: native ${y} vs js ${js[k]}`).toBe(true));
    }
  });
});
