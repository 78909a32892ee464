// Lotka-Volterra predator-prey model integrated with classic RK4 over np
// arrays; the final prey population and its gradient w.r.t. the rates.
import { grad, np, type Tensor } from "tsgrad";

function field(s: Tensor, alpha: number, beta: number): Tensor {
  const prey = s[0];
  const pred = s[1];
  return np.array([alpha * prey - beta * prey * pred, 0.4 * beta * prey * pred - 0.6 * pred]);
}

function simulate(alpha: number, beta: number, s0: Tensor, dt: number, steps: number): Tensor {
  let s = s0;
  for (let n = 0; n < steps; n++) {
    const k1 = field(s, alpha, beta);
    const k2 = field(s + 0.5 * dt * k1, alpha, beta);
    const k3 = field(s + 0.5 * dt * k2, alpha, beta);
    const k4 = field(s + dt * k3, alpha, beta);
    s = s + (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return s;
}

function finalPrey(alpha: number, beta: number): Tensor {
  return simulate(alpha, beta, np.array([1.0, 0.5]), 0.05, 100)[0];
}

const s = simulate(1.1, 0.4, np.array([1.0, 0.5]), 0.05, 100);
console.log(`state: ${JSON.stringify(s)}`);
console.log(`prey: ${finalPrey(1.1, 0.4)}`);
const [dAlpha, dBeta] = grad(finalPrey, [0, 1])(1.1, 0.4);
console.log(`dprey_dalpha: ${dAlpha}`);
console.log(`dprey_dbeta: ${dBeta}`);
