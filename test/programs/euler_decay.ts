// Explicit Euler for a nonlinear decay dy/dt = -k y + sin(t) over a time
// grid; loss against observations; gradient w.r.t. k by grad and by jvp.
import { grad, jvp } from "tsgrad";

const observed = [1.0, 0.92, 0.87, 0.84, 0.83, 0.84];

function integrate(k: number, y0: number, dt: number, steps: number): number {
  let y = y0;
  let t = 0;
  for (let i = 0; i < steps; i++) {
    y = y + dt * (-k * y * y + Math.sin(t));
    t += dt;
  }
  return y;
}

function fitLoss(k: number): number {
  let total = 0;
  for (let j = 1; j < 6; j++) {
    const pred = integrate(k, 1.0, 0.01, 20 * j);
    total += (pred - observed[j]) ** 2;
  }
  return total;
}

console.log(`y_end: ${integrate(0.8, 1.0, 0.01, 100)}`);
console.log(`loss: ${fitLoss(0.8)}`);
console.log(`dloss_dk: ${grad(fitLoss)(0.8)}`);
const [value, tangent] = jvp(integrate, [0.8, 1.0, 0.01, 100], [1.0, 0.0, 0.0, 0.0]);
console.log(`jvp_value: ${value}`);
console.log(`jvp_tangent: ${tangent}`);
