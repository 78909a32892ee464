// Logistic regression on a toy dataset with random.normal initial weights,
// a tree_map helper written in plain JS, and gradient descent on { W, b }.
import { grad, np, random, type Tensor } from "tsgrad";

const inputs = np.array([
  [0.52, 1.12, 0.77],
  [0.88, -1.08, 0.15],
  [0.52, 0.06, -1.3],
  [0.74, -2.49, 1.39],
]);
const targets = np.array([true, true, false, true]);

type Params = { W: Tensor; b: Tensor };

function loss(params: Params): Tensor {
  const preds = np.sigmoid(np.dot(inputs, params.W) + params.b);
  const labelProbs = preds * targets + (1 - preds) * (1 - targets);
  return -np.sum(np.log(labelProbs));
}

function treeMap(f: (a: Tensor, b: Tensor) => Tensor, a: Record<string, Tensor>, b: Record<string, Tensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const k of Object.keys(a)) out[k] = f(a[k], b[k]);
  return out;
}

const [kW, kb] = random.split(random.key(0));
let params: Params = { W: random.normal(kW, [3]), b: random.normal(kb, []) };
console.log(`loss0: ${loss(params)}`);

const gradLoss = grad(loss);
for (let step = 0; step < 25; step++) {
  const g = gradLoss(params);
  params = treeMap((p, d) => p - 0.1 * d, params, g) as Params;
}

console.log(`loss25: ${loss(params)}`);
console.log(`W: ${JSON.stringify(params.W)}`);
console.log(`b: ${JSON.stringify(params.b)}`);
