// Arrays through the whole runtime without the front end: the tutorial's
// logistic-regression loss written directly in IR, differentiated with
// respect to (W, b) and run on both backends with float32 NDArrays, against
// the values JAX prints in the tutorial.
import { beforeAll, describe, expect, it } from "vitest";
import { Builder } from "../compiler/ir/builder.js";
import { type Func, lit } from "../compiler/ir/syntax.js";
import { verifyFunc } from "../compiler/ir/verify.js";
import { nativeAvailable } from "../compiler/backends/llvm/index.js";
import { NDArray } from "../runtime/ndarray.js";
import { grad, setBackend, valueAndGrad } from "../runtime/index.js";
import { bind } from "../runtime/internal.js";

const f32 = (xs: number[], shape = [xs.length]) => new NDArray(Float32Array.from(xs), shape, "float32");
const inputs = f32([0.52, 1.12, 0.77, 0.88, -1.08, 0.15, 0.52, 0.06, -1.3, 0.74, -2.49, 1.39], [4, 3]);
const targets = new NDArray(Uint8Array.from([1, 1, 0, 1]), [4], "bool");
const W = f32([-0.3683878481388092, -2.275688886642456, 0.011447565630078316]);
const b = 0.8535516262054443;

/** loss(W, b) = -sum(log(p * t + (1 - p) * (1 - t))), p = 0.5 * (tanh((inputs @ W + b) / 2) + 1) */
function lossIR(): Func {
  const B = new Builder();
  const w = B.fresh("W", { dtype: "f32", rank: 1 });
  const bb = B.fresh("b", { dtype: "f32", rank: 0 });
  const x = B.fresh("inputs", { dtype: "f32", rank: 2 });
  const t = B.fresh("targets", { dtype: "bool", rank: 1 });
  const c = (v: number) => lit(v, { dtype: "f32", rank: 0 });
  const z = B.add(B.prim("matmul", [x, w]), bb);
  const p = B.mul(c(0.5), B.add(B.prim("tanh", [B.div(z, c(2))]), c(1)));
  const tf = B.cast(t, "f32");
  const probs = B.add(B.mul(p, tf), B.mul(B.sub(c(1), p), B.sub(c(1), tf)));
  const loss = B.neg(B.prim("reduce_sum", [B.prim("log", [probs])], { axes: [] }));
  const f = { name: "loss", params: [w, bb, x, t], body: { stmts: B.stmts, results: [loss] } };
  verifyFunc(f);
  return f;
}

function loss(_W: unknown, _b: unknown): number {
  throw new Error("runs through its IR");
}
bind(loss, lossIR(), null, 2, ["inputs", "targets"], () => [inputs, targets]);

const close = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(2e-6 * Math.abs(want));
const backends = nativeAvailable().ok ? (["js", "native"] as const) : (["js"] as const);

describe.each(backends)("the tutorial's logistic regression on the %s backend", (backend) => {
  beforeAll(() => setBackend(backend));

  it("grad(loss)(W, b) and grad(loss, 1)(W, b)", () => {
    const gW = grad(loss)(W, b) as NDArray;
    expect(gW).toBeInstanceOf(NDArray);
    expect(gW.dtype).toBe("float32");
    expect(gW.shape).toEqual([3]);
    [-0.16965583, -0.8774644, -1.4901346].forEach((w, k) => close(gW.data[k], w));
    close(grad(loss, 1)(W, b) as number, -0.29227245);
  });

  it("valueAndGrad(loss, [0, 1])", () => {
    const [value, [gW, gb]] = valueAndGrad(loss, [0, 1])(W, b) as [number, [NDArray, number]];
    close(value, 3.0519385);
    close(gW.data[2], -1.4901346);
    close(gb, -0.29227245);
  });
});
