// The 1-D heat equation with an explicit stencil on a Float64Array kernel:
// u[i] from u[i-1], u[i], u[i+1] in a time loop; gradient of the final
// weighted energy w.r.t. the initial profile and the diffusivity.
import { grad } from "tsgrad";

function heat(u0: Float64Array, alpha: number, steps: number): number {
  const n = u0.length;
  const u = new Float64Array(n);
  const next = new Float64Array(n);
  for (let i = 0; i < n; i++) u[i] = u0[i];
  for (let t = 0; t < steps; t++) {
    for (let i = 1; i < n - 1; i++) next[i] = u[i] + alpha * (u[i - 1] - 2 * u[i] + u[i + 1]);
    next[0] = 0;
    next[n - 1] = 0;
    for (let i = 0; i < n; i++) u[i] = next[i];
  }
  let e = 0;
  for (let i = 0; i < n; i++) e += (i + 1) * u[i] * u[i];
  return e;
}

const n = 12;
const u0 = new Float64Array(n);
for (let i = 0; i < n; i++) u0[i] = Math.sin((Math.PI * i) / (n - 1)) + 0.1 * i * (n - 1 - i) / n;

console.log(`energy: ${heat(u0, 0.2, 30)}`);
const [du0, dalpha] = grad(heat, [0, 1])(u0, 0.2, 30);
console.log(`du0: ${JSON.stringify(Array.from(du0))}`);
console.log(`dalpha: ${dalpha}`);
