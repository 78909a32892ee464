// Poisson regression (log link) fitted by gradient descent with a relu-free
// softplus rate, an L2 penalty, and a tree_map-style update helper over
// { coef, intercept }; printing the negative log-likelihood as it falls.
import { np, valueAndGrad, type Tensor } from "tsgrad";

const features = np.array([[0.1, 1.0], [0.4, 0.2], [0.9, 0.5], [1.3, 0.1], [1.8, 0.7], [2.2, 0.3]]);
const counts = np.array([1, 0, 2, 3, 6, 9]);

type Glm = { coef: Tensor; intercept: Tensor };

function nll(p: Glm): Tensor {
  const eta = np.dot(features, p.coef) + p.intercept;
  const penalty = 0.01 * np.sum(p.coef * p.coef);
  return np.mean(np.exp(eta) - counts * eta) + penalty;
}

function update(p: Glm, g: Glm, lr: number): Glm {
  const out = {} as Glm;
  for (const k of Object.keys(p) as (keyof Glm)[]) out[k] = p[k] - lr * g[k];
  return out;
}

let p: Glm = { coef: np.array([0.0, 0.0]), intercept: 0.0 };
const vg = valueAndGrad(nll);
const history: number[] = [];
for (let it = 0; it < 60; it++) {
  const [value, g] = vg(p);
  if (it % 20 === 0) history.push(value);
  p = update(p, g, 0.1);
}
console.log(`history: ${JSON.stringify(history)}`);
console.log(`coef: ${JSON.stringify(p.coef)}`);
console.log(`intercept: ${p.intercept}`);
console.log(`nll: ${nll(p)}`);
