// The array-primitive counterpart of primitives.test.ts: one spec table drives
// the numerical checks of every array primitive, and a second one the
// elementwise primitives on broadcast arrays, on every backend, to order 2
// (as jax.test_util.check_grads does):
//   - forward mode against central finite differences in random directions (float64);
//   - reverse mode by the dot-product identity <vjp(u), v> = <u, jvp(v)> over flattened arrays;
//   - then both again on x ↦ jvp(f)(x, v), v held fixed (second order);
//   - float32 runs the dot-product identity only: with 24-bit mantissas a central
//     difference has no step that is both small against the curvature and large
//     against rounding (error ~ eps/h + h² ≥ 1e-5), so it could not tell a wrong rule from noise;
//   - native and JS kernels agree.
// Each spec has several shape cases (broadcasting, rank 3, size-1 dims). Integer
// operands (dims, slice starts, indices) are literals or built with iota inside the
// function; non-differentiable primitives are checked inside a differentiable expression.
import { describe, expect, it } from "vitest";
import { jvpOf, vjpOf } from "../compiler/ad/grad.js";
import { nativeAvailable } from "../compiler/backends/llvm/index.js";
import { Builder } from "../compiler/ir/builder.js";
import { ARRAY_PRIMS, type ArrayPrim, type Atom, type Attrs, type ElementwisePrim, type Func, type Type, i32, lit } from "../compiler/ir/syntax.js";
import { verifyFunc } from "../compiler/ir/verify.js";
import { runFunc } from "../runtime/call.js";
import { type Backend, prepare, setBackend } from "../runtime/kernels.js";
import { NDArray } from "../runtime/ndarray.js";

// ---- inputs, cases, specs --------------------------------------------------------------

/**
 * A float input: a scalar domain [lo, hi], or an array of `shape` with values in [lo, hi]
 * (pairwise far apart if `distinct`; outside the interval `skip` if given).
 */
type Input = [number, number] | { shape: number[]; lo: number; hi: number; distinct?: boolean; skip?: [number, number] };
/** One shape case: the inputs, and what the builder needs besides (attributes, integer operands such as dims or starts). */
interface Case {
  in: Input[];
  a?: Attrs;
  n?: number[];
}
interface Spec {
  /** Builds the function under test; float literals must take the dtype of the inputs (see `k`). */
  build: (b: Builder, xs: Atom[], c: Case) => Atom;
  cases: Case[];
}

const A = (shape: number[], lo = -2, hi = 2, skip?: [number, number]): Input => ({ shape, lo, hi, skip });
const D = (shape: number[], lo = -2, hi = 2): Input => ({ shape, lo, hi, distinct: true });
const S = (lo = -2, hi = 2): Input => [lo, hi];

const I = (n: number) => lit(n, i32);
/** A float literal of x's dtype. */
const k = (x: Atom, value: number) => lit(value, { dtype: x.type.dtype, rank: 0 });
const P = (b: Builder, p: ArrayPrim | ElementwisePrim, args: Atom[], a?: Attrs) => b.prim(p, args, a);
const sq = (b: Builder, y: Atom) => b.mul(y, y);
/** i32 ↦ x's float dtype, plus one (so a zero index still carries x's derivative). */
const asFloat = (b: Builder, n: Atom, x: Atom) => b.add(b.cast(n, x.type.dtype), k(x, 1));
const dimsOf = (b: Builder, x: Atom) => Array.from({ length: x.type.rank }, (_, j) => P(b, "shape", [x], { axes: [j] }));
/** Linear (structural) primitives are squared afterwards, so that order 2 sees them applied to varying tangents. */
const squared = (p: ArrayPrim, ints = false): Spec["build"] => (b, xs, c) => sq(b, P(b, p, [...xs, ...(ints ? (c.n ?? []).map(I) : [])], c.a));

// ---- the table of array primitives -------------------------------------------------------

