// jax.random for tsgrad: threefry2x32 keys and samplers that reproduce JAX's
// values bit for bit (JAX on x86-64 CPU), in both threefry modes.
//
//   const k = random.key(0);
//   const [k1, k2] = random.split(k);
//   random.normal(k1, [3]);   // float64 by default in tsgrad (enableX64)

import { config } from "./config.js";
import { erfinvF32, erfinvF64 } from "./erfinv.js";
import { fma32, fma64 } from "../compiler/ir/fma.js";
import { NDArray } from "./ndarray.js";
import { bits32, bits64, foldInWords, seedWords, splitWords } from "./threefry.js";

export { NDArray };

export type FloatDType = "float32" | "float64";

/** A single threefry2x32 PRNG key (JAX's `key<fry>` scalar). */
export class PRNGKey {
  /** The key's two uint32 words, [high, low] for a seeded key. */
  readonly words: Uint32Array;

  constructor(w0: number, w1: number) {
    this.words = new Uint32Array([w0, w1]);
  }

  get impl(): "threefry2x32" {
    return "threefry2x32";
  }

  /** JAX's repr of a key array. */
  toString(): string {
    return `Array((), dtype=key<fry>) overlaying:\n[${this.words[0]} ${this.words[1]}]`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** A key or (nested) arrays of keys, e.g. the result of `split`. */
export type KeyArray = PRNGKey | readonly KeyArray[];
/** Anything accepted where a single key is expected: a PRNGKey or raw uint32[2] key data. */
export type KeyLike = PRNGKey | NDArray | Uint32Array;

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === "object") return `a ${(v as object).constructor?.name ?? "object"}`;
  return `${typeof v} ${String(v)}`;
}

function keyWords(name: string, key: unknown): [number, number] {
  if (key instanceof PRNGKey) return [key.words[0], key.words[1]];
  if (key instanceof NDArray && key.dtype === "uint32" && key.shape.length === 1 && key.shape[0] === 2) return [key.data[0], key.data[1]]; // raw key data
  if (key instanceof Uint32Array && key.length === 2) return [key[0], key[1]]; // legacy raw key
  const hint = Array.isArray(key) ? " (split returns an array of keys: index it, e.g. keys[0])" : "";
  throw new TypeError(`random.${name}: expected a single PRNG key from random.key/split, got ${describe(key)}${hint}`);
}

function canonicalShape(name: string, shape: unknown): number[] {
  const dims = typeof shape === "number" ? [shape] : shape;
  if (!Array.isArray(dims) || dims.some((d) => typeof d !== "number" || !Number.isSafeInteger(d) || d < 0)) {
    throw new TypeError(
      `random.${name}: shape must be a non-negative integer or an array of them, got ${
        Array.isArray(dims) ? `[${dims.join(", ")}]` : describe(shape)}`,
    );
  }
  return dims.slice();
}

function floatDType(name: string, dtype: unknown): FloatDType {
  if (dtype === undefined) return config.enableX64 ? "float64" : "float32";
  if (dtype !== "float32" && dtype !== "float64") {
    throw new TypeError(`random.${name}: dtype must be "float32" or "float64", got ${describe(dtype)}`);
  }
  return dtype;
}

// ----------------------------------------------------------------- keys --

/** A PRNG key from an integer seed, like `jax.random.key(seed)`. */
export function key(seed: number | bigint): PRNGKey {
  if (typeof seed === "number" && !Number.isInteger(seed)) {
    throw new TypeError(`random.key: seed must be an integer, got ${seed}`);
  }
  if (typeof seed !== "number" && typeof seed !== "bigint") {
    throw new TypeError(`random.key: seed must be an integer number or bigint, got ${describe(seed)}`);
  }
  const [w0, w1] = seedWords(BigInt(seed), config.enableX64);
  return new PRNGKey(w0, w1);
}

/** A key from its two uint32 words (`jax.random.wrap_key_data`). */
export function wrapKeyData(raw: ArrayLike<number> | NDArray): PRNGKey {
  const data = raw instanceof NDArray ? raw.data : raw;
  if (data.length !== 2 || !Array.from(data).every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
    throw new TypeError("random.wrapKeyData: expected two uint32 words");
  }
  return new PRNGKey(data[0], data[1]);
}

/**
 * The raw uint32 words of a key (`jax.random.key_data`): a uint32 NDArray of
 * shape [2] for one key (`Array([0, 0], dtype=uint32)`), [...keysShape, 2] for key arrays.
 */
export function keyData(keys: KeyLike | readonly KeyArray[]): NDArray {
  if (!Array.isArray(keys)) return new NDArray(Uint32Array.from(keyWords("keyData", keys)), [2], "uint32");
  const shape: number[] = [];
  for (let level: unknown = keys; Array.isArray(level); level = level[0]) shape.push(level.length);
  const out: number[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (depth === shape.length) {
      out.push(...keyWords("keyData", node));
    } else if (Array.isArray(node) && node.length === shape[depth]) {
      for (const child of node) walk(child, depth + 1);
    } else {
      throw new TypeError("random.keyData: key arrays must be rectangular");
    }
  };
  walk(keys, 0);
  return new NDArray(Uint32Array.from(out), [...shape, 2], "uint32");
}

