// The compile cache under attack: every damaged, foreign, unreadable or
// missing entry or directory is a miss that recompiles (with one warning
// naming the entry), never a crash or a wrong result. Runs `tsgrad run` on
// fixtures/cache/main.ts (arrays, a gradient, two modules, two libraries) and
// compares with a reference run. Needs dist/ (`npm run build`).

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheClean, cacheInfo } from "../cli/cache.js";
import { readEntry, writeEntry } from "../compiler/backends/llvm/cache.js";
import { nativeAvailable } from "../compiler/backends/llvm/index.js";

const avail = nativeAvailable();
const root = mkdtempSync(join(tmpdir(), "tsgrad-cache-test-"));
chmodSync(root, 0o755); // a test runs a process as another user
/** TMPDIR of every child, so fallback caches stay inside `root`. */
const childTmp = join(root, "tmp");
const asRoot = process.getuid?.() === 0;

interface Run {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function start(cache: string, env: Record<string, string> = {}, uid?: number): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, ["cli/bin.js", "run", "fixtures/cache/main.ts"], {
    env: { ...process.env, TSGRAD_CACHE_DIR: cache, TMPDIR: childTmp, ...env },
    ...(uid === undefined ? {} : { uid, gid: uid }),
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const done = new Promise<Run>((res) => child.on("close", (status, signal) => res({ status, signal, stdout, stderr })));
  return { child, done };
}

const run = (cache: string, env: Record<string, string> = {}, uid?: number) => start(cache, env, uid).done;
const warnings = (r: Run) => r.stderr.split("\n").filter((l) => l.startsWith("tsgrad: warning"));

let reference: string;
let warm: string;
let fresh = 0;
/** A copy of the warm cache to damage. */
function warmCopy(): string {
  const d = join(root, `case-${fresh++}`);
  cpSync(warm, d, { recursive: true });
  return d;
}
const entries = (dir: string, re: RegExp) =>
  readdirSync(dir)
    .filter((f) => re.test(f))
    .sort()
    .map((f) => join(dir, f));

/** File offset and size of the .text section of an ELF64 file. */
function textSection(b: Buffer): { offset: number; size: number } {
  const shoff = Number(b.readBigUInt64LE(0x28));
  const shentsize = b.readUInt16LE(0x3a);
  const shnum = b.readUInt16LE(0x3c);
  const strtab = Number(b.readBigUInt64LE(shoff + b.readUInt16LE(0x3e) * shentsize + 0x18));
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * shentsize;
    const nameAt = strtab + b.readUInt32LE(h);
    if (b.toString("latin1", nameAt, nameAt + 6) === ".text\0") return { offset: Number(b.readBigUInt64LE(h + 0x18)), size: Number(b.readBigUInt64LE(h + 0x20)) };
  }
  throw new Error("no .text section");
}

