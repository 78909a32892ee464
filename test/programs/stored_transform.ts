// A stored transform used inside other compiled functions: one gradient
// step, an unrolled descent, and the gradient of the result w.r.t. the
// starting point and the learning rate (meta-gradients).
import { grad, valueAndGrad } from "tsgrad";

function f(x: number): number {
  return Math.log(1 + x * x) + 0.1 * (x - 2) ** 2;
}

const gradF = grad(f);

function step(x: number): number {
  return x - 0.1 * gradF(x);
}

function descend(x: number, lr: number): number {
  for (let i = 0; i < 8; i++) x = x - lr * gradF(x);
  return f(x);
}

console.log(`step: ${step(1.3)}`);
console.log(`dstep: ${grad(step)(1.3)}`);
console.log(`descend: ${descend(1.3, 0.2)}`);
const [v, [dx, dlr]] = valueAndGrad(descend, [0, 1])(1.3, 0.2);
console.log(`descend_value: ${v}`);
console.log(`ddescend_dx: ${dx}`);
console.log(`ddescend_dlr: ${dlr}`);
