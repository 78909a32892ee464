// checkGrads (jax.test_util.check_grads): passes on correct derivatives of
// scalar functions (np functions and plain arrows compiled from source), of the
// tutorial's float32 logistic loss written in IR, and of a pytree-argument
// function; fails, naming the order, mode, argument and error size, when a
// derivative rule is deliberately broken.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as frontend from "../compiler/frontend/index.js";
import { nativeAvailable } from "../compiler/backends/llvm/index.js";
import { rules } from "../compiler/ad/rules.js";
import { Builder } from "../compiler/ir/builder.js";
import { type Func, type Type, lit } from "../compiler/ir/syntax.js";
import { NDArray } from "../runtime/ndarray.js";
import { checkGrads, np, setBackend, useFrontend } from "../runtime/index.js";
import { bindIR as bind } from "../runtime/internal.js";
import { W, b, boundLoss, f32, inputs, targets } from "./helpers/tutorial-loss.js";
import { type Traced, attach, noCaptures } from "../runtime/traced.js";
import { normalRng, treeAdd, treeMap, treeScale, treeVdot } from "../runtime/tree-math.js";

const backends = nativeAvailable().ok ? (["js", "native"] as const) : (["js"] as const);

// the tutorial's logistic loss in float32
const loss = boundLoss();

/** params ↦ [sum(sin(params.w) · params.s), params.w · params.s] (a dict argument, a tuple output). */
function pytreeFn(): (...args: any[]) => any {
  const B = new Builder();
  const F = (rank: number): Type => ({ dtype: "f64", rank });
  const s = B.fresh("s", F(0));
  const w = B.fresh("w", F(1));
  const sw = B.mul(B.prim("sin", [w]), s);
  const func: Func = { name: "pytreeFn", params: [s, w], body: { stmts: B.stmts, results: [B.prim("reduce_sum", [sw], { axes: [] }), B.mul(w, s)] } };
  const out = { kind: "list" as const, items: [{ kind: "leaf" as const }, { kind: "leaf" as const }] };
  const t: Traced = { name: "pytreeFn", arity: 1, paramNames: ["params"], captures: noCaptures, instantiate: () => ({ func, out }) };
  return attach(() => {
    throw new Error("runs through its IR");
  }, t);
}

beforeAll(() => useFrontend(frontend));

describe("tree math", () => {
  it("keeps each leaf's kind and dtype", () => {
    const tree = { a: 1.5, b: [f32([1, 2]), Float64Array.from([3])] };
    const r = treeAdd(tree, treeScale(tree, 2)) as typeof tree;
    expect(r.a).toBe(4.5);
    expect((r.b[0] as NDArray).dtype).toBe("float32");
    expect(Array.from((r.b[0] as NDArray).data)).toEqual([3, 6]);
    expect(r.b[1]).toBeInstanceOf(Float64Array);
    expect(treeVdot(tree, tree)).toBe(1.5 ** 2 + 1 + 4 + 9);
    expect(() => treeMap((x, y) => x + y, tree, [1])).toThrow("different structures");
  });

  it("draws the directions numpy's RandomState(0).randn draws (as JAX's check_grads)", () => {
    const rng = normalRng(0);
    const xs = Array.from({ length: 700 }, rng);
    expect(xs.slice(0, 5)).toEqual([1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458, 1.8675579901499675]);
    expect(xs[699]).toBe(1.0819352184772653);
  });
});

