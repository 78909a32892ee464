// An Elman RNN unrolled over T time steps: the hidden state array is carried
// through a loop; gradient of the sequence loss w.r.t. the weights.
import { grad, np, type Tensor } from "tsgrad";

type Weights = { Wx: Tensor; Wh: Tensor; b: Tensor; v: Tensor };

const xs = np.array([
  [0.5, -0.2], [0.1, 0.4], [-0.3, 0.8], [0.9, 0.0], [0.2, -0.6], [-0.4, 0.3],
]);
const ys = np.array([0.2, 0.1, -0.3, 0.5, 0.0, 0.4]);

function rnnLoss(w: Weights, xs: Tensor, ys: Tensor): Tensor {
  let h = np.zeros([3]);
  let total = 0;
  const T = xs.shape[0];
  for (let t = 0; t < T; t++) {
    h = np.tanh(np.dot(xs[t], w.Wx) + np.dot(h, w.Wh) + w.b);
    const out = np.dot(h, w.v);
    total = total + (out - ys[t]) ** 2;
  }
  return total / T;
}

const w: Weights = {
  Wx: np.array([[0.3, -0.1, 0.2], [0.4, 0.5, -0.3]]),
  Wh: np.array([[0.1, 0.2, -0.1], [0.0, 0.3, 0.2], [-0.2, 0.1, 0.4]]),
  b: np.array([0.01, -0.02, 0.03]),
  v: np.array([0.6, -0.4, 0.5]),
};

const g = grad(rnnLoss)(w, xs, ys);
console.log(`loss: ${rnnLoss(w, xs, ys)}`);
console.log(`dWx: ${JSON.stringify(g.Wx)}`);
console.log(`dWh: ${JSON.stringify(g.Wh)}`);
console.log(`db: ${JSON.stringify(g.b)}`);
console.log(`dv: ${JSON.stringify(g.v)}`);
