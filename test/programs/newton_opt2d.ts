// Newton's method for a minimum of Himmelblau's function with grad and
// hessian (the 2x2 solve written in plain JS on `.data`), and the gradient
// of a fixed point x = cos(a x) found with a do/while loop.
import { grad, hessian, np, type Tensor } from "tsgrad";

function himmelblau(v: Tensor): Tensor {
  const x = v[0];
  const y = v[1];
  return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2;
}

const g = grad(himmelblau);
const H = hessian(himmelblau);
let v = np.array([3.5, 1.5]);
console.log(`start_value: ${himmelblau(v)}`);
console.log(`start_grad: ${JSON.stringify(g(v))}`);
for (let it = 0; it < 8; it++) {
  const gv = g(v).data;
  const h = H(v).data;
  const det = h[0] * h[3] - h[1] * h[2];
  const s0 = (h[3] * gv[0] - h[1] * gv[1]) / det;
  const s1 = (-h[2] * gv[0] + h[0] * gv[1]) / det;
  v = np.array([v.data[0] - s0, v.data[1] - s1]);
}
console.log(`minimum: ${JSON.stringify(v)}`);
console.log(`hessian: ${JSON.stringify(H(v))}`);

function fixedPoint(a: number): number {
  let x = 1.0;
  let prev = 0.0;
  do {
    prev = x;
    x = Math.cos(a * x);
  } while (Math.abs(x - prev) > 1e-12);
  return x;
}
console.log(`fixed_point: ${fixedPoint(0.7)}`);
console.log(`dfixed_point: ${grad(fixedPoint)(0.7)}`);
