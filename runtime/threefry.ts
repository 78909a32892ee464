// Threefry-2x32 counter-based PRNG, with JAX's key derivation and bit streams.
//
// A key is two uint32 words [k0, k1]. Everything JAX derives from a key
// (split, fold_in, random bits) is the Threefry-2x32 hash (20 rounds) of some
// counter words; the two modes differ only in how counters are laid out:
//  - classic (jax_threefry_partitionable=False): hash iota(n) split into two
//    halves, x0 = counts[0:n/2], x1 = counts[n/2:], outputs concatenated.
//  - partitionable: element i hashes the 64-bit counter i as (hi, lo) words.
// All arithmetic is on uint32 values kept in JS numbers via `>>> 0`.

const ROTATIONS = [
  [13, 15, 26, 6],
  [17, 29, 16, 24],
];

/**
 * Threefry-2x32 of (x0[i], x1[i]) under key (k0, k1), for every i.
 * Writes the two output words to y0[i], y1[i] (may alias x0, x1).
 */
export function threefry2x32(
  k0: number, k1: number,
  x0: Uint32Array, x1: Uint32Array,
  y0: Uint32Array, y1: Uint32Array,
): void {
  const ks = [k0 >>> 0, k1 >>> 0, (k0 ^ k1 ^ 0x1bd11bda) >>> 0];
  const n = x0.length;
  for (let i = 0; i < n; i++) {
    let a = (x0[i] + ks[0]) >>> 0;
    let b = (x1[i] + ks[1]) >>> 0;
    for (let g = 0; g < 5; g++) {
      const rot = ROTATIONS[g & 1];
      for (let j = 0; j < 4; j++) {
        const r = rot[j];
        a = (a + b) >>> 0;
        b = (((b << r) | (b >>> (32 - r))) ^ a) >>> 0;
      }
      // Key injection after every 4 rounds, with the round-group counter.
      a = (a + ks[(g + 1) % 3]) >>> 0;
      b = (b + ks[(g + 2) % 3] + g + 1) >>> 0;
    }
    y0[i] = a;
    y1[i] = b;
  }
}

/**
 * JAX's `threefry_2x32(key, iota(n))` (classic layout): pad the counts to
 * even length with a 0, hash first half against second half, concatenate the
 * two outputs and drop the padding.
 */
export function hashIota(k0: number, k1: number, n: number): Uint32Array {
  // JAX switches to a blocked scheme at 2^32 - 1 counts; unreachable in JS memory.
  if (n >= 0xffffffff) throw new RangeError(`random: too many values requested (${n})`);
  const half = Math.ceil(n / 2);
  const x0 = new Uint32Array(half);
  const x1 = new Uint32Array(half);
  for (let i = 0; i < half; i++) {
    x0[i] = i;
    x1[i] = half + i < n ? half + i : 0;
  }
  threefry2x32(k0, k1, x0, x1, x0, x1);
  const out = new Uint32Array(n);
  out.set(x0.subarray(0, Math.min(half, n)));
  out.set(x1.subarray(0, n - half), half);
  return out;
}

/** Partitionable layout: hash counter i (as words hi = 0, lo = i) for i < n. */
function hashCounters(k0: number, k1: number, n: number): [Uint32Array, Uint32Array] {
  if (n > 0xffffffff) throw new RangeError(`random: too many values requested (${n})`);
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) lo[i] = i;
  threefry2x32(k0, k1, hi, lo, hi, lo);
  return [hi, lo];
}

/** Key words from an integer seed (JAX's `threefry_seed`). */
export function seedWords(seed: bigint, x64: boolean): [number, number] {
  // JAX first converts Python ints to int64 (overflow is an error), then in
  // 32-bit mode truncates to int32: the key is [0, low word]. In 64-bit mode
  // the key is the int64 bit pattern split into [high word, low word].
  if (seed < -(1n << 63n) || seed >= 1n << 63n) {
    throw new RangeError(`random.key: seed ${seed} does not fit in int64`);
  }
  const bits = BigInt.asUintN(64, seed);
  const lo = Number(bits & 0xffffffffn);
  return x64 ? [Number(bits >> 32n), lo] : [0, lo];
}

/** `num` new keys from one key, as a flat Uint32Array [k0, k1, k0, k1, ...]. */
export function splitWords(k0: number, k1: number, num: number, partitionable: boolean): Uint32Array {
  if (!partitionable) return hashIota(k0, k1, 2 * num); // reshape(num, 2)
  const [a, b] = hashCounters(k0, k1, num);
  const out = new Uint32Array(2 * num);
  for (let i = 0; i < num; i++) {
    out[2 * i] = a[i];
    out[2 * i + 1] = b[i];
  }
  return out;
}

/** JAX's fold_in: hash the counter pair (0, data) under the key. */
export function foldInWords(k0: number, k1: number, data: number): [number, number] {
  const y0 = new Uint32Array([0]);
  const y1 = new Uint32Array([data >>> 0]);
  threefry2x32(k0, k1, y0, y1, y0, y1);
  return [y0[0], y1[0]];
}

/** `size` uniformly random uint32 words (JAX's random_bits with bit_width 32). */
export function bits32(k0: number, k1: number, size: number, partitionable: boolean): Uint32Array {
  if (!partitionable) return hashIota(k0, k1, size);
  const [a, b] = hashCounters(k0, k1, size);
  for (let i = 0; i < size; i++) a[i] = (a[i] ^ b[i]) >>> 0;
  return a;
}

/**
 * `size` random 64-bit values, as separate high and low uint32 words
 * (JAX's random_bits with bit_width 64).
 */
export function bits64(k0: number, k1: number, size: number, partitionable: boolean): [Uint32Array, Uint32Array] {
  if (partitionable) return hashCounters(k0, k1, size);
  // Classic: 2*size words; the first half are the high words, the second half the low words.
  const words = hashIota(k0, k1, 2 * size);
  return [words.subarray(0, size), words.subarray(size)];
}
