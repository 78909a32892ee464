// The permanent of a 4x4 matrix by Heap's algorithm (iterative form: swaps
// inside branches inside a while loop) over a Float64Array kernel; its
// gradient is the matrix of permanents of the minors.
import { grad } from "tsgrad";

function permanent(A: Float64Array, n: number): number {
  const p = new Int32Array(n);
  const c = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    p[i] = i;
    c[i] = 0;
  }
  let total = 0;
  let prod = 1;
  for (let r = 0; r < n; r++) prod *= A[r * n + p[r]];
  total += prod;
  let i = 1;
  while (i < n) {
    if (c[i] < i) {
      if (i % 2 === 0) {
        const tmp = p[0];
        p[0] = p[i];
        p[i] = tmp;
      } else {
        const tmp = p[c[i]];
        p[c[i]] = p[i];
        p[i] = tmp;
      }
      prod = 1;
      for (let r = 0; r < n; r++) prod *= A[r * n + p[r]];
      total += prod;
      c[i] += 1;
      i = 1;
    } else {
      c[i] = 0;
      i += 1;
    }
  }
  return total;
}

const A = new Float64Array([
  0.5, 1.2, -0.3, 0.8,
  0.1, 0.9, 0.4, -0.6,
  1.1, -0.2, 0.7, 0.3,
  0.2, 0.6, -0.5, 1.0,
]);
console.log(`permanent: ${permanent(A, 4)}`);
console.log(`dpermanent: ${JSON.stringify(Array.from(grad(permanent)(A, 4)))}`);
