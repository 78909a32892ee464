// The runtime API on both backends: grad of np functions to order 3, argnums,
// valueAndGrad, jvp, vjp, jit, and its error messages.
import { beforeAll, describe, expect, it } from "vitest";
import { grad, jit, jvp, np, setBackend, valueAndGrad, vjp, stopGradient } from "../runtime/index.js";
import { nativeAvailable } from "../compiler/backends/llvm/index.js";

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const backends = nativeAvailable().ok ? (["js", "native"] as const) : (["js"] as const);

describe.each(backends)("runtime on the %s backend", (backend) => {
  beforeAll(() => setBackend(backend));

  it("grad(np.tanh) to order 3 at 2.0 (the tutorial's values, float32 printed)", () => {
    setBackend(backend);
    expect(relErr(grad(np.tanh)(2.0), 0.070650816)).toBeLessThan(3e-7);
    expect(relErr(grad(grad(np.tanh))(2.0), -0.13621868)).toBeLessThan(3e-7);
    expect(relErr(grad(grad(grad(np.tanh)))(2.0), 0.25265405)).toBeLessThan(3e-7);
  });

  it("argnums, valueAndGrad, jvp, vjp, jit on np functions", () => {
    setBackend(backend);
    const [gx, gy] = grad(np.arctan2, [0, 1])(1.0, 2.0);
    expect(gx).toBeCloseTo(2 / 5, 14);
    expect(gy).toBeCloseTo(-1 / 5, 14);
    expect(grad(np.arctan2, 1)(1.0, 2.0)).toBeCloseTo(-1 / 5, 14);
    const [val, g] = valueAndGrad(np.sin)(0.5);
    expect(val).toBe(Math.sin(0.5));
    expect(g).toBeCloseTo(Math.cos(0.5), 15);
    const [out, tan] = jvp(np.multiply, [3, 4], [1, 0.5]);
    expect(out).toBe(12);
    expect(tan).toBe(4 * 1 + 3 * 0.5);
    const [o2, back] = vjp(np.multiply, 3, 4);
    expect(o2).toBe(12);
    expect(back(2)).toEqual([8, 6]);
    expect(jit(np.exp)(1)).toBeCloseTo(Math.E, 15);
    expect(grad(stopGradient)(3)).toBe(0);
  });

  it("derivatives at kinks follow jax.grad", () => {
    setBackend(backend);
    expect(grad(np.abs)(0)).toBe(1);
    expect(grad(np.maximum, [0, 1])(1, 1)).toEqual([0.5, 0.5]);
    expect(grad(np.minimum, [0, 1])(2, 1)).toEqual([0, 1]);
    expect(grad(np.sign)(0)).toBe(0);
    expect(grad(np.floor)(1.5)).toBe(0);
  });

  it("reports bad uses clearly", () => {
    setBackend(backend);
    expect(() => grad(np.arctan2, 2)).toThrow("grad(np.arctan2): argnums 2 is out of range for a function of 2 positional arguments");
    expect(() => grad(np.sin)("x")).toThrow('grad: x: expected a number, an array or a pytree of them, got string "x"');
    expect(() => grad(np.sin)(1, 2)).toThrow("grad: grad(np.sin) takes 1 argument, got 2");
    expect(() => grad(valueAndGrad(np.sin))(1)).toThrow("grad(valueAndGrad(np.sin)): valueAndGrad(np.sin) must return a float scalar, but it returns a tuple of 2");
    expect(() => grad(Math.sin)).toThrow("cannot read the source of sin");
  });
});
