// A relu network classifying 2-D points into 3 classes with softmax
// cross-entropy: random.uniform inputs, a jit-compiled predictor,
// checkGrads on the loss, and the gradient norm per layer.
import { checkGrads, grad, jit, np, random, type Tensor } from "tsgrad";

type Layers = { W1: Tensor; b1: Tensor; W2: Tensor; b2: Tensor };

function logits(p: Layers, x: Tensor): Tensor {
  const h = np.maximum(np.dot(x, p.W1) + p.b1, 0);
  return np.dot(h, p.W2) + p.b2;
}

function crossEntropy(p: Layers, x: Tensor, onehot: Tensor): Tensor {
  const z = logits(p, x);
  const m = np.max(z, 1, true);
  const logp = z - m - np.log(np.sum(np.exp(z - m), 1, true));
  return -np.mean(np.sum(onehot * logp, 1));
}

const [kx, k1, k2] = random.split(random.key(0), 3);
const x = random.uniform(kx, [8, 2], -1, 1);
const onehot = np.array([
  [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0],
]);
const p: Layers = {
  W1: random.normal(k1, [2, 5]),
  b1: np.array([0.1, 0.1, 0.1, 0.1, 0.1]),
  W2: random.normal(k2, [5, 3]),
  b2: np.zeros([3]),
};

const predict = jit(logits);
console.log(`logits: ${JSON.stringify(predict(p, x))}`);
console.log(`loss: ${crossEntropy(p, x, onehot)}`);
checkGrads(crossEntropy, [p, x, onehot], 1);
const g = grad(crossEntropy)(p, x, onehot);
const norms = (["W1", "b1", "W2", "b2"] as const).map((k) => Math.sqrt(np.vdot(g[k], g[k])));
console.log(`grad_norms: ${JSON.stringify(norms)}`);
console.log(`dW2: ${JSON.stringify(g.W2)}`);
