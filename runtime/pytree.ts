// Pytrees as in JAX: plain objects are dicts (keys in sorted order, as JAX
// sorts dict keys), JS arrays are lists/tuples, null/undefined are empty
// nodes; everything else is a leaf. A TreeDef records the structure so a flat
// list of leaves can be put back into the same shape.

export type TreeDef =
  | { kind: "leaf" }
  | { kind: "none"; value: null | undefined }
  | { kind: "list"; items: TreeDef[] }
  | { kind: "dict"; keys: string[]; items: TreeDef[] };

const LEAF: TreeDef = { kind: "leaf" };

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object") return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Flattens `tree` into its leaves (depth first, dict keys sorted) and its structure. */
export function flatten(tree: unknown, leaves: unknown[] = []): { leaves: unknown[]; def: TreeDef } {
  const walk = (x: unknown): TreeDef => {
    if (x === null || x === undefined) return { kind: "none", value: x };
    if (Array.isArray(x)) return { kind: "list", items: x.map(walk) };
    if (isPlainObject(x)) {
      const keys = Object.keys(x).sort();
      return { kind: "dict", keys, items: keys.map((k) => walk(x[k])) };
    }
    leaves.push(x);
    return LEAF;
  };
  const def = walk(tree);
  return { leaves, def };
}

/** Rebuilds a tree of structure `def` from `leaves`, consumed in order. */
export function unflatten(def: TreeDef, leaves: unknown[]): unknown {
  let k = 0;
  const build = (d: TreeDef): unknown => {
    switch (d.kind) {
      case "leaf":
        if (k >= leaves.length) throw new Error("unflatten: too few leaves for the tree structure");
        return leaves[k++];
      case "none":
        return d.value;
      case "list":
        return d.items.map(build);
      case "dict": {
        const out: Record<string, unknown> = {};
        d.keys.forEach((key, j) => (out[key] = build(d.items[j])));
        return out;
      }
      default:
        throw new Error(`unknown tree node ${(d as TreeDef).kind}`);
    }
  };
  const tree = build(def);
  if (k !== leaves.length) throw new Error(`unflatten: ${leaves.length - k} leaves left over`);
  return tree;
}

export function leafCount(def: TreeDef): number {
  switch (def.kind) {
    case "leaf":
      return 1;
    case "none":
      return 0;
    default:
      return def.items.reduce((n, d) => n + leafCount(d), 0);
  }
}

/** A stable string for a structure: part of a kernel's cache key. */
export function treeKey(def: TreeDef): string {
  switch (def.kind) {
    case "leaf":
      return "*";
    case "none":
      return "N";
    case "list":
      return `[${def.items.map(treeKey).join(",")}]`;
    case "dict":
      return `{${def.keys.map((k, j) => `${JSON.stringify(k)}:${treeKey(def.items[j])}`).join(",")}}`;
    default:
      throw new Error(`unknown tree node ${(def as TreeDef).kind}`);
  }
}

/** Names the leaves of a tree by path, e.g. `params.layers[1].W`, for error messages. */
export function leafPaths(def: TreeDef, root: string): string[] {
  const out: string[] = [];
  const walk = (d: TreeDef, path: string) => {
    switch (d.kind) {
      case "leaf":
        out.push(path);
        return;
      case "none":
        return;
      case "list":
        d.items.forEach((it, j) => walk(it, `${path}[${j}]`));
        return;
      case "dict":
        d.keys.forEach((key, j) => walk(d.items[j], /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`));
        return;
      default:
        throw new Error(`unknown tree node ${(d as TreeDef).kind}`);
    }
  };
  walk(def, root);
  return out;
}
