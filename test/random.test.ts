// runtime/random.ts against JAX: golden values from scripts/golden_random.py
// (bit-exact), the documented known values, NDArray reprs, and argument errors.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { config } from "../runtime/config.js";
import { NDArray, type DType, type TypedData } from "../runtime/ndarray.js";
import * as random from "../runtime/random.js";

interface Case {
  fn: "key_data" | "split" | "fold_in" | "bits" | "uniform" | "normal";
  x64: boolean;
  partitionable: boolean;
  seed: string;
  path: [number, number][];
  num?: number;
  data?: number;
  shape?: number[];
  dtype?: "float32" | "float64";
  minval?: number;
  maxval?: number;
  out_dtype: string;
  out_shape: number[];
  value?: number[];
  sha256?: string;
}
interface ReprCase {
  dtype: DType;
  shape: number[];
  data: (number | string)[]; // non-finite floats as "Infinity", "-Infinity", "NaN"
  repr: string;
}
const golden = JSON.parse(
  readFileSync(fileURLToPath(new URL("./data/random_golden.json", import.meta.url)), "utf8"),
) as { produced_by: Record<string, string>; cases: Case[]; reprs: ReprCase[] };

const BUFFERS = { float32: Float32Array, float64: Float64Array, uint32: Uint32Array, int32: Int32Array, bool: Uint8Array };

afterEach(() => {
  config.update("enableX64", true);
  config.update("threefryPartitionable", false);
});

function run(c: Case): { data: TypedData; shape: number[]; dtype: string } {
  config.update("enableX64", c.x64);
  config.update("threefryPartitionable", c.partitionable);
  let k = random.key(BigInt(c.seed));
  for (const [num, index] of c.path) k = random.split(k, num)[index];
  switch (c.fn) {
    case "key_data":
      return random.keyData(k);
    case "split":
      return random.keyData(random.split(k, c.num));
    case "fold_in":
      return random.keyData(random.foldIn(k, c.data!));
    case "bits":
      return random.bits(k, c.shape);
    case "uniform":
      return random.uniform(k, c.shape, c.minval ?? 0, c.maxval ?? 1, c.dtype);
    case "normal":
      return random.normal(k, c.shape, c.dtype);
  }
}

function label(c: Case): string {
  const args = [c.shape && `shape=[${c.shape}]`, c.dtype, c.num !== undefined && `num=${c.num}`,
    c.data !== undefined && `data=${c.data}`, c.minval !== undefined && `[${c.minval}, ${c.maxval})`,
    c.path.length > 0 && `path=${JSON.stringify(c.path)}`].filter(Boolean).join(" ");
  return `${c.fn}(seed=${c.seed}) ${args} ${c.x64 ? "x64" : "x32"} ${c.partitionable ? "partitionable" : "classic"}`;
}

