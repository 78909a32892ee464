// The tutorial's logistic-regression loss written directly in IR (no front
// end), bound to a JS function as the build step would bind it. Shared by the
// runtime, checkGrads, Jacobian and XLA-parity tests.
import { Builder } from "../../compiler/ir/builder.js";
import { type Func, lit } from "../../compiler/ir/syntax.js";
import { verifyFunc } from "../../compiler/ir/verify.js";
import { bindIR as bind } from "../../runtime/internal.js";
import { NDArray } from "../../runtime/ndarray.js";

export const f32 = (xs: ArrayLike<number>, shape = [xs.length]) => new NDArray(Float32Array.from(xs), shape, "float32");
export const inputs = f32([0.52, 1.12, 0.77, 0.88, -1.08, 0.15, 0.52, 0.06, -1.3, 0.74, -2.49, 1.39], [4, 3]);
export const targets = new NDArray(Uint8Array.from([1, 1, 0, 1]), [4], "bool");
/** JAX's starting values in the tutorial (random.normal from key 0, float32). */
export const W = f32([-0.3683878481388092, -2.275688886642456, 0.011447565630078316]);
export const b = 0.8535516262054443;

/** loss(W, b) = -sum(log(p * t + (1 - p) * (1 - t))), p = 0.5 * (tanh((inputs @ W + b) / 2) + 1) */
export function lossIR(): Func {
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

/** A JS function carrying the loss's IR, with inputs and targets as captured values. */
export function boundLoss(data = { inputs, targets }): (W: unknown, b: unknown) => unknown {
  function loss(_W: unknown, _b: unknown): unknown {
    throw new Error("runs through its IR");
  }
  bind(loss, lossIR(), null, 2, ["inputs", "targets"], () => [data.inputs, data.targets]);
  return loss;
}
