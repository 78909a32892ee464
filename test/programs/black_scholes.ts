// Black-Scholes call price with a polynomial normal CDF (Abramowitz & Stegun
// 26.2.17, tsgrad has no erf); the greeks by grad (delta, vega, rho, theta)
// and by grad of grad (gamma, vanna).
import { grad } from "tsgrad";

function normCdf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.2316419 * z);
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  const tail = (Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)) * poly;
  return x >= 0 ? 1 - tail : tail;
}

function callPrice(S: number, K: number, sigma: number, r: number, T: number): number {
  const sqrtT = Math.sqrt(T);
  const d1 = (Math.log(S / K) + (r + 0.5 * sigma * sigma) * T) / (sigma * sqrtT);
  const d2 = d1 - sigma * sqrtT;
  return S * normCdf(d1) - K * Math.exp(-r * T) * normCdf(d2);
}

const S = 100, K = 95, sigma = 0.25, r = 0.03, T = 0.75;
const delta = grad(callPrice, 0);
const vega = grad(callPrice, 2);
const gamma = grad(delta, 0);

console.log(`price: ${callPrice(S, K, sigma, r, T)}`);
console.log(`delta: ${delta(S, K, sigma, r, T)}`);
console.log(`vega: ${vega(S, K, sigma, r, T)}`);
console.log(`rho: ${grad(callPrice, 3)(S, K, sigma, r, T)}`);
console.log(`theta: ${-grad(callPrice, 4)(S, K, sigma, r, T)}`);
console.log(`gamma: ${gamma(S, K, sigma, r, T)}`);
console.log(`vanna: ${grad(delta, 2)(S, K, sigma, r, T)}`);
const otm = [80, 90, 110, 120].map((s) => delta(s, K, sigma, r, T));
console.log(`delta_curve: ${JSON.stringify(otm)}`);
