// A CSR sparse matrix-vector product over Float64Array values with Int32Array
// row pointers and column indices (gathers), a least-squares residual, and
// its gradient w.r.t. the nonzero values and the vector.
import { grad } from "tsgrad";

function residual(values: Float64Array, rowPtr: Int32Array, cols: Int32Array, x: Float64Array, b: Float64Array): number {
  let total = 0;
  for (let r = 0; r < rowPtr.length - 1; r++) {
    let acc = 0;
    for (let k = rowPtr[r]; k < rowPtr[r + 1]; k++) acc += values[k] * x[cols[k]];
    const d = acc - b[r];
    total += d * d;
  }
  return 0.5 * total;
}

// [[4, 0, 1, 0], [0, 3, 0, 2], [1, 0, 5, 0], [0, 2, 0, 6], [1, 1, 0, 0]]
const values = new Float64Array([4, 1, 3, 2, 1, 5, 2, 6, 1, 1]);
const rowPtr = new Int32Array([0, 2, 4, 6, 8, 10]);
const cols = new Int32Array([0, 2, 1, 3, 0, 2, 1, 3, 0, 1]);
const x = new Float64Array([0.5, -1.0, 0.25, 2.0]);
const b = new Float64Array([1.0, 2.0, 0.5, -1.0, 0.3]);

console.log(`residual: ${residual(values, rowPtr, cols, x, b)}`);
const [dvalues, dx] = grad(residual, [0, 3])(values, rowPtr, cols, x, b);
console.log(`dvalues: ${JSON.stringify(Array.from(dvalues))}`);
console.log(`dx: ${JSON.stringify(Array.from(dx))}`);
