// Realistic programs, end to end: every test/programs/<p>.ts is run as a user
// runs it (`node cli/bin.js run`, the built CLI), four at a time, and each
// `name: value` line it prints is compared with what the same computation
// gives in JAX (test/data/programs_golden.json, written by
// scripts/golden_programs.py), within the program's relative tolerance
// (1e-9 float64, 2e-6 float32). Text printed by plain-JS helpers (a
// formatted table, a training log) must come out exactly.
//
// Regenerate the goldens: /work/venv/bin/python scripts/golden_programs.py
import { execFile, execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";

type Value = number | Value[];
interface Golden {
  dtype: "float64" | "float32";
  rtol: number;
  values: { name: string; value: Value }[];
  text?: string[];
}
interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const golden = JSON.parse(readFileSync(new URL("./data/programs_golden.json", import.meta.url), "utf8")) as Record<string, Golden>;

/**
 * Programs that fail on today's tsgrad, each for a cause being fixed in
 * another branch (see the comment on each). Remove a name once its program
 * passes; the set should end up empty.
 */
const KNOWN_FAILING = new Set<string>([]);

const PARALLEL = 4;

function runProgram(name: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["cli/bin.js", "run", `test/programs/${name}.ts`], { encoding: "utf8", timeout: 150_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
      resolve({ code, stdout, stderr: stderr || (err && !stderr ? String(err) : "") });
    });
  });
}

/** Runs `names` with at most PARALLEL processes at once. */
async function runAll(names: string[]): Promise<Map<string, Run>> {
  const results = new Map<string, Run>();
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) results.set(name, await runProgram(name));
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return results;
}

/** The `name: value` lines whose value is a number or a JSON array of numbers. */
function printedValues(stdout: string): Map<string, Value> {
  const out = new Map<string, Value>();
  for (const line of stdout.split("\n")) {
    const m = /^([A-Za-z_][\w.]*): (.+)$/.exec(line.trim());
    if (!m) continue;
    try {
      const v = JSON.parse(m[2]) as unknown;
      if (typeof v === "number" || Array.isArray(v)) out.set(m[1], v as Value);
    } catch {
      // not a value line (e.g. plain text that happens to contain a colon)
    }
  }
  return out;
}

const flat = (v: Value): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
const shapeOf = (v: Value): number[] => (Array.isArray(v) ? [v.length, ...(v.length ? shapeOf(v[0]) : [])] : []);

/** Each entry within rtol of JAX's, relative to the entry or, for entries near 0, to the largest entry of the value. */
function expectClose(name: string, got: Value, want: Value, rtol: number): void {
  expect(shapeOf(got), `${name}: shape`).toEqual(shapeOf(want));
  const g = flat(got);
  const w = flat(want);
  const scale = Math.max(...w.map(Math.abs));
  w.forEach((wj, j) => {
    const tol = rtol * Math.max(Math.abs(wj), 1e-6 * scale);
    const where = w.length > 1 ? `${name}[${j}]` : name;
    expect(Math.abs(g[j] - wj), `${where}: got ${g[j]}, JAX ${wj} (tolerance ${tol})`).toBeLessThanOrEqual(tol);
  });
}

const names = Object.keys(golden).sort();
let runs = new Map<string, Run>();

describe("realistic programs, run with `tsgrad run` and compared with JAX", () => {
  beforeAll(async () => {
    runs = await runAll(names.filter((n) => !KNOWN_FAILING.has(n)));
  }, 170_000);

  it("every program has a golden and every golden a program", () => {
    const files = readdirSync(new URL("./programs/", import.meta.url)).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3));
    expect(files.sort()).toEqual(names);
  });

  it("the programs type-check under tsc --strict (test/programs/tsconfig.json)", () => {
    execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "test/programs/tsconfig.json"], { encoding: "utf8" });
  });

  for (const name of names) {
    (KNOWN_FAILING.has(name) ? it.skip : it)(name, () => {
      const g = golden[name];
      const r = runs.get(name)!;
      if (r.code !== 0) expect.fail(`${name} exited with ${r.code}:\n${r.stderr}`);
      const printed = printedValues(r.stdout);
      for (const { name: key, value } of g.values) {
        expect(printed.has(key), `${name}: no line \`${key}: ...\` in the output:\n${r.stdout}`).toBe(true);
        expectClose(`${name}: ${key}`, printed.get(key)!, value, g.rtol);
      }
      if (g.text) {
        const out = r.stdout.split("\n");
        const start = out.indexOf(g.text[0]);
        expect(start, `${name}: the line "${g.text[0]}" is not printed:\n${r.stdout}`).toBeGreaterThanOrEqual(0);
        expect(out.slice(start, start + g.text.length)).toEqual(g.text);
      }
    });
  }
});
