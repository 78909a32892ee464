import { grad, np } from "tsgrad";
import { describe, expect, it } from "vitest";
import { loss, lossGrad, wave, waveValueAndGrad } from "./model";

describe("tsgrad functions under vitest", () => {
  it("differentiates a module's functions", () => {
    const W = np.array([0.1, -0.2, 0.3]);
    const [gW, gb] = lossGrad(W, 0.1);
    const h = 1e-6;
    const fd = (loss(W, 0.1 + h) - loss(W, 0.1 - h)) / (2 * h);
    expect(gb).toBeCloseTo(fd, 6);
    expect(gW.shape).toEqual([3]);
  });

  it("differentiates loops, and functions imported into the test", () => {
    const [v, d] = waveValueAndGrad(0.3, 5);
    expect(v).toBeCloseTo(wave(0.3, 5), 12);
    const h = 1e-6;
    expect(d).toBeCloseTo((wave(0.3 + h, 5) - wave(0.3 - h, 5)) / (2 * h), 6);
    expect(grad(wave)(0.3, 5)).toBe(d);
  });
});
