// Cold and warm compile time of a module with three gradients: two fresh
// processes running `tsgrad run` on bench/fixtures/three-grads.ts with an
// empty, then a filled, cache directory.

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** loadMs: loading the compiler itself (TypeScript), once per process that compiles; totalMs: the module's compile (front end, AD, rewrite, kernels). */
export interface CompileRun {
  loadMs: number;
  buildMs: number;
  kernelMs: number;
  totalMs: number;
  wallMs: number;
}

export interface CompileTimes {
  cold: CompileRun;
  warm: CompileRun;
}

function runOnce(cacheDir: string) {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, [join(root, "cli/bin.js"), "run", join(root, "bench/fixtures/three-grads.ts")], {
    env: { ...process.env, TSGRAD_CACHE_DIR: cacheDir },
    encoding: "utf8",
  });
  const wallMs = performance.now() - t0;
  const r = JSON.parse(out.trim().split("\n").pop()!);
  return { loadMs: r.loadMs, buildMs: r.buildMs, kernelMs: r.kernelMs, totalMs: r.buildMs + r.kernelMs, wallMs };
}

export function compileTimes(): CompileTimes {
  const dir = mkdtempSync(join(tmpdir(), "tsgrad-bench-"));
  try {
    const cold = runOnce(dir);
    const warm = runOnce(dir);
    return { cold, warm };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
