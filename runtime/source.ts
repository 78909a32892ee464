// Finds the IR of a plain JS function from its source text (what
// Function.prototype.toString returns). The front end is loaded only when a
// function's IR is not in the disk cache: importing TypeScript costs ~0.4 s,
// which a warm start must not pay. Since `grad(f)(x)` is synchronous and the
// front end is an ES module, a cold compile runs it in a worker thread and
// waits for the answer (synckit), unless the front end was handed over
// directly (the CLI and the tests do that).

import { createSyncFn } from "synckit";
import type { Func } from "../compiler/ir/syntax.js";
import { hashKey, readCache, writeCache } from "./disk-cache.js";
import type { TreeDef } from "./pytree.js";
import { fixedTraced } from "./fixed.js";
import { type Traced, noCaptures } from "./traced.js";

export interface Frontend {
  compileFunctionSource(src: string): Func;
}

let frontend: Frontend | undefined;
let workerCompile: ((src: string) => { func?: Func; error?: string }) | undefined;

/** Hands the front end to the runtime (CLI and tests), so no worker is needed. */
export function useFrontend(f: Frontend): void {
  frontend = f;
}

function compileSource(src: string): Func {
  if (frontend) return frontend.compileFunctionSource(src);
  workerCompile ??= createSyncFn(new URL("./frontend-worker.js", import.meta.url).pathname);
  const r = workerCompile(src);
  if (r.error || !r.func) throw new Error(r.error ?? "tsgrad: the front end returned nothing");
  return r.func;
}

const traced = new WeakMap<Function, Traced>();

export function outTree(nresults: number): TreeDef {
  return nresults === 1 ? { kind: "leaf" } : { kind: "list", items: Array.from({ length: nresults }, () => ({ kind: "leaf" }) as TreeDef) };
}

/** The IR of `f`, compiled from its source on first use and cached in memory and on disk. */
export function traceSource(f: Function, who: string): Traced {
  const hit = traced.get(f);
  if (hit) return hit;
  const src = Function.prototype.toString.call(f);
  const name = f.name || "<anonymous>";
  if (/\{\s*\[native code\]\s*\}$/.test(src)) {
    throw new Error(
      `${who}: cannot read the source of ${name} (a built-in or bound function). Pass a function written in tsgrad's TypeScript subset, or use np.${name.replace(/^bound /, "")} instead of a Math function.`,
    );
  }
  const key = `ir-${hashKey(src)}.json`;
  const cached = readCache(key);
  let func: Func;
  if (cached) func = JSON.parse(cached) as Func;
  else {
    func = compileSource(src);
    writeCache(key, JSON.stringify(func));
  }
  const t = fixedTraced(func, name, 0, noCaptures);
  traced.set(f, t);
  return t;
}

