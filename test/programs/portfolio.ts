// Mean-variance portfolio optimisation: weights are a softmax of logits,
// risk w^T S w by np.dot; projected-free gradient ascent on the utility and
// the sensitivity of the optimum's utility to risk aversion (jvp).
import { grad, jvp, np, type Tensor } from "tsgrad";

const mu = np.array([0.08, 0.12, 0.10, 0.05]);
const cov = np.array([
  [0.040, 0.006, 0.010, 0.002],
  [0.006, 0.090, 0.012, 0.001],
  [0.010, 0.012, 0.060, 0.003],
  [0.002, 0.001, 0.003, 0.010],
]);

function weights(logits: Tensor): Tensor {
  const e = np.exp(logits - np.max(logits));
  return e / np.sum(e);
}

function utility(logits: Tensor, aversion: number): Tensor {
  const w = weights(logits);
  return np.dot(w, mu) - 0.5 * aversion * np.dot(w, np.dot(cov, w));
}

const dU = grad(utility);
let logits = np.zeros([4]);
for (let i = 0; i < 100; i++) logits = logits + 2.0 * dU(logits, 3.0);
console.log(`weights: ${JSON.stringify(weights(logits))}`);
console.log(`utility: ${utility(logits, 3.0)}`);
const [, dAversion] = jvp(utility, [logits, 3.0], [np.zeros([4]), 1.0]);
console.log(`dutility_daversion: ${dAversion}`);
