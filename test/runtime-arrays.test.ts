// Arrays through the whole runtime without the front end: the tutorial's
// logistic-regression loss written directly in IR, differentiated with
// respect to (W, b) and run on both backends with float32 NDArrays, against
// the values JAX prints in the tutorial.
import { beforeAll, describe, expect, it } from "vitest";
import { Builder } from "../compiler/ir/builder.js";
import { type Func, lit } from "../compiler/ir/syntax.js";
import { verifyFunc } from "../compiler/ir/verify.js";
import { nativeAvailable } from "../compiler/backends/llvm/index.js";
import { NDArray } from "../runtime/ndarray.js";
import { grad, setBackend, valueAndGrad } from "../runtime/index.js";
import { W, b, boundLoss } from "./helpers/tutorial-loss.js";

const loss = boundLoss();

const close = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(2e-6 * Math.abs(want));
const backends = nativeAvailable().ok ? (["js", "native"] as const) : (["js"] as const);

describe.each(backends)("the tutorial's logistic regression on the %s backend", (backend) => {
  beforeAll(() => setBackend(backend));

  it("grad(loss)(W, b) and grad(loss, 1)(W, b)", () => {
    const gW = grad(loss)(W, b) as NDArray;
    expect(gW).toBeInstanceOf(NDArray);
    expect(gW.dtype).toBe("float32");
    expect(gW.shape).toEqual([3]);
    [-0.16965583, -0.8774644, -1.4901346].forEach((w, k) => close(gW.data[k], w));
    close(grad(loss, 1)(W, b) as number, -0.29227245);
  });

  it("valueAndGrad(loss, [0, 1])", () => {
    const [value, [gW, gb]] = valueAndGrad(loss, [0, 1])(W, b) as [number, [NDArray, number]];
    close(value, 3.0519385);
    close(gW.data[2], -1.4901346);
    close(gb, -0.29227245);
  });
});