export const specs: Record<ArrayPrim, Spec> = {
  shape: {
    build: (b, [x], c) => b.mul(P(b, "sin", [x]), asFloat(b, P(b, "shape", [x], c.a), x)),
    cases: [{ in: [A([2, 3])], a: { axes: [1] } }, { in: [A([1, 4, 2])], a: { axes: [0] } }],
  },
  full: {
    // dims from literals (scalar input) or read off an input with `shape`
    build: (b, [x], c) => (x.type.rank === 0 ? sq(b, P(b, "full", [x, ...c.n!.map(I)])) : b.mul(P(b, "full", [P(b, "reduce_sum", [P(b, "sin", [x])]), ...dimsOf(b, x)]), x)),
    cases: [{ in: [S()], n: [2, 3] }, { in: [S()], n: [2, 1, 3] }, { in: [A([3, 1, 2])] }],
  },
  iota: {
    build: (b, [x]) => b.mul(P(b, "sin", [x]), asFloat(b, P(b, "iota", [P(b, "shape", [x], { axes: [x.type.rank - 1] })], { dtype: "i32" }), x)),
    cases: [{ in: [A([2, 3])] }, { in: [A([4])] }, { in: [A([2, 1, 3])] }],
  },
  broadcast_to: {
    build: squared("broadcast_to", true),
    cases: [{ in: [A([3])], n: [2, 3] }, { in: [A([2, 1])], n: [2, 4] }, { in: [A([1])], n: [3, 1, 2] }, { in: [S()], n: [2, 2] }],
  },
  broadcast_like: {
    build: (b, [x, like]) => b.mul(P(b, "broadcast_like", [x, like]), like),
    cases: [{ in: [A([3]), A([2, 3])] }, { in: [A([2, 1]), A([2, 4])] }, { in: [A([1, 3]), A([2, 2, 3])] }, { in: [S(), A([2, 2])] }],
  },
  sum_like: {
    build: (b, [x, like]) => b.mul(P(b, "sum_like", [P(b, "sin", [x]), like]), like),
    cases: [{ in: [A([2, 3]), A([3])] }, { in: [A([2, 4]), A([2, 1])] }, { in: [A([2, 3, 4]), A([3, 1])] }, { in: [A([2, 3]), S()] }],
  },
  reduce_sum: {
    build: squared("reduce_sum"),
    cases: [{ in: [A([2, 3])], a: { axes: [1] } }, { in: [A([2, 3, 4])], a: { axes: [0, 2], keepdims: true } }, { in: [A([5])], a: { axes: [] } }, { in: [A([3, 1])], a: { axes: [1] } }],
  },
  // distinct inputs: away from ties, where the max/min is not differentiable
  reduce_max: {
    build: squared("reduce_max"),
    cases: [{ in: [D([2, 3])], a: { axes: [1] } }, { in: [D([2, 3, 4])], a: { axes: [0, 2], keepdims: true } }, { in: [D([5])], a: { axes: [] } }],
  },
  reduce_min: {
    build: squared("reduce_min"),
    cases: [{ in: [D([3, 2])], a: { axes: [0] } }, { in: [D([2, 1, 4])], a: { axes: [2], keepdims: true } }, { in: [D([2, 3])], a: { axes: [] } }],
  },
  // positive inputs: reduce_prod's rule divides by x
  reduce_prod: {
    build: (b, [x], c) => P(b, "reduce_prod", [x], c.a),
    cases: [{ in: [A([2, 3], 0.5, 1.5)], a: { axes: [1] } }, { in: [A([2, 3, 2], 0.5, 1.5)], a: { axes: [0, 2], keepdims: true } }, { in: [A([4], 0.5, 1.5)], a: { axes: [] } }],
  },
  argmax: {
    build: (b, [x, y], c) => b.mul(P(b, "sin", [x]), asFloat(b, P(b, "argmax", [y], c.a), x)),
    cases: [{ in: [A([3]), D([3, 4])], a: { axes: [1] } }, { in: [A([2, 3]), D([2, 3])], a: { axes: [] } }, { in: [A([1, 3]), D([4, 3])], a: { axes: [0], keepdims: true } }],
  },
  argmin: {
    build: (b, [x, y], c) => b.mul(P(b, "sin", [x]), asFloat(b, P(b, "argmin", [y], c.a), x)),
    cases: [{ in: [A([4]), D([3, 4])], a: { axes: [0] } }, { in: [A([2, 3]), D([5])], a: { axes: [] } }],
  },
  matmul: {
    build: (b, xs) => P(b, "matmul", xs),
    cases: [{ in: [A([2, 3]), A([3, 4])] }, { in: [A([3, 2]), A([2])] }, { in: [A([3]), A([3, 2])] }, { in: [A([4]), A([4])] }, { in: [A([1, 3]), A([3, 1])] }],
  },
  transpose: {
    build: squared("transpose"),
    cases: [{ in: [A([2, 3])], a: { perm: [1, 0] } }, { in: [A([2, 3, 4])], a: { perm: [2, 0, 1] } }, { in: [A([1, 3, 2])], a: { perm: [0, 2, 1] } }],
  },
  reshape: {
    build: squared("reshape", true),
    cases: [{ in: [A([2, 3])], n: [3, 2] }, { in: [A([2, 3, 4])], n: [4, -1] }, { in: [A([6])], n: [1, 2, 3] }],
  },
  expand_dims: {
    build: squared("expand_dims"),
    cases: [{ in: [A([3])], a: { axes: [0] } }, { in: [A([2, 3])], a: { axes: [2] } }, { in: [A([2, 3])], a: { axes: [1] } }],
  },
  squeeze: {
    build: squared("squeeze"),
    cases: [{ in: [A([2, 1, 3])], a: { axes: [1] } }, { in: [A([1, 4])], a: { axes: [0] } }, { in: [A([1, 3, 1])], a: { axes: [0, 2] } }],
  },
  concatenate: {
    build: squared("concatenate"),
    cases: [
      { in: [A([2, 3]), A([1, 3])], a: { axes: [0] } },
      { in: [A([2, 1]), A([2, 4]), A([2, 2])], a: { axes: [1] } },
      { in: [A([2, 1, 2]), A([2, 1, 3])], a: { axes: [2] } },
    ],
  },
  slice: {
    build: squared("slice", true), // n = [start, size]
    cases: [{ in: [A([2, 4])], a: { axes: [1] }, n: [1, 2] }, { in: [A([3, 2])], a: { axes: [0] }, n: [0, 1] }, { in: [A([2, 3, 5])], a: { axes: [2] }, n: [2, 3] }],
  },
  // indices: a scalar literal (removes the axis) or (2·iota(m)) mod size, reshaped to c.n, with repeats
  take: {
    build: (b, [x], c) => sq(b, P(b, "take", [x, indices(b, x, c)], c.a)),
    cases: [{ in: [A([3, 2])], a: { axes: [0] }, n: [4] }, { in: [A([2, 4])], a: { axes: [1] }, n: [] }, { in: [A([2, 3, 2])], a: { axes: [1] }, n: [2, 2] }],
  },
  scatter_add: {
    build: (b, [base, upd], c) => sq(b, P(b, "scatter_add", [base, indices(b, base, c), upd], c.a)),
    cases: [{ in: [A([3, 2]), A([4, 2])], a: { axes: [0] }, n: [4] }, { in: [A([2, 4]), A([2])], a: { axes: [1] }, n: [] }, { in: [A([2, 3, 2]), A([2, 2, 2, 2])], a: { axes: [1] }, n: [2, 2] }],
  },
};

