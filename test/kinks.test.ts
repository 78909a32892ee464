// Derivatives at kinks, ties and non-finite points, against jax.grad's values
// (test/data/kinks_golden.json, written by scripts/golden_kinks.py). Each row
// of that one table is a TypeScript function as a user writes it, compiled
// by the front end as `tsgrad run` compiles a module, and JAX's value, first
// and second derivative (grad of grad, or the Hessian) at one point, in
// float64 and float32. Every row runs
// on both backends.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as frontend from "../compiler/frontend/index.js";
import { nativeAvailable } from "../compiler/backends/llvm/index.js";
import { NDArray, config, grad, hessian, jit, np, setBackend, useFrontend } from "../runtime/index.js";
import { bind, module } from "../runtime/internal.js";
import { jit as jitFn } from "../runtime/index.js";
import { tracedOf } from "../runtime/traced.js";

type Num = number | "NaN" | "Infinity" | "-Infinity";
type Value = Num | Value[];
interface Golden {
  value: Value;
  grad: Value;
  grad2?: Value;
  hessian?: Value;
}
interface Row {
  name: string;
  ts: string;
  args: Value[];
  argnums: number[];
  tol: number;
  /** where tsgrad knowingly differs from jax: its values, and why */
  tsgrad?: { why: string } & Partial<Golden>;
  f64: Golden;
  f32: Golden;
}

// a fresh cache: the front end's disk cache (runtime/specialize.ts) stores IR as JSON, which turns
// the literals Infinity and NaN into null (see test/nonfinite.test.ts)
process.env.TSGRAD_CACHE_DIR = mkdtempSync(join(tmpdir(), "tsgrad-kinks-"));

const rows: Row[] = JSON.parse(readFileSync("test/data/kinks_golden.json", "utf8"));
const backends = nativeAvailable().ok ? (["js", "native"] as const) : (["js"] as const);

// the table as one module, `export const k0 = (x: number) => ...;`, bound the way the build step binds it
const fileName = "test/kinks-fixture.ts";
const source = ['import { np, type Tensor } from "tsgrad";', ...rows.map((r, k) => `export const k${k} = ${r.ts};`)].join("\n");
/** A placeholder for the fixture's function `name`: bound to its source below; a direct call runs it compiled (as jit). */
function direct(name: string): (...xs: unknown[]) => unknown {
  const f = (...xs: unknown[]): unknown => jitFn(f)(...xs);
  return Object.defineProperty(f, "name", { value: name });
}
const fns = rows.map((r, k) => direct(`k${k}`));

const decode = (v: Value): number | unknown[] => (Array.isArray(v) ? v.map(decode) : typeof v === "number" ? v : Number(v));
/** An argument: arrays as NDArrays of the default float dtype; numbers too in float32 (JS numbers are float64). */
const toArg = (v: Value, x64: boolean): unknown => (Array.isArray(v) || !x64 ? np.array(decode(v)) : decode(v));
const plain = (v: unknown): unknown => (v instanceof NDArray ? v.toJSON() : Array.isArray(v) ? v.map(plain) : v);

/** Equal up to `tol` relative error (0: the same float, either sign of zero); NaN equals NaN. */
function close(got: unknown, want: unknown, tol: number, path = "$"): string | null {
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return `${path}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`;
    for (let k = 0; k < want.length; k++) {
      const e = close(got[k], want[k], tol, `${path}[${k}]`);
      if (e) return e;
    }
    return null;
  }
  const [g, w] = [got as number, want as number];
  if (typeof g !== "number") return `${path}: got ${String(got)}, want ${w}`;
  if (Number.isNaN(w) ? Number.isNaN(g) : g === w || Math.abs(g - w) <= tol * Math.abs(w)) return null;
  return `${path}: got ${g}, want ${w}`;
}

beforeAll(() => {
  useFrontend(frontend);
  const mod = module(source, fileName);
  rows.forEach((r, k) => bind(fns[k], mod, `k${k}`, [], r.args.map((_, j) => `a${j}`)));
});
afterAll(() => {
  config.update("enableX64", true);
  setBackend("auto");
});

for (const x64 of [true, false]) {
  const dtype = x64 ? "f64" : "f32";
  describe.each(backends)(`kinks and ties, ${x64 ? "float64" : "float32"}, %s backend: jax's values`, (backend) => {
    rows.forEach((r, k) => {
      it(r.name, () => {
        config.update("enableX64", x64);
        setBackend(backend);
        const f = fns[k];
        const args = r.args.map((a) => toArg(a, x64));
        const want = r[dtype];
        const tol = x64 ? r.tol : r.tol * 2 ** 29; // an f32 ulp is 2^29 f64 ulps
        const nums = r.argnums.length === 1 ? r.argnums[0] : r.argnums;
        const errors = [
          ["value", jit(f), want.value],
          ["grad", grad(f, nums), want.grad],
          ...(want.grad2 === undefined ? [] : [["grad2", grad(grad(f, r.argnums[0]), r.argnums[0]), want.grad2]]),
          ...(want.hessian === undefined ? [] : [["hessian", hessian(f), want.hessian]]),
        ].map(([what, g, jax]) => {
          const w = r.tsgrad?.[what as keyof Golden] ?? jax;
          const e = close(plain((g as (...xs: unknown[]) => unknown)(...args)), decode(w as Value), tol);
          return e && `${what} ${e}`;
        });
        expect(errors.filter(Boolean).join("; "), `${r.ts} at ${JSON.stringify(r.args)}`).toBe("");
      });
    });
  });
}

// `grad(np.maximum)` as a user writes it, without a compiled wrapper: every row
// that is one np function of its parameters, where the np function carries IR
describe("np functions passed to grad directly", () => {
  const direct = rows.flatMap((r) => {
    const m = /^\(([^)]*)\) => np\.(\w+)\(([^()]*)\)$/.exec(r.ts);
    const params = m?.[1].split(",").map((p) => p.split(":")[0].trim()).join(", ");
    return m && params === m[3] && tracedOf(np[m[2]]) ? [{ r, f: np[m[2]] as (...xs: unknown[]) => unknown }] : [];
  });
  it.each(direct.map((d) => [d.r.name, d] as const))("%s", (_name, { r, f }) => {
    config.update("enableX64", true);
    setBackend("js");
    const nums = r.argnums.length === 1 ? r.argnums[0] : r.argnums;
    expect(close(plain(grad(f, nums)(...r.args.map((a) => toArg(a, true)))), decode(r.f64.grad), r.tol)).toBeNull();
  });
});
