import { grad, np, valueAndGrad, type Tensor } from "tsgrad";

const inputs = np.array([[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.3], [0.74, -2.49, 1.39]]);
const targets = np.array([true, true, false, true]);

export function predict(W: Tensor, b: Tensor): Tensor {
  return np.sigmoid(np.dot(inputs, W) + b);
}

export function loss(W: Tensor, b: Tensor): Tensor {
  const preds = predict(W, b);
  const label_probs = preds * targets + (1 - preds) * (1 - targets);
  return -np.sum(np.log(label_probs));
}

export function wave(x: number, n: number): number {
  let s = 0;
  for (let i = 1; i <= n; i++) s += Math.sin(x * i) / i;
  return s;
}

export const lossGrad = grad(loss, [0, 1]);
export const waveValueAndGrad = valueAndGrad(wave);