/** `num` new independent keys (`jax.random.split`), as a plain array. */
export function split(key: KeyLike, num = 2): PRNGKey[] {
  const [k0, k1] = keyWords("split", key);
  if (!Number.isSafeInteger(num) || num < 0) {
    throw new TypeError(`random.split: num must be a non-negative integer, got ${describe(num)}`);
  }
  const words = splitWords(k0, k1, num, config.threefryPartitionable);
  return Array.from({ length: num }, (_, i) => new PRNGKey(words[2 * i], words[2 * i + 1]));
}

/** A new key that mixes uint32 `data` into `key` (`jax.random.fold_in`). */
export function foldIn(key: KeyLike, data: number): PRNGKey {
  const [k0, k1] = keyWords("foldIn", key);
  // JAX converts data with jnp.asarray(data, "uint32"): out-of-range ints are an error.
  if (!Number.isInteger(data) || data < 0 || data > 0xffffffff) {
    throw new RangeError(`random.foldIn: data must be an integer in [0, 2**32), got ${describe(data)}`);
  }
  const [w0, w1] = foldInWords(k0, k1, data);
  return new PRNGKey(w0, w1);
}

// ------------------------------------------------------------- samplers --

/** Uniform random uint32 bits (`jax.random.bits(key, shape, jnp.uint32)`). */
export function bits(key: KeyLike, shape: number | number[] = [], dtype: "uint32" = "uint32"): NDArray {
  const [k0, k1] = keyWords("bits", key);
  const dims = canonicalShape("bits", shape);
  if (dtype !== "uint32") {
    throw new TypeError(`random.bits: only dtype "uint32" is supported, got ${describe(dtype)}`);
  }
  const size = dims.reduce((a, b) => a * b, 1);
  return new NDArray(bits32(k0, k1, size, config.threefryPartitionable), dims, "uint32");
}

/**
 * Floats uniform in [0, 1) from random bits, as JAX builds them: random
 * mantissa bits under the exponent of 1.0, minus 1. Returned exactly as numbers.
 */
function unitFloats(k0: number, k1: number, size: number, dtype: FloatDType): Float64Array {
  const out = new Float64Array(size);
  const partitionable = config.threefryPartitionable;
  if (dtype === "float32") {
    const b = bits32(k0, k1, size, partitionable);
    for (let i = 0; i < size; i++) out[i] = (b[i] >>> 9) * 2 ** -23;
  } else {
    const [hi, lo] = bits64(k0, k1, size, partitionable);
    // (hi:lo) >> 12 is a 52-bit integer: exact in a double.
    for (let i = 0; i < size; i++) out[i] = (hi[i] * 2 ** 20 + (lo[i] >>> 12)) * 2 ** -52;
  }
  return out;
}

/** `jax.random.uniform`: values in [minval, maxval) (note: dtype comes last here). */
export function uniform(
  key: KeyLike, shape: number | number[] = [], minval = 0, maxval = 1, dtype?: FloatDType,
): NDArray {
  const [k0, k1] = keyWords("uniform", key);
  const dims = canonicalShape("uniform", shape);
  const dt = floatDType("uniform", dtype);
  if (typeof minval !== "number" || typeof maxval !== "number") {
    throw new TypeError(
      `random.uniform: minval and maxval must be numbers (argument order is key, shape, minval, maxval, dtype), got ${
        describe(minval)} and ${describe(maxval)}`,
    );
  }
  const size = dims.reduce((a, b) => a * b, 1);
  const u = unitFloats(k0, k1, size, dt);
  if (dt === "float32") {
    const lo = Math.fround(minval);
    const span = Math.fround(Math.fround(maxval) - lo);
    const out = new Float32Array(size);
    // XLA fuses floats * (max - min) + min into one fma; max(...) clamps at minval.
    for (let i = 0; i < size; i++) out[i] = Math.max(lo, fma32(u[i], span, lo));
    return new NDArray(out, dims, dt);
  }
  const span = maxval - minval;
  for (let i = 0; i < size; i++) u[i] = Math.max(minval, fma64(u[i], span, minval));
  return new NDArray(u, dims, dt);
}

/** `jax.random.normal`: standard normal samples, sqrt(2) * erfinv(u) with u uniform in (-1, 1). */
export function normal(key: KeyLike, shape: number | number[] = [], dtype?: FloatDType): NDArray {
  const [k0, k1] = keyWords("normal", key);
  const dims = canonicalShape("normal", shape);
  const dt = floatDType("normal", dtype);
  const size = dims.reduce((a, b) => a * b, 1);
  const u = unitFloats(k0, k1, size, dt);
  if (dt === "float32") {
    const lo = Math.fround(-1 + 2 ** -24); // nextafter(-1, 0) in float32
    const span = Math.fround(1 - lo); // rounds to 2
    const sqrt2 = Math.fround(Math.SQRT2);
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const x = Math.max(lo, fma32(u[i], span, lo));
      out[i] = Math.fround(erfinvF32(x) * sqrt2);
    }
    return new NDArray(out, dims, dt);
  }
  const lo = -1 + 2 ** -53; // nextafter(-1, 0)
  const span = 1 - lo; // rounds to 2
  for (let i = 0; i < size; i++) u[i] = erfinvF64(Math.max(lo, fma64(u[i], span, lo))) * Math.SQRT2;
  return new NDArray(u, dims, dt);
}
