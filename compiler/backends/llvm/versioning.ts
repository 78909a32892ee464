// Loop versioning for bounds checks. A checked access exits the kernel, and
// LLVM 14's vectorizer rejects loops with such extra exits (it managed an
// elementwise loop, never a reduction). For an innermost `for i in lo..hi`
// whose accesses index `i` or `base + i` (base loop-invariant) into arrays of
// loop-invariant length, one test before the loop proves every such access in
// bounds; emit.ts then emits the loop twice: without those checks when the
// test passes, with them otherwise (an access that really is out of bounds
// still fails with the same status).

import type { Atom, Block, ForStmt, PrimStmt } from "../../ir/syntax.js";

export interface RangeAccess {
  readonly stmt: PrimStmt; // an arr_get or arr_set
  /** The array: an outer variable, or carried value k (whose length the loop never changes). */
  readonly array: { readonly outer: Atom } | { readonly carried: number };
  /** Index = base + i; undefined means index = i. */
  readonly base: Atom | undefined;
}

/** The accesses of an innermost `for` loop's body (its direct statements) that one test can cover. */
export function rangeAccesses(s: ForStmt): RangeAccess[] {
  if (hasLoop(s.body)) return [];
  const defined = new Set<string>([s.index.name, ...s.carried.map((c) => c.name)]);
  collectDefs(s.body, defined);
  const invariant = (a: Atom) => a.kind === "lit" || !defined.has(a.name);
  const isIndex = (a: Atom) => a.kind === "var" && a.name === s.index.name;

  // base + i, in either order
  const bases = new Map<string, Atom>();
  // carried arrays through arr_set chains: variable name → carried k
  const chain = new Map<string, number>();
  s.carried.forEach((c, k) => c.type.rank > 0 && chain.set(c.name, k));
  for (const st of s.body.stmts) {
    if (st.kind !== "prim") continue;
    const [x, y] = st.args;
    if (st.prim === "add" && st.outs[0].type.dtype === "i32") {
      if (isIndex(x) && invariant(y)) bases.set(st.outs[0].name, y);
      else if (isIndex(y) && invariant(x)) bases.set(st.outs[0].name, x);
    }
    if ((st.prim === "arr_set" || st.prim === "stop_gradient") && x.kind === "var" && chain.has(x.name)) chain.set(st.outs[0].name, chain.get(x.name)!);
  }
  // A carried array keeps its length only if every iteration yields its own chain.
  const keeps = (k: number) => {
    const r = s.body.results[k];
    return r.kind === "var" && chain.get(r.name) === k;
  };

  const out: RangeAccess[] = [];
  for (const st of s.body.stmts) {
    if (st.kind !== "prim" || (st.prim !== "arr_get" && st.prim !== "arr_set")) continue;
    const [a, idx] = st.args;
    const base = isIndex(idx) ? undefined : idx.kind === "var" ? bases.get(idx.name) : undefined;
    if (!isIndex(idx) && base === undefined) continue;
    const k = a.kind === "var" ? chain.get(a.name) : undefined;
    if (k !== undefined && keeps(k)) out.push({ stmt: st, array: { carried: k }, base });
    else if (k === undefined && invariant(a)) out.push({ stmt: st, array: { outer: a }, base });
  }
  return out;
}

function hasLoop(b: Block): boolean {
  return b.stmts.some((s) => s.kind === "for" || s.kind === "while" || (s.kind === "if" && (hasLoop(s.then) || hasLoop(s.else))));
}

function collectDefs(b: Block, into: Set<string>): void {
  for (const s of b.stmts) {
    s.outs.forEach((o) => into.add(o.name));
    if (s.kind === "if") [s.then, s.else].forEach((x) => collectDefs(x, into));
  }
}
