// Closures: a loss closed over module data passed to grad, an inline arrow
// capturing a module const, and a loss factory returning an arrow.
import { grad, np, valueAndGrad, type Tensor } from "tsgrad";

const data = { x: np.array([0.0, 0.5, 1.0, 1.5, 2.0]), y: np.array([1.1, 1.9, 3.2, 3.9, 5.1]) };

function loss(p: { slope: number; intercept: number }, d: { x: Tensor; y: Tensor }): Tensor {
  const r = p.slope * d.x + p.intercept - d.y;
  return np.mean(r * r);
}

const lossFn = (p: { slope: number; intercept: number }) => loss(p, data);
const g = grad(lossFn)({ slope: 1.5, intercept: 0.5 });
console.log(`dslope: ${g.slope}`);
console.log(`dintercept: ${g.intercept}`);

const k = 3;
console.log(`dsin: ${grad((x: number) => Math.sin(k * x))(0.2)}`);

const scale = 2.5;
const scaled = (x: number) => scale * x * x + Math.cos(x);
console.log(`dscaled: ${grad(scaled)(0.7)}`);

function makeRidge(lambda: number) {
  return (w: Tensor) => np.sum((np.dot(np.array([[1.0, 2.0], [3.0, 4.0]]), w) - np.array([1.0, 0.0])) ** 2) + lambda * np.sum(w * w);
}
const ridge = makeRidge(0.1);
const [rv, rg] = valueAndGrad(ridge)(np.array([0.3, -0.2]));
console.log(`ridge: ${rv}`);
console.log(`dridge: ${JSON.stringify(rg)}`);
