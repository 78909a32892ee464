import { grad, np, type Tensor } from "tsgrad";
import { describe, expect, it } from "vitest";

describe("closures written in a test", () => {
  it("compile from their text (np keeps its name under vitest)", () => {
    expect(grad((x: number) => np.sin(x) * x)(0.5)).toBeCloseTo(Math.sin(0.5) + 0.5 * Math.cos(0.5), 12);
    const g: Tensor = grad((v: Tensor) => np.sum(np.tanh(v)))(np.array([0.5, 1]));
    expect(g.data[1]).toBeCloseTo(1 - Math.tanh(1) ** 2, 12);
  });
});
