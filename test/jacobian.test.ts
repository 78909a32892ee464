// jacfwd, jacrev and hessian against JAX (test/data/jacobian_golden.json, from
// scripts/golden_jacobian.py) on both backends: scalar functions written as
// plain arrows (compiled by the front end), array functions written directly
// in IR (the array front end is still in progress), pytree inputs and
// outputs, argnums tuples, and jacfwd = jacrev on the same functions.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import * as frontend from "../compiler/frontend/index.js";
import { nativeAvailable } from "../compiler/backends/llvm/index.js";
import { Builder } from "../compiler/ir/builder.js";
import { printFunc } from "../compiler/ir/print.js";
import { type Func, type Type, lit } from "../compiler/ir/syntax.js";
import { verifyFunc } from "../compiler/ir/verify.js";
import { NDArray } from "../runtime/ndarray.js";
import { grad, hessian, jacfwd, jacrev, jit, setBackend, useFrontend } from "../runtime/index.js";
import { bindIR as bind } from "../runtime/internal.js";
import { boundLoss, f32, inputs, targets } from "./helpers/tutorial-loss.js";
import { callSig } from "../runtime/signature.js";
import type { TreeDef } from "../runtime/pytree.js";
import { type Traced, attach, noCaptures, tracedOf } from "../runtime/traced.js";

const golden = JSON.parse(readFileSync(new URL("./data/jacobian_golden.json", import.meta.url), "utf8"));
const backends = nativeAvailable().ok ? (["js", "native"] as const) : (["js"] as const);

type Enc = { array: true; dtype: string; shape: number[]; data: number[] } | Enc[] | { [k: string]: Enc };
const isArr = (e: Enc): e is Extract<Enc, { array: true }> => !Array.isArray(e) && (e as { array?: boolean }).array === true;

/** An encoded golden array as an NDArray (float64 or float32). */
function nd(e: Enc): NDArray {
  if (!isArr(e)) throw new Error("not an array");
  const f32 = e.dtype === "float32";
  return new NDArray(f32 ? Float32Array.from(e.data) : Float64Array.from(e.data), e.shape, f32 ? "float32" : "float64");
}

/** Compares a tsgrad result with JAX's, structure, shapes and values (|got − want| ≤ tol · max(1, |want|)). */
function expectClose(got: unknown, want: Enc, tol: number, path = "result"): void {
  if (isArr(want)) {
    if (want.shape.length === 0) {
      expect(typeof got, path).toBe("number");
      expect(Math.abs((got as number) - want.data[0]), path).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want.data[0])));
      return;
    }
    expect(got, path).toBeInstanceOf(NDArray);
    const g = got as NDArray;
    expect(g.shape, path).toEqual(want.shape);
    want.data.forEach((w, k) => expect(Math.abs(g.data[k] - w), `${path}[${k}]`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w))));
    return;
  }
  if (Array.isArray(want)) {
    expect(Array.isArray(got), path).toBe(true);
    expect((got as unknown[]).length, path).toBe(want.length);
    want.forEach((w, k) => expectClose((got as unknown[])[k], w, tol, `${path}[${k}]`));
    return;
  }
  expect(Object.keys(got as object).sort(), path).toEqual(Object.keys(want).sort());
  for (const k of Object.keys(want)) expectClose((got as Record<string, unknown>)[k], want[k], tol, `${path}.${k}`);
}

/** Same structure and values (for jacfwd = jacrev). */
function expectSame(a: unknown, b: unknown, tol: number): void {
  if (a instanceof NDArray) {
    expect(b).toBeInstanceOf(NDArray);
    expect((b as NDArray).shape).toEqual(a.shape);
    a.data.forEach((x, k) => expect(Math.abs(x - (b as NDArray).data[k])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(x))));
  } else if (typeof a === "number") {
    expect(Math.abs(a - (b as number))).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(a)));
  } else if (Array.isArray(a)) {
    a.forEach((x, k) => expectSame(x, (b as unknown[])[k], tol));
  } else {
    for (const k of Object.keys(a as object)) expectSame((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], tol);
  }
}