/** Indices into x's axis c.a.axes[0]: the scalar 1 when c.n is [], else (2·iota) mod size reshaped to c.n (repeats included). */
function indices(b: Builder, x: Atom, c: Case): Atom {
  if (c.n!.length === 0) return I(1);
  const m = c.n!.reduce((p, q) => p * q, 1);
  const idx = P(b, "rem", [b.mul(P(b, "iota", [I(m)], { dtype: "i32" }), I(2)), P(b, "shape", [x], c.a)]);
  return c.n!.length === 1 ? idx : P(b, "reshape", [idx, ...c.n!.map(I)]);
}

// ---- elementwise primitives on broadcast arrays -------------------------------------------

const BROADCAST_SHAPES: [number[], number[]][] = [[[2, 3], [3]], [[2, 1], [1, 4]], [[2, 1, 3], [4, 1]], [[1], [2, 2]]];
type Dom = [lo: number, hi: number, skip?: [number, number]];
const bcast = (build: Spec["build"], x: Dom = [-2, 2], y: Dom = [-2, 2]): Spec => ({
  build,
  cases: [...BROADCAST_SHAPES.map(([s, t]) => ({ in: [A(s, ...x), A(t, ...y)] })), { in: [A([2, 3], ...x), S(y[0], y[1])] }],
});
const bin = (p: ElementwisePrim, x?: Dom, y?: Dom) => bcast((b, xs) => P(b, p, xs), x, y);
/** (Piecewise) linear ones are squared, as in the array table, so that order 2 is not identically zero. */
const lin = (p: ElementwisePrim, x?: Dom, y?: Dom) => bcast((b, xs) => sq(b, P(b, p, xs)), x, y);

