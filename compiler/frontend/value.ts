// Values of the lowering: an IR atom (a scalar or an array), or a pytree of
// them (JS arrays/tuples as lists, objects as dicts with sorted keys, like
// JAX), `none`, or `undef` (a binding with no value yet, e.g. the return
// value before any `return` ran). Pytrees exist only at compile time: the IR
// sees their leaves, depth-first.

import type { Atom } from "../ir/syntax.js";

export interface ListVal {
  readonly kind: "list";
  readonly items: Val[];
}
export interface DictVal {
  readonly kind: "dict";
  readonly keys: string[]; // sorted
  readonly items: Val[];
}
export interface NoneVal {
  readonly kind: "none";
}
export interface UndefVal {
  readonly kind: "undef";
}
/** A compile-time reference to a function (an arrow or a module function), for nested transforms. */
export interface FnVal {
  readonly kind: "fn";
  readonly id: number;
}

export type Val = Atom | ListVal | DictVal | NoneVal | UndefVal | FnVal;
export type TreeVal = ListVal | DictVal;

export const NONE: NoneVal = { kind: "none" };
export const UNDEF: UndefVal = { kind: "undef" };

export const isAtom = (x: Val): x is Atom => x.kind === "var" || x.kind === "lit";
export const isTree = (x: Val): x is TreeVal => x.kind === "list" || x.kind === "dict";

export const list = (items: Val[]): ListVal => ({ kind: "list", items });

/** A dict from unsorted entries: keys are sorted like jax.tree_util does. */
export function dict(entries: [string, Val][]): DictVal {
  const sorted = [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { kind: "dict", keys: sorted.map((e) => e[0]), items: sorted.map((e) => e[1]) };
}

/** Leaves in JAX order (lists in order, dicts by sorted key); none/undef/fn have none. */
export function leaves(x: Val): Atom[] {
  if (isAtom(x)) return [x];
  if (isTree(x)) return x.items.flatMap(leaves);
  return [];
}

/** The same structure with its leaves replaced, in order, by `next()`. */
export function mapLeaves(x: Val, f: (a: Atom, path: string[]) => Val, path: string[] = []): Val {
  if (isAtom(x)) return f(x, path);
  if (x.kind === "list") return list(x.items.map((it, k) => mapLeaves(it, f, [...path, String(k)])));
  if (x.kind === "dict") return { kind: "dict", keys: x.keys, items: x.items.map((it, k) => mapLeaves(it, f, [...path, x.keys[k]])) };
  return x;
}

/** Rebuilds `x`'s structure from a flat list of atoms (as many as leaves(x)). */
export function unflatten(x: Val, atoms: Atom[]): Val {
  let k = 0;
  return mapLeaves(x, () => atoms[k++]);
}

/** Same structure (kinds, lengths, keys) and, with `types`, same leaf types. */
export function sameStructure(a: Val, b: Val, types = false): boolean {
  if (isAtom(a) || isAtom(b)) return isAtom(a) && isAtom(b) && (!types || (a.type.dtype === b.type.dtype && a.type.rank === b.type.rank));
  if (a.kind !== b.kind) return false;
  if (a.kind === "list" && b.kind === "list") return a.items.length === b.items.length && a.items.every((it, k) => sameStructure(it, b.items[k], types));
  if (a.kind === "dict" && b.kind === "dict")
    return a.keys.length === b.keys.length && a.keys.every((key, k) => key === b.keys[k]) && a.items.every((it, k) => sameStructure(it, b.items[k], types));
  if (a.kind === "fn" && b.kind === "fn") return a.id === b.id;
  return true;
}

/** A short description for diagnostics. */
export function describe(x: Val): string {
  if (isAtom(x)) return x.type.rank === 0 ? `a scalar (${x.type.dtype})` : `an array (${x.type.dtype}, rank ${x.type.rank})`;
  switch (x.kind) {
    case "list":
      return `a list of ${x.items.length}`;
    case "dict":
      return `an object {${x.keys.join(", ")}}`;
    case "none":
      return "null";
    case "undef":
      return "undefined";
    default:
      return "a function";
  }
}
