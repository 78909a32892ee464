// Snapshots of arrays a loop replaces wholesale (`h = np.tanh(h * x + b)`,
// `u = unew`) or updates in ways an undo log cannot follow (writes inside
// branches or nested loops). At the start of every iteration the taping run
// appends the array's elements to one flat growable buffer (capacity doubled
// when full) and records their offset and the array's dims; the reversed
// loop reads iteration k's array back. Sizes may differ between iterations.
// Memory: O(Σ sizes) = O(trips × size), as jax.lax.scan; time O(size) per iteration.

import type { Builder } from "../../ir/builder.js";
import { tapeName } from "../../ir/names.js";
import type { Atom, Type, Var } from "../../ir/syntax.js";
import { i32, lit } from "../../ir/syntax.js";

/** The four values a snapshot tape carries: offsets, dims per iteration, the elements, and the fill. */
export type SnapshotTape = [offs: Atom, dims: Atom, data: Atom, fill: Atom];

const dimsOf = (b: Builder, x: Atom): Atom[] => Array.from({ length: x.type.rank }, (_, d) => b.prim("shape", [x], { axes: [d] }, "n"));
const product = (b: Builder, dims: Atom[]): Atom => dims.reduce((n, d) => b.mul(n, d, "size"), lit(1, i32));

/** Empty tapes for `trips` snapshots of arrays like `init` (room for all of them when the size stays the same). */
export function snapshotInit(b: Builder, init: Atom, trips: Atom, name: string): SnapshotTape {
  const r = init.type.rank;
  const cap = b.mul(trips, product(b, dimsOf(b, init)), "cap");
  return [
    b.prim("arr_new", [trips], { dtype: "i32" }, tapeName(`${name}_at`)),
    b.prim("arr_new", [b.mul(trips, lit(r, i32))], { dtype: "i32" }, tapeName(`${name}_dims`)),
    b.prim("arr_new", [cap], { dtype: init.type.dtype }, tapeName(name)),
    lit(0, i32),
  ];
}

/** Appends array `x` as snapshot `k`; returns the tapes' next values. */
export function snapshotPush(b: Builder, [offs, dims, data, fill]: Var[], x: Atom, k: Atom): SnapshotTape {
  const r = x.type.rank;
  const ds = dimsOf(b, x);
  const size = product(b, ds);
  const flat = r === 1 ? x : b.prim("reshape", [x, size], undefined, "flat");
  const offs1 = b.prim("arr_set", [offs, k, fill], undefined, offs.name);
  let dims1: Atom = dims;
  ds.forEach((d, j) => (dims1 = b.prim("arr_set", [dims1, b.add(b.mul(k, lit(r, i32)), lit(j, i32)), d], undefined, dims.name)));
  const need = b.add(fill, size, "need");
  const room = b.fresh(data.name, data.type);
  const grow = b.block(() => {
    const cap = b.prim("max", [need, b.mul(b.prim("arr_len", [data]), lit(2, i32))], undefined, "cap");
    return [copyRange(b, b.prim("arr_new", [cap], { dtype: data.type.dtype }, data.name), data, lit(0, i32), fill, lit(0, i32))];
  });
  b.emit({ kind: "if", outs: [room], cond: b.prim("gt", [need, b.prim("arr_len", [data])]), then: grow, else: { stmts: [], results: [data] } });
  const data1 = copyRange(b, room, flat, fill, size, lit(0, i32));
  return [offs1, dims1, data1, need];
}

/** Snapshot `k` read back as an array of type `t`. */
export function snapshotRead(b: Builder, [offs, dims, data]: Atom[], k: Atom, t: Type, name: string): Atom {
  const ds = Array.from({ length: t.rank }, (_, j) => b.prim("arr_get", [dims, b.add(b.mul(k, lit(t.rank, i32)), lit(j, i32))], undefined, "n"));
  const size = product(b, ds);
  const off = b.prim("arr_get", [offs, k], undefined, "off");
  const flat = copyRange(b, b.prim("arr_new", [size], { dtype: t.dtype }, name), data, lit(0, i32), size, off);
  return t.rank === 1 ? flat : b.prim("reshape", [flat, ...ds], undefined, name);
}

/** dst[at + j] = src[from + j] for j < count, as a loop carrying dst. */
function copyRange(b: Builder, dst: Atom, src: Atom, at: Atom, count: Atom, from: Atom): Atom {
  const j = b.fresh("j", i32);
  const d = b.fresh(dst.kind === "var" ? dst.name : "buf", dst.type);
  const body = b.block(() => [b.prim("arr_set", [d, b.add(at, j), b.prim("arr_get", [src, b.add(from, j)])], undefined, d.name)]);
  const out = b.fresh(d.name, d.type);
  b.emit({ kind: "for", outs: [out], index: j, lo: lit(0, i32), hi: count, reverse: false, carried: [d], inits: [dst], body });
  return out;
}