export const broadcastSpecs: Partial<Record<ElementwisePrim, Spec>> = {
  add: lin("add"), sub: lin("sub"), mul: bin("mul"), div: bin("div", [-2, 2], [0.5, 2]),
  pow: bin("pow", [0.5, 2], [-1.5, 1.5]), atan2: bin("atan2", [-2, 2], [0.3, 2]), hypot: bin("hypot", [0.5, 2], [-2, -0.5]),
  // |x| ≥ 1 > |y|: the max (min) takes x in some elements and y in others, never near the kink x = y
  max: lin("max", [-2, 2, [-1, 1]], [-0.5, 0.5]), min: lin("min", [-2, 2, [-1, 1]], [-0.5, 0.5]),
  // where(x < y, x·y, sin(x)) with an array condition broadcast against both branches
  select: bcast((b, [x, y]) => b.select(P(b, "lt", [x, y]), b.mul(x, y), P(b, "sin", [x])), [-2, 2], [-2, 2]),
};

// ---- values and deterministic pseudo-random numbers -------------------------------------

let seed = 12345;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

type Value = number | NDArray;
const ND = { f64: "float64", f32: "float32" } as const;
const CTOR = { f64: Float64Array, f32: Float32Array } as const;
type FloatType = "f64" | "f32";

const flat = (x: Value): number[] => (typeof x === "number" ? [x] : Array.from(x.data));
const shapeOf = (x: Value): number[] => (typeof x === "number" ? [] : x.shape);
/** A value of `shape` (a number for []) and dtype with elements gen(j). */
function make(shape: number[], dtype: FloatType, gen: (j: number) => number): Value {
  const n = shape.reduce((p, q) => p * q, 1);
  const data = new CTOR[dtype](n);
  for (let j = 0; j < n; j++) data[j] = gen(j);
  return shape.length === 0 ? data[0] : new NDArray(data, shape, ND[dtype]);
}
const dirLike = (x: Value, dtype: FloatType) => make(shapeOf(x), dtype, () => rand() * 2 - 1);
const axpy = (x: Value, s: number, v: Value, dtype: FloatType) => make(shapeOf(x), dtype, (j) => flat(x)[j] + s * flat(v)[j]);
const copy = (x: Value) => (typeof x === "number" ? x : new NDArray(x.data.slice(), [...x.shape], x.dtype));