describe("golden values from JAX", () => {
  it("has enough cases", () => {
    expect(golden.cases.length).toBeGreaterThanOrEqual(40);
    expect(golden.produced_by.jax).toBeTruthy();
  });

  it.each(golden.cases.map((c) => [label(c), c] as const))("%s", (_, c) => {
    const out = run(c);
    expect(out.dtype).toBe(c.out_dtype);
    expect(out.shape).toEqual(c.out_shape);
    if (c.sha256 !== undefined) {
      const bytes = new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(c.sha256);
      return;
    }
    // Bit-exact: copy the expected numbers into the same typed array type and
    // compare element by element with Object.is (distinguishes -0, NaN).
    const Buf = BUFFERS[out.dtype as keyof typeof BUFFERS];
    const expected = Buf.from(c.value!);
    expect(expected.length).toBe(c.value!.length);
    const mismatches: string[] = [];
    for (let i = 0; i < expected.length; i++) {
      if (!Object.is(out.data[i], expected[i]) || (out.dtype === "float32" && Math.fround(c.value![i]) !== c.value![i])) {
        mismatches.push(`[${i}] got ${out.data[i]} want ${c.value![i]}`);
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});

describe("known values", () => {
  it("classic mode (float32)", () => {
    config.update("enableX64", false);
    const k = random.key(0);
    expect(random.keyData(k).toJSON()).toEqual([0, 0]);
    expect(random.keyData(random.split(k, 3)).toJSON()).toEqual([
      [2467461003, 428148500], [3186719485, 3840466878], [2562233961, 1946702221],
    ]);
    expect(Array.from(random.normal(k, [3]).data)).toEqual([1.8160863, -0.48262316, 0.33988908].map(Math.fround));
    expect(Array.from(random.uniform(k, [3]).data)).toEqual([0.9653214, 0.31468165, 0.63302994].map(Math.fround));
  });

  it("partitionable mode (float32)", () => {
    config.update("enableX64", false);
    config.update("threefryPartitionable", true);
    const k = random.key(0);
    expect(random.keyData(random.split(k, 3)).toJSON()).toEqual([
      [1797259609, 2579123966], [928981903, 3453687069], [4146024105, 2718843009],
    ]);
    expect(Array.from(random.normal(k, [3]).data)).toEqual([1.6226422, 2.0252647, -0.43359444].map(Math.fround));
  });

  it("tutorial: split then sample", () => {
    config.update("enableX64", false);
    let k = random.key(0);
    const [k0, wKey, bKey] = random.split(k, 3);
    k = k0;
    const W = random.normal(wKey, [3]);
    const b = random.normal(bKey, []);
    expect(W.toJSON()).toEqual([-0.3683878481388092, -2.275688886642456, 0.011447565630078316]);
    expect(b.toJSON()).toBe(0.8535516262054443);
    expect(b.shape).toEqual([]);
    const [, subkey] = random.split(k);
    expect(random.normal(subkey, [3]).dtype).toBe("float32");
  });

  it("defaults to float64 under enableX64 (tsgrad's default)", () => {
    expect(config.enableX64).toBe(true);
    expect(random.normal(random.key(0), [2]).dtype).toBe("float64");
    expect(random.uniform(random.key(0)).dtype).toBe("float64");
    expect(random.bits(random.key(0), 2).shape).toEqual([2]);
  });

  it("keys print like JAX and accept raw key data", () => {
    expect(String(random.key(0))).toBe("Array((), dtype=key<fry>) overlaying:\n[0 0]");
    const ks = random.split(random.key(3), 2);
    const raw = random.keyData(ks[1]);
    expect(random.keyData(random.split(raw))).toEqual(random.keyData(random.split(ks[1])));
    expect(random.keyData(random.wrapKeyData(raw))).toEqual(raw);
  });
});

describe("NDArray repr", () => {
  it("matches the documented examples", () => {
    const v = new NDArray(Float32Array.from([-0.16965583, -0.8774644, -1.4901346]), [3], "float32");
    expect(String(v)).toBe("Array([-0.16965583, -0.8774644 , -1.4901346 ], dtype=float32)");
    expect(String(new NDArray(Float32Array.from([-0.29227245]), [], "float32"))).toBe("Array(-0.29227245, dtype=float32)");
    expect(String(new NDArray(Float64Array.from([1, 2]), [2], "float64"))).toBe("Array([1., 2.], dtype=float64)");
    expect(new NDArray(Float64Array.from([1, 2, 3, 4]), [2, 2], "float64").toJSON()).toEqual([[1, 2], [3, 4]]);
  });

  it.each(golden.reprs.map((r) => [r.repr, r] as const))("%s", (_, r) => {
    const a = new NDArray(BUFFERS[r.dtype].from(r.data.map(Number)), r.shape, r.dtype);
    expect(a.toString()).toBe(r.repr);
  });
});

describe("argument errors", () => {
  const k = random.key(0);
  it("rejects bad shapes", () => {
    expect(() => random.normal(k, [2.5])).toThrow(/shape must be a non-negative integer/);
    expect(() => random.uniform(k, [-1])).toThrow(/shape/);
    expect(() => random.bits(k, "3" as unknown as number)).toThrow(/shape/);
  });
  it("rejects bad seeds", () => {
    expect(() => random.key(1.5)).toThrow(/integer/);
    expect(() => random.key(2n ** 63n)).toThrow(/int64/);
    expect(() => random.key("0" as unknown as number)).toThrow(/seed/);
  });
  it("rejects bad keys, dtypes and counts", () => {
    expect(() => random.normal(random.split(k) as unknown as random.PRNGKey)).toThrow(/index it/);
    expect(() => random.normal(k, [2], "int32" as "float32")).toThrow(/dtype/);
    expect(() => random.uniform(k, [2], "float32" as unknown as number)).toThrow(/argument order/);
    expect(() => random.split(k, 1.5)).toThrow(/num/);
    expect(() => random.foldIn(k, -1)).toThrow(/data/);
    expect(() => config.update("enableX65", true)).toThrow(/unknown flag "enableX65"/);
  });
});
