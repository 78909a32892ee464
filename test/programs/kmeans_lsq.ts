// Least squares on standardised features (np.mean(X, 0, true)), and a soft
// k-means objective with squared distances from np.sum(., 1): gradients
// w.r.t. the weights and the centroids.
import { grad, np, valueAndGrad, type Tensor } from "tsgrad";

const X = np.array([
  [1.0, 2.0], [1.5, 1.8], [5.0, 8.0], [8.0, 8.0], [1.0, 0.6], [9.0, 11.0], [8.0, 2.0], [10.0, 2.0], [9.0, 3.0],
]);
const y = np.array([3.1, 3.2, 13.1, 16.2, 1.5, 20.3, 10.1, 12.2, 12.1]);

function standardise(A: Tensor): Tensor {
  const mu = np.mean(A, 0, true);
  const sd = np.sqrt(np.mean((A - mu) ** 2, 0, true));
  return (A - mu) / sd;
}

function lsq(w: Tensor, b: Tensor): Tensor {
  const r = np.dot(standardise(X), w) + b - y;
  return np.dot(r, r) / y.shape[0];
}

function softKmeans(centroids: Tensor, temperature: number): Tensor {
  let total = 0;
  for (let c = 0; c < centroids.shape[0]; c++) {
    const d2 = np.sum((X - centroids[c]) ** 2, 1);
    total = total + np.exp(-d2 / temperature);
  }
  return -np.sum(np.log(total));
}

const [value, [gw, gb]] = valueAndGrad(lsq, [0, 1])(np.array([1.0, 1.0]), 0.0);
console.log(`lsq: ${value}`);
console.log(`dw: ${JSON.stringify(gw)}`);
console.log(`db: ${gb}`);
const centroids = np.array([[1.0, 1.0], [6.0, 9.0], [9.0, 2.0]]);
console.log(`kmeans: ${softKmeans(centroids, 2.0)}`);
console.log(`dcentroids: ${JSON.stringify(grad(softKmeans)(centroids, 2.0))}`);
