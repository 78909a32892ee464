// Non-finite literals (NaN, Infinity, -Infinity, 0/0) in compiled code, on
// both backends, in float64 and float32; and key data printed as JAX prints it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as frontend from "../compiler/frontend/index.js";
import { nativeAvailable } from "../compiler/backends/llvm/index.js";
import { NDArray, config, grad, jit, np, random, repr, setBackend, useFrontend } from "../runtime/index.js";
import { bind, module } from "../runtime/internal.js";
import { jit as jitFn } from "../runtime/index.js";

// a fresh cache: the front end's disk cache stores IR as JSON, which turns these literals into null (last test)
process.env.TSGRAD_CACHE_DIR = mkdtempSync(join(tmpdir(), "tsgrad-nonfinite-"));

const backends = nativeAvailable().ok ? (["js", "native"] as const) : (["js"] as const);

/** [source, argument, value, derivative]; arrays are NDArrays of the default float dtype. */
const cases: [string, number | number[], number | number[], number | number[]][] = [
  ["(x: number) => Math.max(-Infinity, x)", -5, -5, 1],
  ["(x: number) => Math.min(x, Infinity) * 2", 3, 6, 2],
  ["(x: number) => (x > 0 ? x : NaN)", 2, 2, 1],
  ["(x: number) => (x > 0 ? x : NaN)", -1, NaN, 0],
  ["(x: number) => x + 0 / 0", 1, NaN, 1],
  ["(x: number) => (x < Infinity ? x * x : -Infinity)", 3, 9, 6],
  ["(x: number) => Math.max(x, -Infinity) + np.inf * 0", 1, NaN, 1],
  ["(x: Tensor) => np.logsumexp(x)", [0, -Infinity, 1], Math.log(1 + Math.E), [1 / (1 + Math.E), 0, Math.E / (1 + Math.E)]],
  ["(x: Tensor) => np.sum(np.maximum(x, -Infinity))", [-Infinity, 2], -Infinity, [0.5, 1]], // a tie at -inf, as in jax
];

const fileName = "test/nonfinite-fixture.ts";
const source = ['import { np, type Tensor } from "tsgrad";', ...cases.map(([ts], k) => `export const n${k} = ${ts};`)].join("\n");
/** A placeholder for the fixture's function `name`: bound to its source below; a direct call runs it compiled (as jit). */
function direct(name: string): (...xs: unknown[]) => unknown {
  const f = (...xs: unknown[]): unknown => jitFn(f)(...xs);
  return Object.defineProperty(f, "name", { value: name });
}
const fns = cases.map((_, k) => direct(`n${k}`));
const plain = (v: unknown): unknown => (v instanceof NDArray ? v.toJSON() : v);
const near = (got: unknown, want: number | number[]) => {
  const g = [got].flat(), w = [want].flat();
  return g.length === w.length && w.every((v, k) => (Number.isFinite(v) ? Math.abs((g[k] as number) - v) <= 1e-6 * Math.max(1, Math.abs(v)) : Object.is(g[k], v)));
};

beforeAll(() => {
  useFrontend(frontend);
  const mod = module(source, fileName);
  cases.forEach((_, k) => bind(fns[k], mod, `n${k}`, [], ["x"]));
});
afterAll(() => {
  config.update("enableX64", true);
  setBackend("auto");
});

for (const x64 of [true, false]) {
  describe.each(backends)(`non-finite literals, ${x64 ? "float64" : "float32"}, %s backend`, (backend) => {
    cases.forEach(([ts, x, value, deriv], k) => {
      it(`${ts} at ${Array.isArray(x) ? `[${x.join(", ")}]` : x}`, () => {
        config.update("enableX64", x64);
        setBackend(backend);
        const arg = Array.isArray(x) || !x64 ? np.array(x) : x;
        expect([plain(jit(fns[k])(arg)), plain(grad(fns[k])(arg))]).toSatisfy(([v, d]: unknown[]) => near(v, value) && near(d, deriv));
      });
    });
  });
}

describe("random.keyData", () => {
  it("is a uint32 NDArray printed as jax prints it", () => {
    // jax.random.key_data(jax.random.key(n)) in JAX 0.10.2
    expect(repr(random.keyData(random.key(0)))).toBe("Array([0, 0], dtype=uint32)");
    expect(repr(random.keyData(random.key(42)))).toBe("Array([ 0, 42], dtype=uint32)");
    expect(repr(random.keyData(random.key(2 ** 31 + 5)))).toBe("Array([         0, 2147483653], dtype=uint32)");
    const raw = random.keyData(random.key(7));
    expect(raw.dtype).toBe("uint32");
    expect(random.keyData(random.wrapKeyData(raw)).toJSON()).toEqual(raw.toJSON());
    expect(random.keyData(random.split(raw)).toJSON()).toEqual(random.keyData(random.split(random.key(7))).toJSON());
  });
});

describe("the front end's disk cache", () => {
  // JSON has no Infinity or NaN: the cached IR encodes them (runtime/ir-json.ts), so a second process reads
  // `Math.max(-Infinity, x)` as written (JSON.stringify would have made it Math.max(null, x)).
  it("keeps non-finite literals (a fresh runtime reading the cache the tests above wrote)", async () => {
    const f = (x: number) => Math.max(-Infinity, x);
    const first = jit(f)(-5);
    vi.resetModules();
    const rt = await import("../runtime/index.js");
    rt.useFrontend(await import("../compiler/frontend/index.js"));
    rt.setBackend("js");
    expect([first, rt.jit(f)(-5)]).toEqual([-5, -5]);
  });
});