function sample(input: Input, dtype: FloatType): Value {
  if (Array.isArray(input)) return make([], dtype, () => input[0] + (input[1] - input[0]) * rand());
  const { shape, lo, hi, distinct, skip } = input;
  const n = shape.reduce((p, q) => p * q, 1);
  if (!distinct) {
    // uniform on [lo, hi] with [s0, s1] cut out
    const [s0, s1] = skip ?? [hi, hi];
    return make(shape, dtype, () => {
      const u = lo + (hi - lo - (s1 - s0)) * rand();
      return u < s0 ? u : u + (s1 - s0);
    });
  }
  // a shuffled grid (Fisher–Yates) with jitter: any two elements stay at least 0.6 / n of the range apart
  const slots = Array.from({ length: n }, (_, j) => j);
  for (let j = n - 1; j > 0; j--) {
    const r = Math.floor(rand() * (j + 1));
    [slots[j], slots[r]] = [slots[r], slots[j]];
  }
  return make(shape, dtype, (j) => lo + ((hi - lo) * (slots[j] + 0.5 + 0.4 * (rand() - 0.5))) / n);
}

const typeOf = (input: Input, dtype: FloatType): Type => ({ dtype, rank: Array.isArray(input) ? 0 : input.shape.length });

function funcOf(name: string, spec: Spec, c: Case, dtype: FloatType): Func {
  const b = new Builder();
  const params = c.in.map((x, j) => b.fresh(["x", "y", "z"][j], typeOf(x, dtype)));
  const f = { name, params, body: { stmts: b.stmts, results: [spec.build(b, params, c)] } };
  verifyFunc(f);
  return f;
}

/** f, its JVP and VJP; then the same for x ↦ jvp(f)(x, v) (v after x, not differentiated). */
function derivedFuncs(f: Func, nx: number, batch = true) {
  const xs = Array.from({ length: nx }, (_, j) => j);
  const j = jvpOf(f, xs);
  const f1: Func = { ...j, name: `${j.name}_t`, body: { ...j.body, results: [j.body.results[1]] } };
  const j1 = jvpOf(f1, xs);
  const orders = [
    { f, j, vj: vjpOf(f, xs) },
    { f: f1, j: j1, vj: vjpOf(f1, xs) },
  ];
  // queued for the current backend, to compile as one library at the first call
  for (const o of orders) [o.f, o.j, o.vj].forEach((g) => (verifyFunc(g), batch && prepare(g)));
  return orders;
}

const run = (f: Func, args: Value[]) => runFunc(f, args.map(copy)) as Value[];
const dot = (a: number[], b: number[]) => a.reduce((s, x, j) => s + x * b[j], 0);
const absDot = (a: number[], b: number[]) => a.reduce((s, x, j) => s + Math.abs(x * b[j]), 0);
const close = (a: number, b: number, rtol: number, atol: number) => Math.abs(a - b) <= atol + rtol * Math.abs(b);

/** Tolerances: finite differences (f64 only), and the dot-product identity relative to Σ|terms| (no cancellation scale). */
const TOL = { fd: { rtol: 1e-5, atol: 1e-6 }, dot: { f64: 1e-12, f32: 2e-6 } };

/** check_grads-style checks of the order's function at x (followed by `rest`, not differentiated) in a random direction. */
function checkOrder(o: ReturnType<typeof derivedFuncs>[number], x: Value[], rest: Value[], dtype: FloatType, what: string): void {
  const v = x.map((xi) => dirLike(xi, dtype));
  const [, t] = run(o.j, [...x, ...rest, ...v]);
  if (dtype === "f64") {
    const h = 1e-6;
    const at = (s: number) => flat(run(o.f, [...x.map((xi, j) => axpy(xi, s, v[j], dtype)), ...rest])[0]);
    const [plus, minus] = [at(h), at(-h)];
    flat(t).forEach((tj, j) => {
      const fd = (plus[j] - minus[j]) / (2 * h);
      expect(close(tj, fd, TOL.fd.rtol, TOL.fd.atol), `${what}: jvp[${j}] ${tj} vs finite differences ${fd}`).toBe(true);
    });
  }
  const u = dirLike(t, dtype);
  const ct = run(o.vj, [...x, ...rest, u]);
  const lhs = ct.reduce((s: number, c, j) => s + dot(flat(c), flat(v[j])), 0);
  const rhs = dot(flat(u), flat(t));
  const scale = ct.reduce((s: number, c, j) => s + absDot(flat(c), flat(v[j])), 0) + absDot(flat(u), flat(t));
  expect(Math.abs(lhs - rhs) <= TOL.dot[dtype] * scale, `${what}: <vjp(u), v> = ${lhs} vs <u, jvp(v)> = ${rhs}`).toBe(true);
}

