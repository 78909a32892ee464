// A two-layer tanh MLP trained with plain SGD on a tiny regression set:
// pytree parameters, valueAndGrad, a plain-JS tree update, formatted log lines.
import { np, valueAndGrad, type Tensor } from "tsgrad";

type Params = { W1: Tensor; b1: Tensor; W2: Tensor; b2: Tensor };

const X = np.array([
  [0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0],
  [0.5, 0.2], [0.3, 0.9], [0.8, 0.4], [0.1, 0.6],
]);
const y = np.array([0.1, 0.9, 0.8, 0.2, 0.6, 0.7, 0.5, 0.4]);

function forward(params: Params, x: Tensor): Tensor {
  const h = np.tanh(np.dot(x, params.W1) + params.b1);
  return np.dot(h, params.W2) + params.b2;
}

function loss(params: Params): Tensor {
  const err = forward(params, X) - y;
  return np.mean(err * err);
}

function fmt(step: number, value: number): string {
  return `step ${String(step).padStart(3)} | loss ${value.toFixed(6)}`;
}

let params: Params = {
  W1: np.array([[0.5, -0.3, 0.8], [-0.6, 0.4, 0.2]]),
  b1: np.array([0.1, -0.1, 0.0]),
  W2: np.array([0.7, -0.5, 0.3]),
  b2: 0.05,
};

const lr = 0.5;
const step = valueAndGrad(loss);
const losses: number[] = [];
for (let i = 0; i <= 40; i++) {
  const [value, g] = step(params);
  losses.push(value);
  if (i % 10 === 0) console.log(fmt(i, value));
  for (const k of Object.keys(params) as (keyof Params)[]) params[k] = params[k] - lr * g[k];
}

console.log(`losses: ${JSON.stringify(losses)}`);
console.log(`W1: ${JSON.stringify(params.W1)}`);
console.log(`b1: ${JSON.stringify(params.b1)}`);
console.log(`W2: ${JSON.stringify(params.W2)}`);
console.log(`b2: ${JSON.stringify(params.b2)}`);