describe.each(backends)("checkGrads on the %s backend", (backend) => {
  beforeAll(() => setBackend(backend));

  it("passes on scalar np functions and functions compiled from source, to order 3", () => {
    checkGrads(np.sin, [0.7], 3);
    checkGrads(np.arctan2, [0.3, 1.2], 2);
    checkGrads((x: number, y: number) => Math.sin(x) * y + x ** 3 / (1 + y * y), [0.4, -1.3], 3);
    checkGrads((x: number) => Math.exp(-x * x), [0.9], 2, { modes: ["rev"] });
  });

  it("passes on the float32 logistic loss (order 2 forward, order 1 reverse) and on a pytree argument (order 2)", () => {
    checkGrads(loss, [W, b], 2, { modes: ["fwd"] });
    checkGrads(loss, [W, b], 1, { modes: ["rev"] });
    checkGrads(pytreeFn(), [{ s: 0.8, w: Float64Array.from([0.1, -0.4, 1.2]) }], 2);
  });

  // Known compiler bug, not checkGrads': reverse over reverse of an array → scalar function transposes
  // expand_dims of a scalar into squeeze<axes=[0]> to rank 0, which lower-arrays rejects ("t_53 is an
  // array"). The check passes once that lowers (verified by patching the rule to reduce_sum instead);
  // when this starts passing, vitest reports it: make it a plain `it`.
  it("passes on the float32 logistic loss at order 2 in reverse mode", () => {
    checkGrads(loss, [W, b], 2, { modes: ["rev"] });
  });

  describe("with a broken derivative rule", () => {
    const saved = { sin: rules.sin, cos: rules.cos };
    afterEach(() => Object.assign(rules, saved));

    it("fails at order 1 in both modes and names the argument", () => {
      // sin' = sin: wrong
      rules.sin = { kind: "partials", partials: (bb, [x]) => [bb.prim("sin", [x])] };
      const f = (x: number, y: number) => Math.sin(x) + y * y;
      expect(() => checkGrads(f, [0.7, 0.2], 1, { modes: ["fwd"] })).toThrow(
        /^checkGrads\(f\): order 1 \(JVP\), forward mode: the tangent of output differs from central finite differences \(eps 0\.0001\): max abs error 0\.\d+, max rel error 0\.\d+; tolerance atol 0\.00001 \+ rtol 0\.00001·\|expected\| \(got [-\d.e]+, expected [-\d.e]+\)\. The derivative is off with respect to x\.$/,
      );
      expect(() => checkGrads(f, [0.7, 0.2], 1, { modes: ["rev"] })).toThrow(/order 1 \(VJP\), reverse mode: ⟨vjp\(u\), v⟩ = .* The derivative is off with respect to x\./);
      // arrays: the path of the leaf in a pytree argument
      expect(() => checkGrads(pytreeFn(), [{ s: 0.8, w: Float64Array.from([0.1, -0.4, 1.2]) }], 1, { modes: ["fwd"] })).toThrow(
        /the tangent of output\[0\] differs .* with respect to params\.w\./,
      );
    });

    it("a wrong second derivative passes order 1 and fails order 2", () => {
      // sin' = cos is right; cos' = +sin is wrong, seen only when differentiating twice
      rules.cos = { kind: "partials", partials: (bb, [x]) => [bb.prim("sin", [x])] };
      checkGrads(np.sin, [0.7], 1);
      expect(() => checkGrads(np.sin, [0.7], 2, { modes: ["fwd"] })).toThrow(/^checkGrads\(np\.sin\): order 2 \(JVP of JVP\), forward mode: the tangent of output\[1\] differs .* with respect to x\./);
      // the modes carry through the recursion, as in JAX: rev checks the VJP of the VJP
      expect(() => checkGrads(np.sin, [0.7], 2, { modes: ["rev"] })).toThrow(/^checkGrads\(np\.sin\): order 2 \(VJP of VJP\), reverse mode: .*off with respect to x\./);
    });

    it("restoring the rule makes the check pass again", () => {
      checkGrads(np.sin, [0.7], 2);
    });
  });

  it("reports bad uses", () => {
    expect(() => checkGrads(np.sin, [0.7], 0)).toThrow("checkGrads: order must be a positive integer, got 0");
    expect(() => checkGrads(np.sin, [0.7, 1], 1)).toThrow("checkGrads: np.sin takes 1 argument, got 2");
    expect(() => checkGrads(np.sin, [0.7], 1, { modes: ["lin" as "fwd"] })).toThrow('unknown mode "lin"');
  });
});
