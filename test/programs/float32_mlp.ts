// A float32 program, as JAX without x64: a softplus network on
// random.normal inputs and weights, its gradient, and a few SGD steps.
import { config, grad, np, random, type Tensor } from "tsgrad";

config.update("enableX64", false);

type Net = { W: Tensor; b: Tensor; v: Tensor };

function predict(p: Net, x: Tensor): Tensor {
  return np.dot(np.softplus(np.dot(x, p.W) + p.b), p.v);
}

function loss(p: Net, x: Tensor, y: Tensor): Tensor {
  const r = predict(p, x) - y;
  return np.mean(r * r);
}

const [k1, k2, k3, k4] = random.split(random.key(0), 4);
const x = random.normal(k1, [6, 3]);
const y = random.normal(k2, [6]);
let p: Net = { W: random.normal(k3, [3, 4]), b: np.zeros([4]), v: random.normal(k4, [4]) };

console.log(`loss0: ${loss(p, x, y)}`);
const g0 = grad(loss)(p, x, y);
console.log(`dW: ${JSON.stringify(g0.W)}`);
console.log(`db: ${JSON.stringify(g0.b)}`);
console.log(`dv: ${JSON.stringify(g0.v)}`);
const lossGrad = grad(loss);
for (let i = 0; i < 5; i++) {
  const g = lossGrad(p, x, y);
  p = { W: p.W - 0.05 * g.W, b: p.b - 0.05 * g.b, v: p.v - 0.05 * g.v };
}
console.log(`loss5: ${loss(p, x, y)}`);
