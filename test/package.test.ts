// The package as users get it: `npm pack`, then `npm install ./tsgrad-x.y.z.tgz`
// into an empty project, and an ESM app and a TypeScript app
// (`node --import tsgrad/register`) run there.
//
//   - without a C/C++ compiler on PATH (and no install-script approvals): the
//     JS backend, with exactly one warning saying what to install;
//   - with the native toolchain and llvm-bindings approved: the native backend.
//     Building llvm-bindings takes minutes, so the test project reuses this
//     checkout's build of it (node_modules/llvm-bindings/build, same version).
//
// Install times and node_modules sizes are printed (the README's figures).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nativeAvailable } from "../compiler/backends/llvm/index.js";

const root = resolve(import.meta.dirname, "..");
const work = mkdtempSync(join(tmpdir(), "tsgrad-package-"));
let tarball = "";

/** Commands a fresh machine without build tools has: PATH minus C/C++ compilers, linkers, LLVM tools, cmake and make. */
function pathWithoutCompilers(): string {
  const dir = join(work, "bin");
  mkdirSync(dir);
  const excluded = /^(cc|c\+\+|cpp|gcc|g\+\+|clang|clang\+\+|ld|llc|opt|cmake|make)([-.].*)?$|^x86_64-linux-gnu-|^aarch64-linux-gnu-|^llvm-|gcc|g\+\+|clang/;
  for (const d of (process.env.PATH ?? "").split(delimiter)) {
    if (!existsSync(d)) continue;
    for (const name of readdirSync(d)) {
      if (excluded.test(name) || existsSync(join(dir, name))) continue;
      symlinkSync(join(d, name), join(dir, name));
    }
  }
  return dir;
}

const APP_MJS = `import { grad, np, stats, valueAndGrad } from "tsgrad";
const f = (x) => x ** 3 + 2 * x ** 2 - 3 * x + 1;
console.log(grad(f)(1), grad(grad(f))(1));
console.log(grad(np.tanh)(2.0).toFixed(12));
const [v, [dx, dy]] = valueAndGrad((x, y) => x * y + Math.sin(x), [0, 1])(0.5, 2);
console.log(v.toFixed(12), dx.toFixed(12), dy);
console.log(stats().nativeKernels > 0 ? "native" : "js");
`;

const APP_TS = `import { grad, np, stats, type Tensor } from "tsgrad";
const inputs = np.array([[0.52, 1.12, 0.77], [0.88, -1.08, 0.15]]);
function loss(W: Tensor, b: number): Tensor {
  const preds = np.sigmoid(np.dot(inputs, W) + b);
  return -np.sum(np.log(preds));
}
const [gW, gb] = grad(loss, [0, 1])(np.array([0.1, 0.2, 0.3]), 0.1);
console.log(Array.from(gW.data as Float64Array, (v) => v.toFixed(8)).join(" "), gb.toFixed(8));
console.log(stats().nativeKernels > 0 ? "native" : "js");
`;

const EXPECTED_MJS = ["4 10", "0.070650824853", "1.479425538604 2.877582561890 0.5"];
const EXPECTED_TS = ["-0.61968689 0.14033701 -0.34597527 -0.84849394"];

/** This process's environment without tsgrad's own settings (a user's shell). */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TSGRAD_") && !k.startsWith("VITEST")));
}

interface Project {
  dir: string;
  installSeconds: number;
  size: string;
}

/** An empty project with `tarball` installed; `allowScripts` approves install scripts as npm 11 reads them. */
function install(name: string, env: NodeJS.ProcessEnv, allowScripts: Record<string, boolean> | undefined, npmArgs: string[] = []): Project {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module", ...(allowScripts ? { allowScripts } : {}) }, null, 2));
  const t0 = performance.now();
  execFileSync("npm", ["install", "--no-audit", "--no-fund", ...npmArgs, tarball], { cwd: dir, env, encoding: "utf8", timeout: 600_000, stdio: "pipe" });
  const installSeconds = (performance.now() - t0) / 1000;
  const size = execFileSync("du", ["-sh", "node_modules"], { cwd: dir, encoding: "utf8" }).split("\t")[0];
  writeFileSync(join(dir, "app.mjs"), APP_MJS);
  writeFileSync(join(dir, "app.ts"), APP_TS);
  return { dir, installSeconds, size };
}

/** Runs `node args` in the project: stdout lines and stderr. */
function run(p: Project, args: string[], env: NodeJS.ProcessEnv): { out: string[]; err: string } {
  const r = spawnSync(process.execPath, args, { cwd: p.dir, env, encoding: "utf8", timeout: 300_000 });
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  return { out: r.stdout.trim().split("\n"), err: r.stderr };
}

beforeAll(() => {
  // dist/ is built by `npm install` (prepare); --ignore-scripts packs it as it is, without a concurrent rebuild
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: root, encoding: "utf8" });
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info.filename);
  packed = new Set(info.files.map((f) => f.path));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

let packed = new Set<string>();

