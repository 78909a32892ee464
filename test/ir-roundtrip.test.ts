// IR text both ways: every function of every fixture, golden and
// bench source,
// through the front end, forward and reverse mode and the array lowering,
// prints and parses back to itself (test/ir/roundtrip.ts). Then the literal,
// attribute and name forms one by one, and parse errors with line:col.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gradFunc, jvpOf, vjpOf } from "../compiler/ad/grad.js";
import { compileSource } from "../compiler/frontend/index.js";
import { parseFunc, parseFuncs } from "../compiler/ir/parse.js";
import { printFunc } from "../compiler/ir/print.js";
import type { Func } from "../compiler/ir/syntax.js";
import { isFloat } from "../compiler/ir/syntax.js";
import { lowerArrays } from "../compiler/passes/lower-arrays.js";
import { expectRoundTrip } from "./ir/roundtrip.js";

function sources(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync("fixtures")) {
    const d = join("fixtures", dir);
    // modules that declare compilable functions (fixtures/cache/data.ts has none; fixtures/module/throws.ts only one that throws)
    if (!dir.includes(".")) for (const f of readdirSync(d)) if (f.endsWith(".ts") && f !== "throws.ts" && /function|=>/.test(readFileSync(join(d, f), "utf8"))) out.push(join(d, f));
  }
  for (const d of ["test/golden", "bench/fixtures"]) for (const f of readdirSync(d)) if (/\.ts$/.test(f) && !f.endsWith(".d.ts")) out.push(join(d, f));
  return out.sort();
}

/** f and what the transforms make of it (each one that accepts f), then each lowered. */
function stages(f: Func): [string, Func][] {
  const floats = f.params.flatMap((p, k) => (isFloat(p.type) ? [k] : []));
  const out: [string, Func][] = [["source", f]];
  const attempt = (name: string, make: () => Func) => {
    try {
      out.push([name, make()]);
    } catch {
      // a transform that declines this function (reverse mode on array-carrying loops, grad of a non-scalar)
    }
  };
  if (floats.length) {
    attempt("jvp", () => jvpOf(f, floats));
    attempt("vjp", () => vjpOf(f, floats));
    attempt("grad", () => gradFunc(f, { argnums: floats, keep: [0] }));
  }
  // Lowered too. Compiled without a signature, fixtures/np/functions.ts's `constructors`
  // takes a scalar x, and lowerArrays rejects broadcast_like(0.0, x) with a scalar x.
  for (const [n, g] of [...out]) attempt(`${n}+lower-arrays`, () => lowerArrays(g));
  return out;
}

describe("print(parse(s)) === s on every function the fixtures produce", () => {
  for (const file of sources()) {
    it(file, () => {
      const fe = compileSource(readFileSync(file, "utf8"), { fileName: file });
      expect(fe.funcs.size).toBeGreaterThan(0);
      let count = 0;
      for (const [name, f] of fe.funcs)
        for (const [stage, g] of stages(f)) {
          try {
            expectRoundTrip(g);
          } catch (e) {
            throw new Error(`${name} (${stage}): ${(e as Error).message}\n${printFunc(g)}`);
          }
          count++;
        }
      expect(count).toBeGreaterThan(fe.funcs.size);
    });
  }
});

/** expectPrinted: the text parses and prints back unchanged. */
function expectPrinted(text: string): void {
  const f = parseFunc(text);
  expect(printFunc(f)).toBe(text);
  expectRoundTrip(f);
}

