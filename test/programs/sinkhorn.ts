// Entropic optimal transport between two histograms with Sinkhorn
// iterations (a while loop until the marginals match to a tolerance);
// gradient of the transport cost w.r.t. the source weights.
import { grad, np, type Tensor } from "tsgrad";

// squared distances between the supports [0, 0.3, 0.5, 0.9] and [0.1, 0.4, 0.8]
const C = np.array([
  [0.01, 0.16, 0.64],
  [0.04, 0.01, 0.25],
  [0.16, 0.01, 0.09],
  [0.64, 0.25, 0.01],
]);
const b = np.array([0.3, 0.3, 0.4]);

function sinkhornCost(a: Tensor, eps: number): Tensor {
  const K = np.exp(-C / eps);
  let u = np.ones([4]);
  let v = np.ones([3]);
  let err = 1.0;
  let iters = 0;
  while (err > 1e-10 && iters < 500) {
    u = a / np.dot(K, v);
    v = b / np.dot(u, K);
    const rowSums = u * np.dot(K, v);
    err = np.sum(np.abs(rowSums - a));
    iters += 1;
  }
  return np.dot(u, np.dot(K * C, v));
}

const a = np.array([0.1, 0.2, 0.3, 0.4]);
console.log(`cost: ${sinkhornCost(a, 0.1)}`);
console.log(`dcost_da: ${JSON.stringify(grad(sinkhornCost)(a, 0.1))}`);
console.log(`dcost_deps: ${grad(sinkhornCost, 1)(a, 0.1)}`);
