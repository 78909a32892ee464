// A chain of masses joined by springs, integrated with velocity Verlet over
// Float64Array state (a kernel with two arrays rewritten every step); the
// final kinetic energy and its gradient w.r.t. the stiffness and the initial
// displacements.
import { grad } from "tsgrad";

function kinetic(x0: Float64Array, stiffness: number, dt: number, steps: number): number {
  const n = x0.length;
  const x = new Float64Array(n);
  const v = new Float64Array(n);
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = x0[i];
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < n; i++) {
      const left = i > 0 ? x[i - 1] : 0;
      const right = i < n - 1 ? x[i + 1] : 0;
      a[i] = stiffness * (left - 2 * x[i] + right);
    }
    for (let i = 0; i < n; i++) {
      v[i] += 0.5 * dt * a[i];
      x[i] += dt * v[i];
    }
    for (let i = 0; i < n; i++) {
      const left = i > 0 ? x[i - 1] : 0;
      const right = i < n - 1 ? x[i + 1] : 0;
      a[i] = stiffness * (left - 2 * x[i] + right);
      v[i] += 0.5 * dt * a[i];
    }
  }
  let e = 0;
  for (let i = 0; i < n; i++) e += 0.5 * v[i] * v[i];
  return e;
}

const x0 = new Float64Array([0.1, -0.05, 0.2, 0.0, -0.15, 0.05]);
console.log(`kinetic: ${kinetic(x0, 4.0, 0.02, 50)}`);
const [dx0, dk] = grad(kinetic, [0, 1])(x0, 4.0, 0.02, 50);
console.log(`dx0: ${JSON.stringify(Array.from(dx0))}`);
console.log(`dstiffness: ${dk}`);