// ---- the functions, in IR -------------------------------------------------------------

const F64 = (rank: number): Type => ({ dtype: "f64", rank });

/** A function whose IR is `func` for every call (arity positional args; captured values last in func's params). */
function irFn(func: Func, arity: number, out: TreeDef = { kind: "leaf" }, captures: () => unknown[] = noCaptures): (...args: any[]) => any {
  verifyFunc(func);
  const t: Traced = { name: func.name, arity, paramNames: func.params.slice(0, arity).map((p) => p.name), captures, instantiate: () => ({ func, out }) };
  return attach(() => {
    throw new Error("runs through its IR");
  }, t);
}

function build(name: string, params: [string, Type][], body: (b: Builder, ...xs: any[]) => any[]): Func {
  const b = new Builder();
  const ps = params.map(([n, t]) => b.fresh(n, t));
  const results = body(b, ...ps);
  return { name, params: ps, body: { stmts: b.stmts, results } };
}

/** tanh(W @ x) */
const tanhWx = irFn(build("tanhWx", [["W", F64(2)], ["x", F64(1)]], (b, W, x) => [b.prim("tanh", [b.prim("matmul", [W, x])])]), 2);

/** {a: sum(x²), b: x·sin(x)} */
const pytreeOut = irFn(
  build("pytreeOut", [["x", F64(1)]], (b, x) => [b.prim("reduce_sum", [b.mul(x, x)], { axes: [] }), b.mul(x, b.prim("sin", [x]))]),
  1,
  { kind: "dict", keys: ["a", "b"], items: [{ kind: "leaf" }, { kind: "leaf" }] },
);

/** p ↦ tanh(p.W @ c + p.b), c captured */
const cConst = nd(golden.cases.pytree_in.const);
const pytreeIn = irFn(
  build("pytreeIn", [["W", F64(2)], ["b", F64(1)], ["c", F64(1)]], (b, W, bb, c) => [b.prim("tanh", [b.add(b.prim("matmul", [W, c]), bb)])]),
  1,
  { kind: "leaf" },
  () => [cConst],
);

/** A @ A */
const matsq = irFn(build("matsq", [["A", F64(2)]], (b, A) => [b.prim("matmul", [A, A])]), 1);

// the tutorial's logistic loss in float32
const loss = boundLoss();

beforeAll(() => useFrontend(frontend));