/** Every case of a spec in both dtypes, to order 2. */
function checkSpec(name: string, spec: Spec): void {
  // every kernel of the spec is built first, so the native backend compiles them as one library
  const runs = spec.cases.flatMap((c, ci) =>
    (["f64", "f32"] as const).map((dtype) => ({
      c,
      dtype,
      orders: derivedFuncs(funcOf(`${name}_${ci}_${dtype}`, spec, c, dtype), c.in.length),
      what: `${name} ${shapesOf(c)} ${JSON.stringify(c.a ?? {})} ${dtype}`,
    })),
  );
  for (const { c, dtype, orders, what } of runs) {
    for (let trial = 0; trial < 2; trial++) {
      const x = c.in.map((input) => sample(input, dtype));
      checkOrder(orders[0], x, [], dtype, `${what} order 1`);
      checkOrder(orders[1], x, x.map((xi) => dirLike(xi, dtype)), dtype, `${what} order 2`);
    }
  }
}

const shapesOf = (c: Case) => c.in.map((x) => (Array.isArray(x) ? "[]" : `[${x.shape}]`)).join(" ");

const backends: Backend[] = nativeAvailable().ok ? ["js", "native"] : ["js"];
const tables = { array: specs, broadcast: broadcastSpecs as Record<string, Spec> };

describe("every array primitive has a spec", () => {
  it("covers ARRAY_PRIMS", () => {
    expect(Object.keys(specs).sort()).toEqual([...ARRAY_PRIMS].sort());
  });
});

describe.each(backends)("array primitive derivatives on the %s backend (order 2)", (backend) => {
  for (const [table, entries] of Object.entries(tables)) {
    for (const [p, spec] of Object.entries(entries)) {
      it(`${table}: ${p}`, () => {
        setBackend(backend);
        checkSpec(p, spec);
        setBackend("auto");
      });
    }
  }
});

describe.runIf(backends.includes("native"))("native and JS kernels agree on array primitives", () => {
  for (const [table, entries] of Object.entries(tables)) {
    it(`${table} table: every case's second-order JVP and VJP`, () => {
      for (const [p, spec] of Object.entries(entries)) {
        spec.cases.forEach((c, ci) => {
          for (const dtype of ["f64", "f32"] as const) {
            setBackend("js");
            const [, o] = derivedFuncs(funcOf(`${p}_${ci}_${dtype}`, spec, c, dtype), c.in.length, false);
            const x = c.in.map((input) => sample(input, dtype));
            const w = x.map((xi) => dirLike(xi, dtype));
            const u = dirLike(run(o.f, [...x, ...w])[0], dtype);
            const calls: [Func, Value[]][] = [[o.j, [...x, ...w, ...w.map((wi) => dirLike(wi, dtype))]], [o.vj, [...x, ...w, u]]];
            for (const [g, args] of calls) {
              setBackend("js");
              const js = run(g, args);
              setBackend("native");
              const nat = run(g, args);
              setBackend("auto");
              const rtol = dtype === "f64" ? 1e-13 : 1e-6;
              js.forEach((y, r) => {
                const [got, want] = [flat(nat[r]), flat(y)];
                expect(shapeOf(nat[r])).toEqual(shapeOf(y));
                // relative to the result's largest element, so cancellation near zero is not an error
                const atol = rtol * Math.max(...want.map(Math.abs));
                got.forEach((a, j) => expect(close(a, want[j], rtol, atol), `${p} ${shapesOf(c)} ${dtype} ${g.name}[${r}][${j}]: native ${a} vs js ${want[j]}`).toBe(true));
              });
            }
          }
        });
      }
    });
  }
});
