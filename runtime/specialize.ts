// Specialising a function's IR to a call signature with the front end, as
// JAX traces a function per abstract signature. Results are cached in memory
// and on disk by (source, function, signature), so only the first process to
// see a signature pays for the front end.

import type { Func } from "../compiler/ir/syntax.js";
import type { OutTree, Signature, SigTree } from "../compiler/frontend/signature.js";
import type { ClosureTarget } from "../compiler/frontend/index.js";
import { hashKey, readCache, writeCache } from "./disk-cache.js";
import { fromJson, toJson } from "./ir-json.js";
import { frontendCall } from "./source.js";
import { type TreeDef, leafPaths } from "./pytree.js";
import { type CallSig, defaultFloat } from "./signature.js";
import type { Instance } from "./traced.js";

/** A function of a module: by name (top level) or, for a closure, by position. */
export type BoundTarget = { kind: "name"; name: string } | { kind: "closure"; closure: ClosureTarget };

/** What to specialise: a module's function (by name or, for a closure, by position), or a function's own source text (no fileName). */
export interface SpecializeRequest {
  source: string;
  fileName?: string;
  target?: BoundTarget;
  name: string;
  arity: number;
  /** Names of the captured module values, in the order of the signature's trailing list (after `nLocals` locals). */
  captureNames: string[];
  nLocals?: number;
}

function sigTree(sig: CallSig): (d: TreeDef) => SigTree {
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
  return tree;
}

/** The front end's view of a call signature: one tree per parameter, the closure's locals, and the captured values by name. */
export function toSignature(sig: CallSig, arity: number, captureNames: string[], nLocals = 0): Signature {
  const tree = sigTree(sig);
  const params = sig.defs.slice(0, arity).map(tree);
  const caps = sig.defs[arity];
  const captures: Record<string, SigTree> = {};
  const locals: SigTree[] = [];
  if (caps && caps.kind === "list") {
    caps.items.forEach((d, k) => {
      if (k < nLocals) locals.push(tree(d));
      else captures[captureNames[k - nLocals]] = tree(d);
    });
  }
  return { params, captures, locals, defaultFloat: defaultFloat() as "f64" | "f32" };
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

/** The IR of the requested function for `sig`. */
export function specialize(req: SpecializeRequest, sig: CallSig): Instance {
  const { source, fileName, target, name, arity, captureNames } = req;
  const signature = toSignature(sig, arity, captureNames, req.nLocals ?? 0);
  const targetKey = target?.kind === "closure" ? `@${target.closure.pos}` : name;
  const key = hashKey("specialize", fileName ?? "", source, targetKey, JSON.stringify(signature));
  const hit = memo.get(key);
  if (hit) return hit;
  const file = `spec-${key}.json`;
  const cached = readCache(file);
  let r: { func: Func; outTree: OutTree } | undefined;
  if (cached) {
    try {
      r = fromJson(cached);
    } catch {
      r = undefined; // a damaged entry is a miss
    }
  }
  if (!r) {
    try {
      r =
        target?.kind === "closure"
          ? frontendCall({ source, fileName, closure: target.closure, signature })
          : frontendCall({ source, fileName, name, signature });
    } catch (e) {
      throw new TypeError(`${name} does not compile for these arguments (${describeSig(sig, arity)}):\n${(e as Error).message}`);
    }
    writeCache(file, toJson(r));
  }
  const inst = { func: r.func, out: toTreeDef(r.outTree) };
  memo.set(key, inst);
  return inst;
}

/** The arguments' paths, dtypes and ranks, for the message of a function that does not compile for them. */
function describeSig(sig: CallSig, arity: number): string {
  return sig.defs
    .slice(0, arity)
    .flatMap((d, k) => leafPaths(d, `args[${k}]`))
    .map((path, j) => `${path}: ${sig.leaves[j].type.dtype}${sig.leaves[j].type.rank ? ` rank ${sig.leaves[j].type.rank}` : " scalar"}`)
    .join(", ") || "no arguments";
}