describe.each(backends)("Jacobians on the %s backend", (backend) => {
  beforeAll(() => setBackend(backend));
  const T64 = 1e-12;

  it("scalar functions from source: derivative and second derivative, argnums tuples give tuples", () => {
    const g = golden.cases.sin_x2.results;
    const f = (x: number) => Math.sin(x) * x ** 2;
    for (const tr of ["jacfwd", "jacrev", "hessian"] as const) expectClose({ jacfwd, jacrev, hessian }[tr](f)(0.7), g[tr], T64, tr);
    const p = golden.cases.poly2.results;
    const h = (x: number, y: number) => x * y + Math.exp(x) - y ** 3;
    for (const tr of ["jacfwd", "jacrev", "hessian"] as const) {
      const fn = { jacfwd, jacrev, hessian }[tr];
      expectClose(fn(h, [0, 1])(0.3, -1.2), p[`${tr}[0, 1]`], T64, `${tr}[0, 1]`);
      expectClose(fn(h, 1)(0.3, -1.2), p[`${tr}1`], T64, `${tr}1`);
    }
  });

  it("tanh(W @ x): [3,4] with respect to x, ([3,3,4], [3,4]) with respect to (W, x), Hessian [3,4,4]", () => {
    const c = golden.cases.tanh_Wx;
    const [W, x] = c.args.map(nd);
    for (const tr of ["jacfwd", "jacrev"] as const) {
      const fn = { jacfwd, jacrev }[tr];
      expectClose(fn(tanhWx, 1)(W, x), c.results[`${tr}1`], T64, `${tr}1`);
      expectClose(fn(tanhWx, [0, 1])(W, x), c.results[`${tr}[0, 1]`], T64, `${tr}[0, 1]`);
    }
    expectClose(hessian(tanhWx, 1)(W, x), c.results.hessian1, T64, "hessian1");
    // other compositions give the same Hessian: reverse over forward (reverse mode falls back to forward
    // for the jacfwd loop), forward over forward, and through jit
    const want = hessian(tanhWx, 1)(W, x);
    expectSame(jacrev(jacfwd(tanhWx, 1), 1)(W, x), want, T64);
    expectSame(jacfwd(jacfwd(tanhWx, 1), 1)(W, x), want, T64);
    expectSame(jit(hessian(tanhWx, 1))(W, x), want, T64);
  });

  it("pytree outputs: a dict of Jacobians; pytree inputs: Jacobians shaped like the input dict", () => {
    const c = golden.cases.pytree_out;
    const x = nd(c.args[0]);
    for (const tr of ["jacfwd", "jacrev", "hessian"] as const) expectClose({ jacfwd, jacrev, hessian }[tr](pytreeOut)(x), c.results[tr], T64, tr);
    const d = golden.cases.pytree_in;
    const p = { W: nd(d.args[0].W), b: nd(d.args[0].b) };
    for (const tr of ["jacfwd", "jacrev"] as const) expectClose({ jacfwd, jacrev }[tr](pytreeIn)(p), d.results[tr], T64, tr);
  });

  it("rank 2 to rank 2: A @ A gives [3,3,3,3], jacfwd = jacrev", () => {
    const c = golden.cases.matsq;
    const A = nd(c.args[0]);
    expectClose(jacfwd(matsq)(A), c.results.jacfwd, T64);
    expectClose(jacrev(matsq)(A), c.results.jacrev, T64);
    expectSame(jacfwd(matsq)(A), jacrev(matsq)(A), T64);
  });

  it("the float32 logistic loss: Hessians and the Jacobian with respect to (W, b)", () => {
    const c = golden.cases.logistic;
    const W = nd(c.args[0]);
    const b = c.args[1];
    const H = hessian(loss)(W, b) as NDArray;
    expect(H.dtype).toBe("float32");
    expectClose(H, c.results.hessian0, 2e-6);
    expectClose(hessian(loss, [0, 1])(W, b), c.results["hessian[0, 1]"], 2e-6);
    expectClose(jacrev(loss, [0, 1])(W, b), c.results["jacrev[0, 1]"], 2e-6);
    // the Hessian is also the Jacobian of the gradient
    expectSame(jacfwd(grad(loss))(W, b), H, 2e-6);
  });
});

describe("the Jacobian is built in one kernel", () => {
  const instance = (f: (...a: any[]) => any, args: unknown[]) => {
    const t = tracedOf(f)!;
    return t.instantiate(callSig([...args, t.captures()], [...t.paramNames, "captured"], "test")).func;
  };
  const [W, x] = golden.cases.tanh_Wx.args.map(nd);

  it("jacfwd loops over the input's elements with a one-hot tangent; jacrev over the output's with a one-hot cotangent", () => {
    for (const tr of [jacfwd, jacrev]) {
      const ir = printFunc(instance(tr(tanhWx, 1), [W, x]));
      expect(ir).toMatch(/= for k in 0:i32\.\./);
      expect(ir).toContain("iota");
      expect(ir).toContain("scatter_add");
    }
    // a scalar input needs no loop: one JVP with tangent 1
    expect(printFunc(instance(jacfwd((t: number) => Math.sin(t) * t), [0.5]))).not.toContain("for ");
  });

  it("reports non-float inputs and outputs", () => {
    const intOut = irFn(build("argmaxOf", [["x", F64(1)]], (b, v) => [b.prim("argmax", [v], { axes: [] })]), 1);
    expect(() => jacfwd(intOut)(x)).toThrow("jacfwd(argmaxOf): output has dtype i32; Jacobians need float outputs");
    expect(() => jacrev(tanhWx, 2)).toThrow("jacrev(tanhWx): argnums 2 is out of range for a function of 2 positional arguments");
  });
});
