// Single-head scaled dot-product attention over a 3-token sequence with a
// numerically stable row softmax; gradients w.r.t. the projection matrices.
import { grad, np, type Tensor } from "tsgrad";

const tokens = np.array([
  [0.2, -0.4, 0.6, 0.1],
  [0.5, 0.3, -0.2, 0.8],
  [-0.7, 0.1, 0.4, -0.3],
]);

function softmax(z: Tensor): Tensor {
  const e = np.exp(z - np.max(z, 1, true));
  return e / np.sum(e, 1, true);
}

type Proj = { Wq: Tensor; Wk: Tensor; Wv: Tensor };

function attend(p: Proj, x: Tensor): Tensor {
  const q = np.dot(x, p.Wq);
  const k = np.dot(x, p.Wk);
  const v = np.dot(x, p.Wv);
  const scores = np.dot(q, np.transpose(k)) / Math.sqrt(q.shape[1]);
  return np.dot(softmax(scores), v);
}

function objective(p: Proj): Tensor {
  const out = attend(p, tokens);
  return np.sum(out * out) + np.sum(np.tanh(out));
}

const p: Proj = {
  Wq: np.array([[0.1, 0.2], [-0.3, 0.4], [0.5, -0.1], [0.2, 0.3]]),
  Wk: np.array([[0.3, -0.2], [0.1, 0.1], [-0.4, 0.2], [0.6, 0.0]]),
  Wv: np.array([[0.2, 0.5], [0.4, -0.3], [-0.1, 0.2], [0.3, 0.1]]),
};
console.log(`out: ${JSON.stringify(attend(p, tokens))}`);
console.log(`objective: ${objective(p)}`);
const g = grad(objective)(p);
console.log(`dWq: ${JSON.stringify(g.Wq)}`);
console.log(`dWk: ${JSON.stringify(g.Wk)}`);
console.log(`dWv: ${JSON.stringify(g.Wv)}`);
