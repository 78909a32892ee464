// Module-level eager array code around compiled functions: `1 - targets`,
// a gradient step `W - 0.1 * g` on NDArrays, np.vdot glue, and direct calls
// of the loss on arrays.
import { grad, np, type Tensor } from "tsgrad";

const inputs = np.array([
  [0.52, 1.12, 0.77],
  [0.88, -1.08, 0.15],
  [0.52, 0.06, -1.3],
  [0.74, -2.49, 1.39],
]);
const targets = np.array([true, true, false, true]);
const negatives = 1 - targets;
console.log(`negatives: ${JSON.stringify(negatives)}`);

function loss(W: Tensor, b: Tensor): Tensor {
  const preds = np.sigmoid(np.dot(inputs, W) + b);
  return -np.sum(np.log(preds * targets + (1 - preds) * negatives));
}

let W = np.array([0.1, -0.2, 0.3]);
let b = 0.05;
console.log(`loss0: ${loss(W, b)}`);
const [gW, gb] = grad(loss, [0, 1])(W, b);
console.log(`gnorm2: ${np.vdot(gW, gW) + gb * gb}`);
W = W - 0.1 * gW;
b = b - 0.1 * gb;
console.log(`W1: ${JSON.stringify(W)}`);
console.log(`loss1: ${loss(W, b)}`);
const scaled = 2 * inputs - 1;
console.log(`scaled_sum: ${np.sum(scaled)}`);