describe("IR text forms", () => {
  it("literals: nan, inf, -inf, -0.0, suffixes", () => {
    expectPrinted(
      "func f(x: f64, y: f32) -> (f64, f64, f64, f64, f32, f32, f64) {\n" +
        "  a: f64 = add(x, nan)\n  b: f64 = add(x, inf)\n  c: f64 = add(x, -inf)\n  d: f64 = mul(x, -0.0)\n" +
        "  e: f32 = mul(y, 0.5:f32)\n  g: f32 = add(y, -inf:f32)\n  h: f64 = mul(x, 1e+21)\n" +
        "  yield a, b, c, d, e, g, h\n}\n",
    );
    const f = parseFunc("func f(x: f64) -> (f64) {\n  a: f64 = mul(x, -0.0)\n  yield a\n}\n");
    const lit = (f.body.stmts[0] as { args: { value: number }[] }).args[1];
    expect(Object.is(lit.value, -0)).toBe(true);
  });

  it("i32 and bool literals, select, cast<dtype>, powi<exponent>", () => {
    expectPrinted(
      "func f(x: f64, n: i32) -> (f64, i32) {\n  c: bool = lt(n, 3:i32)\n  m: i32 = add(n, -1:i32)\n" +
        "  k: bool = and(c, true)\n  y: f64 = select(k, x, 0.0)\n  z: f64 = powi<-2>(y)\n  w: f32 = cast<f32>(z)\n" +
        "  u: f64 = cast<f64>(w)\n  yield u, m\n}\n",
    );
  });

  it("array attributes: axes, keepdims, perm", () => {
    expectPrinted(
      "func f(x: f64[3]) -> (f64[3], f64[2], i32, f64[3]) {\n  t: f64[3] = transpose<perm=[2,0,1]>(x)\n" +
        "  s: f64[2] = reduce_sum<axes=[1]>(t)\n  k: f64[3] = reduce_max<axes=[0,2], keepdims>(t)\n" +
        "  n: i32 = shape<axes=[0]>(x)\n  yield t, s, n, k\n}\n",
    );
  });

  it("if, for (rev), while, with and without outs; names with % and quoted names", () => {
    expectPrinted(
      "func loops(x: f64, n: i32) -> (f64, f64) {\n" +
        "  c: bool = gt(x, 0.0)\n" +
        "  a: f64, b: f64 = if c {\n    t: f64 = sin(x)\n    yield t, x\n  } else {\n    yield x, 1.0\n  }\n" +
        "  s: f64 = for i in 0:i32..n rev carry (acc: f64 = a) {\n    fi: f64 = cast<f64>(i)\n    nx: f64 = add(acc, fi)\n    yield nx\n  }\n" +
        "  r: f64, %while_index: i32 = while carry (w: f64 = s, \"nan\": i32 = 0:i32) cond {\n    ok: bool = lt(w, 10.0)\n    yield ok\n  } do {\n" +
        "    w2: f64 = mul(w, 2.0)\n    k: i32 = add(\"nan\", 1:i32)\n    yield w2, k\n  }\n" +
        "  for j in 0:i32..n carry () {\n    yield\n  }\n" +
        "  yield r, b\n}\n",
    );
  });

  it("several functions and comments", () => {
    const fs = parseFuncs("// two\nfunc f(x: f64) -> (f64) {\n  yield x // the identity\n}\nfunc \"g.h\"() -> () {\n  yield\n}\n");
    expect(fs.map((f) => f.name)).toEqual(["f", "g.h"]);
    expect(printFunc(fs[1])).toBe('func "g.h"() -> () {\n  yield\n}\n');
  });
});

describe("IR parse errors name line:col", () => {
  const cases: [string, string][] = [
    ["func f(x: f64) -> (f64) {\n  y: f64 = sin(z)\n  yield y\n}", "2:16: unknown variable z"],
    ["func f(x: f64) -> (f64) {\n  y: f64 = sine(x)\n  yield y\n}", "2:12: unknown primitive `sine`"],
    ["func f(x: f64) -> (f32) {\n  yield x\n}", "1:20: f is declared to return (f32) but yields (f64)"],
    ["func f(x: f64) -> (f64) {\n  y: f64 = add(x, 3)\n  yield y\n}", "2:19: integer literal 3 needs a type: write 3:i32 or 3.0"],
    ["func f(x: f65) -> () {\n  yield\n}", "1:11: unknown dtype `f65` (f64, f32, i32, bool)"],
    ["func f(x: f64) -> (f64) {\n  y: f64 = sin(x)\n  y: f64 = cos(x)\n  yield y\n}", "3:3: y is defined twice"],
    ["func f(x: f64) -> (f64) {\n  y: f64 = sum<axes=[0]>(x)\n", "2:12: unknown primitive `sum`"],
    ["func f(x: f64) -> (f64) {\n  yield x\n", "3:1: expected `}`, found end of input"],
    ["func f(x: f64) -> (f64) {\n", "2:1: expected a statement or `yield`, found end of input"],
    ["func f(x: f64) -> (f64) {\n  y: f64 = reduce_sum<axis=[0]>(x)\n  yield y\n}", "2:23: expected an attribute (an exponent, a dtype, axes=[..], keepdims, perm=[..]), found `axis`"],
  ];
  for (const [text, message] of cases)
    it(message, () => {
      expect(() => parseFunc(text)).toThrow(message);
    });
});