describe("the packed tarball", () => {
  it("holds every file package.json's exports and bin name, the C runtime, README and LICENSE", async () => {
    const pkg = (await import("../package.json", { with: { type: "json" } })).default as {
      exports: Record<string, string | { types: string; default: string }>;
      bin: Record<string, string>;
    };
    const targets = Object.values(pkg.exports).flatMap((e) => (typeof e === "string" ? [e] : [e.types, e.default]));
    for (const t of [...targets, ...Object.values(pkg.bin), "compiler/backends/llvm/runtime.c", "README.md", "LICENSE"]) {
      expect(packed, t).toContain(t.replace(/^\.\//, ""));
    }
    expect([...packed].some((f) => f.startsWith("test/") || f.startsWith("dist/bench/") || f.endsWith(".ts") && !f.endsWith(".d.ts"))).toBe(false);
  });
});

describe("installed without a C/C++ toolchain", () => {
  let p: Project;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    env = { ...userEnv(), PATH: pathWithoutCompilers() };
    p = install("app-js", env, undefined);
    console.log(`install without toolchain: ${p.installSeconds.toFixed(1)} s, node_modules ${p.size}`);
  }, 600_000);

  it("runs an ESM app on the JS backend with one warning saying what to install", () => {
    const r = run(p, ["app.mjs"], env);
    expect(r.out).toEqual([...EXPECTED_MJS, "js"]);
    expect(r.err.match(/tsgrad: warning/g)).toHaveLength(1);
    expect(r.err).toMatch(/running on the JS backend.*apt-get install/);
    expect(r.err).not.toMatch(/Could not locate the bindings file/);
  });

  it("runs a TypeScript app under node --import tsgrad/register", () => {
    const r = run(p, ["--import", "tsgrad/register", "app.ts"], env);
    expect(r.out).toEqual([...EXPECTED_TS, "js"]);
    expect(r.err.match(/tsgrad: warning/g)).toHaveLength(1);
  });

  it("has the tsgrad command: --version, and --help with examples for every subcommand", () => {
    const bin = join(p.dir, "node_modules/.bin/tsgrad");
    expect(run(p, [bin, "--version"], env).out).toEqual([JSON.parse(execFileSync("npm", ["pkg", "get", "version"], { cwd: root, encoding: "utf8" }))]);
    for (const sub of [[], ["run"], ["emit"]]) {
      expect(run(p, [bin, ...sub, "--help"], env).out.join("\n")).toMatch(/Examples:\n\s+\$ (tsgrad|node) /);
    }
    expect(run(p, [bin, "run", "app.ts"], env).out).toEqual([...EXPECTED_TS, "js"]);
  });
});

describe.skipIf(!nativeAvailable().ok)("installed with the native toolchain", () => {
  let p: Project;
  const env = userEnv();
  beforeAll(() => {
    // llvm-bindings' build script is approved as a user would, but skipped here (--ignore-scripts):
    // its build (minutes) is reused from this checkout. koffi ships prebuilt binaries.
    p = install("app-native", env, { "llvm-bindings": true, koffi: true }, ["--ignore-scripts"]);
    const built = join(root, "node_modules", "llvm-bindings", "build");
    const target = join(p.dir, "node_modules", "llvm-bindings", "build");
    expect(existsSync(join(p.dir, "node_modules", "llvm-bindings", "package.json"))).toBe(true);
    cpSync(join(built, "Release"), join(target, "Release"), { recursive: true });
    const size = execFileSync("du", ["-sh", "node_modules"], { cwd: p.dir, encoding: "utf8" }).split("\t")[0];
    console.log(`install with llvm-bindings (its build reused): ${p.installSeconds.toFixed(1)} s, node_modules ${size}`);
  }, 600_000);

  it("runs the ESM app natively, without a warning", () => {
    const r = run(p, ["app.mjs"], env);
    expect(r.out).toEqual([...EXPECTED_MJS, "native"]);
    expect(r.err).not.toMatch(/warning/);
  });

  it("runs the TypeScript app natively under node --import tsgrad/register", () => {
    const r = run(p, ["--import", "tsgrad/register", "app.ts"], env);
    expect(r.out).toEqual([...EXPECTED_TS, "native"]);
    expect(r.err).not.toMatch(/warning/);
  });
});

describe("the progress line of native compiles", () => {
  it("is written only when stderr is a terminal", async () => {
    const { progressLine } = await import("../compiler/backends/llvm/toolchain.js");
    const written: string[] = [];
    const silent = progressLine("app.ts: 3 kernels", { isTTY: false, write: (s: string) => written.push(s) });
    silent.step("llc…");
    silent.done("native code in 5 ms", 5);
    expect(written).toEqual([]);
    const tty = progressLine("app.ts: 3 kernels", { isTTY: true, write: (s: string) => written.push(s) });
    tty.step("llc…");
    tty.done("native code in 5 ms", 5); // short: the line is cleared
    tty.done("native code in 900 ms (llc 800 ms)", 900); // long: the summary stays
    expect(written).toEqual([
      "\r\x1b[Ktsgrad: app.ts: 3 kernels: llc…",
      "\r\x1b[K",
      "\r\x1b[Ktsgrad: app.ts: 3 kernels: native code in 900 ms (llc 800 ms)\n",
    ]);
  });
});
