// Newton's method in a plain-JS loop with grad supplying the derivative:
// the real root of x^3 - 2x - 5 (Newton's own example) and Kepler's
// equation E - e sin E = M for several mean anomalies.
import { grad } from "tsgrad";

function cubic(x: number): number {
  return x * x * x - 2 * x - 5;
}

function kepler(E: number, e: number, M: number): number {
  return E - e * Math.sin(E) - M;
}

function newton(f: (x: number) => number, df: (x: number) => number, x0: number): [number, number] {
  let x = x0;
  let iters = 0;
  while (iters < 50) {
    const dx = f(x) / df(x);
    x -= dx;
    iters++;
    if (Math.abs(dx) < 1e-14) break;
  }
  return [x, iters];
}

const [root, iters] = newton(cubic, grad(cubic), 2);
console.log(`root: ${root}`);
console.log(`iterations: ${iters}`);

const dKepler = grad(kepler);
const anomalies = [0.5, 1.0, 2.0, 3.0];
const solutions = anomalies.map((M) => newton((E) => kepler(E, 0.3, M), (E) => dKepler(E, 0.3, M), M)[0]);
console.log(`kepler: ${JSON.stringify(solutions)}`);
