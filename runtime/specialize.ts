// Specialising a function's IR to a call signature with the front end, as
// JAX traces a function per abstract signature. Results are cached in memory
// and on disk by (source, function, signature), so only the first process to
// see a signature pays for the front end.

import type { Func } from "../compiler/ir/syntax.js";
import type { OutTree, Signature, SigTree } from "../compiler/frontend/signature.js";
import { hashKey, readCache, writeCache } from "./disk-cache.js";
import { frontendCall } from "./source.js";
import { type TreeDef, leafPaths } from "./pytree.js";
import { type CallSig, defaultFloat } from "./signature.js";
import type { Instance } from "./traced.js";

/** The front end's view of a call signature: one tree per parameter, and the captured values by name. */
export function toSignature(sig: CallSig, arity: number, captureNames: string[]): Signature {
  let leaf = 0;
  const tree = (d: TreeDef): SigTree => {
    switch (d.kind) {
      case "leaf": {
        const l = sig.leaves[leaf++];
        return { kind: "leaf", type: { dtype: l.type.dtype, rank: l.type.rank, weak: l.weak } };
      }
      case "none":
        return { kind: "none" };
      case "list":
        return { kind: "list", items: d.items.map(tree) };
      case "dict":
        return { kind: "dict", keys: d.keys, items: d.items.map(tree) };
      default:
        throw new Error(`unknown tree node ${(d as TreeDef).kind}`);
    }
  };
  const params = sig.defs.slice(0, arity).map(tree);
  const caps = sig.defs[arity];
  const captures: Record<string, SigTree> = {};
  if (caps && caps.kind === "list") caps.items.forEach((d, k) => (captures[captureNames[k]] = tree(d)));
  return { params, captures, defaultFloat: defaultFloat() as "f64" | "f32" };
}

export function toTreeDef(t: OutTree): TreeDef {
  switch (t.kind) {
    case "leaf":
      return { kind: "leaf" };
    case "none":
      return { kind: "none", value: null };
    case "list":
      return { kind: "list", items: t.items.map(toTreeDef) };
    case "dict":
      return { kind: "dict", keys: t.keys, items: t.items.map(toTreeDef) };
    default:
      throw new Error(`unknown tree node ${(t as OutTree).kind}`);
  }
}

const memo = new Map<string, Instance>();

/** The IR of `name` in a module, or of a function's own source text when `fileName` is undefined, for `sig`. */
export function specialize(source: string, fileName: string | undefined, name: string, sig: CallSig, arity: number, captureNames: string[]): Instance {
  const signature = toSignature(sig, arity, captureNames);
  const key = hashKey("specialize", source, name, JSON.stringify(signature));
  const hit = memo.get(key);
  if (hit) return hit;
  const file = `spec-${key}.json`;
  const cached = readCache(file);
  let r: { func: Func; outTree: OutTree };
  if (cached) r = JSON.parse(cached);
  else {
    try {
      r = frontendCall({ source, fileName, name, signature });
    } catch (e) {
      // say which arguments (paths, dtypes, ranks) the function was asked to compile for
      const described = sig.defs
        .slice(0, arity)
        .flatMap((d, k) => leafPaths(d, `args[${k}]`))
        .map((path, j) => `${path}: ${sig.leaves[j].type.dtype}${sig.leaves[j].type.rank ? ` rank ${sig.leaves[j].type.rank}` : " scalar"}`)
        .join(", ");
      throw new TypeError(`${name} does not compile for these arguments (${described}):\n${(e as Error).message}`);
    }
    writeCache(file, JSON.stringify(r));
  }
  const inst = { func: r.func, out: toTreeDef(r.outTree) };
  memo.set(key, inst);
  return inst;
}
