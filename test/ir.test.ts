// IR in, IR out (Enzyme's FileCheck tier, esbuild's snapshot files): each
// test/ir/*.tsir file holds an input IR, then one or more cases
//
//   // ---- pass: dce                 (a pass list: `grad(0), dce`; `| ts` prints TypeScript)
//   // ---- expect
//   <the printed output, or `error: <message>` when a pass throws>
//
// Each case runs its passes on every function of the input, with the IR
// verified after every pass, and compares the printed result. `npm run golden`
// rewrites the expected sections; review them as diffs.

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { emitTs } from "../compiler/backends/ts/index.js";
import { parseFuncs, tsirInput } from "../compiler/ir/parse.js";
import { printFunc } from "../compiler/ir/print.js";
import { parsePasses, runPipeline } from "../compiler/pipeline.js";
import { expectRoundTrip } from "./ir/roundtrip.js";

const update = process.env.UPDATE_GOLDEN === "1";
const dir = "test/ir";

interface Case {
  passes: string;
  expect: string;
}

/** The input and the cases of a .tsir file. */
export function readTsir(text: string): { input: string; cases: Case[] } {
  const input = tsirInput(text);
  const chunks = text.slice(input.length).split(/^(?=\/\/ ---- )/m).filter((c) => c.length > 0);
  const cases: Case[] = [];
  for (let k = 0; k < chunks.length; k++) {
    const head = /^\/\/ ---- pass: (.*)\n$/.exec(chunks[k]);
    const body = /^\/\/ ---- expect\n([^]*)$/.exec(chunks[k + 1] ?? "");
    if (!head || !body) throw new Error(`malformed .tsir section: ${JSON.stringify(chunks[k].split("\n")[0])}; write \`// ---- pass: LIST\` then \`// ---- expect\``);
    cases.push({ passes: head[1].trim(), expect: body[1] });
    k++;
  }
  return { input, cases };
}

export function writeTsir(input: string, cases: Case[]): string {
  return input + cases.map((c) => `// ---- pass: ${c.passes}\n// ---- expect\n${c.expect}`).join("");
}

function run(input: string, spec: string): string {
  const [list, printer = "ir"] = spec.split("|").map((s) => s.trim());
  const passes = parsePasses(list);
  return parseFuncs(input)
    .map((f) => {
      try {
        const g = runPipeline(f, passes, { checks: true });
        expectRoundTrip(g);
        return printer === "ts" ? emitTs(g) : printFunc(g);
      } catch (e) {
        return `error: ${(e as Error).message.split("\n")[0]}\n`;
      }
    })
    .join("\n");
}

const files = readdirSync(dir).filter((f) => f.endsWith(".tsir")).sort();

describe("IR in, IR out (test/ir/*.tsir)", () => {
  it("finds the files", () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    describe(file, () => {
      const path = `${dir}/${file}`;
      const { input, cases } = readTsir(readFileSync(path, "utf8"));
      it("input parses and prints back", () => {
        for (const f of parseFuncs(input, path)) expectRoundTrip(f);
      });
      const got = cases.map((c) => ({ passes: c.passes, expect: run(input, c.passes) }));
      if (update) writeFileSync(path, writeTsir(input, got));
      cases.forEach((c, k) =>
        it(c.passes, () => {
          expect(got[k].expect).toBe(update ? got[k].expect : c.expect);
        }),
      );
    });
  }
});

describe("the pipeline (compiler/pipeline.ts)", () => {
  const src = "func f(x: f64) -> (f64) {\n  a: f64 = sin(x)\n  b: f64 = cos(x)\n  yield a\n}\n";
  const f = parseFuncs(src)[0];

  it("names the pass that broke the IR", () => {
    const broken = { name: "break-it", description: "yields an undefined variable", run: (g: typeof f) => ({ ...g, body: { ...g.body, results: [{ kind: "var" as const, name: "nope", type: g.body.results[0].type }] } }) };
    expect(() => runPipeline(f, [...parsePasses("dce"), broken, ...parsePasses("verify")], { checks: true })).toThrow(
      "IR check failed after pass `break-it`: f: nope used before definition (body yield)",
    );
    expect(runPipeline(f, [broken], { checks: false }).body.results[0]).toMatchObject({ name: "nope" });
  });

  it("stops after a named pass", () => {
    const passes = parsePasses("jvp(0), dce, lower-arrays, verify");
    expect(printFunc(runPipeline(f, passes, { after: "jvp" }))).toContain("b: f64 = cos(x)");
    expect(printFunc(runPipeline(f, passes, { after: "dce" }))).toBe(
      "func f_jvp(x: f64, x_dot: f64) -> (f64, f64) {\n  a: f64 = sin(x)\n  t: f64 = cos(x)\n  a_dot: f64 = mul(t, x_dot)\n  yield a, a_dot\n}\n",
    );
    expect(() => runPipeline(f, passes, { after: "fuse" })).toThrow("no pass `fuse` in this pipeline (jvp(0), dce, lower-arrays, verify)");
    expect(() => parsePasses("jvp")).toThrow("pass `jvp` takes argnums: write jvp(0)");
  });
});
