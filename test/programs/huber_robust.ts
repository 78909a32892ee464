// Robust line fitting with the Huber loss over Float64Array data: a branch
// per residual, masked points skipped with `continue`, the gradient w.r.t.
// slope and intercept, and gradient descent on plain numbers.
import { grad, valueAndGrad } from "tsgrad";

const xs = new Float64Array([0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]);
const ys = new Float64Array([0.9, 2.1, 2.9, 9.0, 5.1, 5.9, -3.0, 8.1]);
const mask = new Float64Array([1, 1, 1, 1, 1, 1, 0, 1]);

function huberLoss(slope: number, intercept: number, delta: number): number {
  let total = 0;
  let count = 0;
  for (let i = 0; i < xs.length; i++) {
    if (mask[i] === 0) continue;
    const r = slope * xs[i] + intercept - ys[i];
    const a = Math.abs(r);
    if (a <= delta) total += 0.5 * r * r;
    else total += delta * (a - 0.5 * delta);
    count++;
  }
  return total / count;
}

console.log(`loss: ${huberLoss(1.0, 0.5, 1.0)}`);
const [ds, di] = grad(huberLoss, [0, 1])(1.0, 0.5, 1.0);
console.log(`dslope: ${ds}`);
console.log(`dintercept: ${di}`);

let slope = 0;
let intercept = 0;
const vg = valueAndGrad(huberLoss, [0, 1]);
for (let it = 0; it < 200; it++) {
  const [, [gs, gi]] = vg(slope, intercept, 1.0);
  slope -= 0.2 * gs;
  intercept -= 0.2 * gi;
}
console.log(`fit: ${JSON.stringify([slope, intercept])}`);
console.log(`final_loss: ${huberLoss(slope, intercept, 1.0)}`);
