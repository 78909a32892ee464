// The tutorial's logistic regression at three sizes, float64 and float32, on
// each backend, beside the hand-written JS gradient (bench/fixtures/logreg.ts).

import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface LogregRow {
  n: number;
  d: number;
  dtype: string;
  backend: string;
  loss_us: number;
  grad_us: number;
  hand_loss_us: number;
  hand_grad_us: number;
}

export function logregRows(backends: string[]): LogregRow[] {
  const rows: LogregRow[] = [];
  for (const backend of backends) {
    for (const dtype of ["float64", "float32"]) {
      const out = execFileSync(process.execPath, [join(root, "cli/bin.js"), "run", join(root, "bench/fixtures/logreg.ts"), backend, dtype], { encoding: "utf8" });
      rows.push(...(JSON.parse(out.trim().split("\n").pop()!) as LogregRow[]));
    }
  }
  return rows;
}