beforeAll(async () => {
  if (!avail.ok) return;
  mkdirSync(childTmp, { mode: 0o777 });
  chmodSync(childTmp, 0o777);
  warm = join(root, "warm");
  const r = await run(warm);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  reference = r.stdout;
  expect(reference).toMatch(/Array\(\[\[/);
  expect(entries(warm, /\.so$/)).toHaveLength(2);
  expect(entries(warm, /^module-/)).toHaveLength(2);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

type Damage = (dir: string) => string[]; // damages entries of `dir`; returns their paths

const flip = (path: string, at: (b: Buffer) => number, n = 16) => {
  const b = readFileSync(path);
  const o = at(b);
  for (let i = 0; i < n; i++) b[o + i] ^= 0xa5;
  writeFileSync(path, b);
};
const truncate = (path: string, keep: (n: number) => number) => writeFileSync(path, readFileSync(path).subarray(0, keep(statSync(path).size)));
const swap = (a: string, b: string) => {
  const [x, y] = [readFileSync(a), readFileSync(b)];
  writeFileSync(a, y);
  writeFileSync(b, x);
};
const first = (dir: string, re: RegExp) => entries(dir, re)[0];

const corruptions: [string, Damage][] = [
  ["truncated library", (d) => [first(d, /\.so$/)].map((p) => (truncate(p, (n) => n >> 1), p))],
  ["zero-length library", (d) => [first(d, /\.so$/)].map((p) => (writeFileSync(p, ""), p))],
  ["garbage library", (d) => [first(d, /\.so$/)].map((p) => (writeFileSync(p, Buffer.alloc(statSync(p).size, 0x5a)), p))],
  [
    "valid but foreign library (another entry's .so copied over)",
    (d) => {
      const [a, b] = entries(d, /\.so$/);
      cpSync(a, b);
      return [b];
    },
  ],
  ["library with a damaged code section", (d) => [first(d, /\.so$/)].map((p) => (flip(p, (b) => textSection(b).offset + (textSection(b).size >> 1)), p))],
  [
    "truncated runtime object (linked into a library that is missing)",
    (d) => {
      rmSync(first(d, /\.so$/)); // absent: a silent miss, whose rebuild links the runtime object
      return [first(d, /^runtime-.*\.o$/)].map((p) => (truncate(p, (n) => n - 300), p));
    },
  ],
  ["swapped rewritten modules", (d) => (swap(...(entries(d, /^module-/) as [string, string])), entries(d, /^module-/))],
  ["truncated rewritten module", (d) => [first(d, /^module-/)].map((p) => (truncate(p, (n) => n - 40), p))],
  ["garbage IR", (d) => [first(d, /^spec-/)].map((p) => (writeFileSync(p, "{ not json ]]"), p))],
  ["truncated IR", (d) => [first(d, /^spec-/)].map((p) => (truncate(p, (n) => n >> 1), p))],
  ["swapped IR of two signatures", (d) => {
    const two = entries(d, /^spec-/).slice(0, 2) as [string, string];
    swap(...two);
    return two;
  }],
  ["IR with a changed value", (d) => [first(d, /^spec-/)].map((p) => (writeFileSync(p, readFileSync(p, "utf8").replace(/"f64"/, '"f32"')), p))],
  ["garbage tool metadata", (d) => [join(d, "tools-1.json")].map((p) => (writeFileSync(p, "\0\0\0garbage"), p))],
];

describe.skipIf(!avail.ok)("a damaged cache entry is a miss that recompiles", () => {
  it.each(corruptions)("%s", async (_, damage) => {
    const dir = warmCopy();
    const damaged = damage(dir);
    const r = await run(dir);
    expect(r.signal).toBe(null);
    expect(r.stdout).toBe(reference);
    expect(r.status).toBe(0);
    // one warning per damaged entry, naming it
    const w = warnings(r);
    expect(w).toHaveLength(damaged.length);
    for (const p of damaged) expect(w.filter((l) => l.includes(`cache entry ${p} (`))).toHaveLength(1);
    // rebuilt: the next run is clean
    const again = await run(dir);
    expect(again.stderr).toBe("");
    expect(again.stdout).toBe(reference);
  });
});

describe.skipIf(!avail.ok)("an unusable cache location falls back, never fails the run", () => {
  // As root the read-only case runs as `nobody`, which must be able to read the checkout (a clone under a
  // 0700 mktemp directory is not); where it cannot, the case cannot be run here.
  const nobodyReads = !asRoot || spawnSync(process.execPath, ["-e", `require("fs").accessSync(${JSON.stringify(join(process.cwd(), "cli", "bin.js"))})`], { uid: 65534, gid: 65534 }).status === 0;
  it.skipIf(!nobodyReads)("read-only directory: the per-user temporary cache", async () => {
    const ro = join(root, "read-only");
    mkdirSync(ro);
    chmodSync(ro, 0o555); // root ignores permissions: run the process as nobody
    const uid = asRoot ? 65534 : process.getuid!();
    const r = await run(ro, {}, asRoot ? uid : undefined);
    expect(r.stdout).toBe(reference);
    expect(r.status).toBe(0);
    expect(warnings(r)).toEqual([expect.stringContaining(ro)]);
    expect(readdirSync(ro)).toEqual([]);
    expect(entries(join(childTmp, `tsgrad-${uid}`), /\.so$/)).toHaveLength(2);
  });

  it("missing and uncreatable, or not a directory: the per-user temporary cache", async () => {
    const file = join(root, "a-file");
    writeFileSync(file, "not a directory");
    for (const dir of [join(file, "cache"), file]) {
      const r = await run(dir);
      expect(r.stdout).toBe(reference);
      expect(r.status).toBe(0);
      expect(warnings(r)).toEqual([expect.stringContaining(`${dir}: ${dir === file ? "EEXIST" : "ENOTDIR"}`)]);
    }
    expect(entries(join(childTmp, `tsgrad-${process.getuid?.()}`), /\.so$/)).toHaveLength(2);
  });

  it("no usable directory at all: memory only, libraries in a private directory removed at exit", async () => {
    const file = join(root, "a-file");
    const tmp = join(root, "tmp-blocked");
    mkdirSync(tmp);
    writeFileSync(join(tmp, `tsgrad-${process.getuid?.()}`), "squatter");
    const r = await run(file, { TMPDIR: tmp });
    expect(r.stdout).toBe(reference);
    expect(r.status).toBe(0);
    expect(warnings(r)).toEqual([expect.stringContaining("memory only")]);
    expect(readdirSync(tmp)).toEqual([`tsgrad-${process.getuid?.()}`]);
  });

  it("the cache directory deleted during a run, warm or cold", async () => {
    for (const dir of [warmCopy(), join(root, "deleted-cold")]) {
      const r = await run(dir, { TSGRAD_FIXTURE_DELETE: dir });
      expect(r.stdout).toBe(reference);
      expect(r.status).toBe(0);
      expect(r.stderr).toBe("");
      expect(entries(dir, /\.so$/)).toHaveLength(1); // the second batch's library, written after the deletion
    }
  });
});

describe.skipIf(!avail.ok)("processes: killed, concurrent", () => {
  it("a process killed mid-compile leaves nothing a later run trusts", async () => {
    const dir = join(root, "killed");
    const { child, done } = start(dir);
    const t0 = Date.now();
    while (!(existsSync(dir) && readdirSync(dir).some((f) => f.startsWith("build-")))) {
      expect(Date.now() - t0).toBeLessThan(60_000);
      await new Promise((res) => setTimeout(res, 5));
    }
    child.kill("SIGKILL");
    expect((await done).signal).toBe("SIGKILL");
    const r = await run(dir);
    expect(r.stdout).toBe(reference);
    expect(r.stderr).toBe("");
  });

  it("4 concurrent cold processes all give the reference output", async () => {
    const dir = join(root, "concurrent");
    const runs = await Promise.all([0, 1, 2, 3].map(() => run(dir)));
    for (const r of runs) {
      expect(r.signal).toBe(null);
      expect(r.stdout).toBe(reference);
      expect(r.stderr).toBe("");
    }
    const r = await run(dir);
    expect(r.stdout).toBe(reference);
    expect(r.stderr).toBe("");
  });
});

describe.skipIf(!avail.ok)("cache info, clean and eviction", () => {
  const saved = { dir: process.env.TSGRAD_CACHE_DIR, max: process.env.TSGRAD_CACHE_MAX_MB };
  afterAll(() => {
    for (const [k, v] of [["TSGRAD_CACHE_DIR", saved.dir], ["TSGRAD_CACHE_MAX_MB", saved.max]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("info counts entries by kind; clean removes only tsgrad's files", () => {
    const dir = warmCopy();
    writeFileSync(join(dir, "notes.txt"), "not ours");
    mkdirSync(join(dir, "build-abandoned"));
    writeFileSync(join(dir, "build-abandoned", "lib.so"), "x");
    process.env.TSGRAD_CACHE_DIR = dir;
    const info = cacheInfo();
    expect(info).toContain(`location: ${dir}\n`);
    expect(info).toMatch(/library +2 /);
    expect(info).toMatch(/module +2 /);
    expect(info).toMatch(new RegExp(`spec +${entries(dir, /^spec-/).length} `));
    expect(info).toMatch(/temporary +1 /);
    expect(info).toMatch(/total: +\d+ entries, \d+\.\d kB/);
    expect(cacheClean()).toMatch(new RegExp(`^removed \\d+ entries \\(.*\\) from ${dir}\n$`));
    expect(readdirSync(dir)).toEqual(["notes.txt"]);
  });

  it("evicts the least recently used entries above TSGRAD_CACHE_MAX_MB", () => {
    const dir = join(root, "lru");
    process.env.TSGRAD_CACHE_DIR = dir;
    process.env.TSGRAD_CACHE_MAX_MB = String(10 / 1024); // 10 kB
    const kB3 = "x".repeat(2500); // 4 of them are over 10 kB, 3 under 90% of it
    const names = ["a", "b", "c", "d"].map((c) => `spec-${c.repeat(32)}.json`);
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
    names.slice(0, 3).forEach((n, i) => {
      writeEntry(n, kB3);
      utimesSync(join(dir, n), hoursAgo(3 - i), hoursAgo(3 - i));
    });
    expect(readEntry(names[0])?.toString()).toBe(kB3); // a used: now the most recent
    writeEntry(names[3], kB3); // over 10 kB: b, the least recently used, goes
    expect(readdirSync(dir).sort()).toEqual([names[0], names[2], names[3]]);
  });

  it("a data entry records its own name: a copy under another name is a miss", () => {
    const dir = join(root, "names");
    process.env.TSGRAD_CACHE_DIR = dir;
    writeEntry("ir-0123456789abcdef.json", "[1]");
    cpSync(join(dir, "ir-0123456789abcdef.json"), join(dir, "ir-fedcba9876543210.json"));
    expect(readEntry("ir-0123456789abcdef.json")?.toString()).toBe("[1]");
    expect(readEntry("ir-fedcba9876543210.json")).toBeUndefined();
  });
});
