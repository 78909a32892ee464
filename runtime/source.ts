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
import { type FrontendAnswer, type FrontendModule, type FrontendRequest, runFrontend } from "./frontend-request.js";
import { fromJson, toJson } from "./ir-json.js";
import { specialize } from "./specialize.js";
import { type Traced, noCaptures } from "./traced.js";

let frontend: FrontendModule | undefined;
let worker: ((req: FrontendRequest) => { value?: FrontendAnswer; error?: string }) | undefined;

/** Hands the front end to the runtime (CLI and tests), so no worker is needed. */
export function useFrontend(f: FrontendModule): void {
  frontend = f;
}

/** Runs the front end synchronously: in this thread if it was handed over, else in a worker. */
export function frontendCall(req: FrontendRequest): FrontendAnswer {
  if (frontend) return runFrontend(frontend, req);
  worker ??= createSyncFn(new URL("./frontend-worker.js", import.meta.url).pathname);
  const r = worker(req);
  if (r.error || !r.value) throw new Error(r.error ?? "tsgrad: the front end returned nothing");
  return r.value;
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
  let func: Func | undefined;
  try {
    func = cached ? fromJson<Func>(cached) : undefined;
  } catch {
    func = undefined; // a damaged entry is a miss
  }
  if (!func) {
    try {
      func = frontendCall({ source: src }).func;
      writeCache(key, toJson(func));
    } catch (e) {
      // a function over arrays compiles only for real call signatures (below); report other errors now
      if (!/TSG10(2[4-9]|3[0-4])/.test((e as Error).message)) throw e;
    }
  }
  const t = fixedTraced(func ?? null, null, name, f.length, 0, noCaptures, (sig) => specialize({ source: src, name, arity: f.length, captureNames: [] }, sig));
  traced.set(f, t);
  return t;
}

