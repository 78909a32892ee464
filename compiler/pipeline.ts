// The passes from front-end IR to backend input, as data (Futhark's
// `Pass { passName, passDescription, passFunction }`). A pipeline is a list of
// passes; `runPipeline` runs one and, with checks on, verifies the IR after
// every pass and names the pass that broke it (Futhark's "Type error after
// pass", JAX's enable_checks). `tsgrad emit --after PASS` stops after a pass,
// `tsgrad emit --passes` prints PASS_LIST.
//
// A check is verifyFunc plus print/parse/print giving the same text. Checks
// are on when `checks: true` is passed, when TSGRAD_CHECKS=1, and
// always under vitest (VITEST is set), so every test that runs a pipeline
// verifies every pass.

import { gradFunc } from "./ad/grad.js";
import { jvpFunc } from "./ad/jvp.js";
import { vjpFunc } from "./ad/vjp.js";
import { dce } from "./ir/dce.js";
import { parseFunc } from "./ir/parse.js";
import { printFunc } from "./ir/print.js";
import type { Func } from "./ir/syntax.js";
import { verifyFunc } from "./ir/verify.js";
import { lowerArrays } from "./passes/lower-arrays.js";

export interface Pass {
  /** How pipelines, `--after` and .tsir files name it: `dce`, `grad(0,1)`. */
  readonly name: string;
  readonly description: string;
  readonly run: (f: Func) => Func;
}

const active = (f: Func, argnums: number[]): string[] =>
  argnums.map((k) => {
    const p = f.params[k];
    if (!p) throw new Error(`${f.name} has no parameter ${k} (it has ${f.params.length})`);
    return p.name;
  });

const call = (base: string, argnums: number[]) => `${base}(${argnums.join(",")})`;

// ---- the passes ---------------------------------------------------------------------------

export const dcePass: Pass = {
  name: "dce",
  description: "drop statements nothing reads: primitives, unused `if` results, loops whose results are unused (compiler/ir/dce.ts)",
  run: (f) => dce(f),
};

export function jvpPass(argnums: number[]): Pass {
  return {
    name: call("jvp", argnums),
    description: "forward mode: (params, tangents of params[argnums]) -> (results, tangents of results) (compiler/ad/jvp.ts)",
    run: (f) => jvpFunc(f, active(f, argnums), `${f.name}_jvp`),
  };
}

export function vjpPass(argnums: number[]): Pass {
  return {
    name: call("vjp", argnums),
    description: "reverse mode: (params, cotangent per result) -> adjoints of params[argnums] (compiler/ad/vjp.ts)",
    run: (f) => vjpFunc(f, active(f, argnums), { name: `${f.name}_vjp` }),
  };
}

export function gradPass(argnums: number[]): Pass {
  return {
    name: call("grad", argnums),
    description: "gradient of the first (scalar) result w.r.t. params[argnums]: reverse mode (compiler/ad/grad.ts, compiler/ad/vjp/)",
    run: (f) => gradFunc(f, { argnums, keep: [] }, `${f.name}_grad`),
  };
}

export const lowerArraysPass: Pass = {
  name: "lower-arrays",
  description: "array primitives of any rank -> loops over flat rank-1 buffers, elementwise chains fused (compiler/passes/lower-arrays.ts)",
  run: lowerArrays,
};

export const verifyPass: Pass = {
  name: "verify",
  description: "check the IR is well formed and well typed, and pass it on unchanged (compiler/ir/verify.ts)",
  run: (f) => {
    verifyFunc(f);
    return f;
  },
};

/** Every pass by name, the parameterised ones taking argnums: what `parsePasses` reads. */
const FACTORIES: Record<string, { params: boolean; make: (argnums: number[]) => Pass }> = {
  dce: { params: false, make: () => dcePass },
  jvp: { params: true, make: jvpPass },
  vjp: { params: true, make: vjpPass },
  grad: { params: true, make: gradPass },
  "lower-arrays": { params: false, make: () => lowerArraysPass },
  verify: { params: false, make: () => verifyPass },
};

/** A pass list from text: `grad(0), dce, lower-arrays`. */
export function parsePasses(text: string): Pass[] {
  return text
    .split(/,(?![^(]*\))/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const m = /^([a-z-]+)(?:\(([\d,\s]*)\))?$/.exec(s);
      const entry = m ? FACTORIES[m[1]] : undefined;
      if (!m || !entry) throw new Error(`unknown pass \`${s}\`; passes: ${Object.keys(FACTORIES).join(", ")}`);
      if (entry.params !== (m[2] !== undefined)) throw new Error(`pass \`${m[1]}\` ${entry.params ? "takes argnums: write " + m[1] + "(0)" : "takes no arguments"}`);
      const argnums = (m[2] ?? "").split(",").map((a) => a.trim()).filter((a) => a.length > 0).map(Number);
      return entry.make(argnums);
    });
}

// ---- pipelines ----------------------------------------------------------------------------

export type Transform = { kind: "grad" | "jvp" | "vjp"; argnums: number[] };

/**
 * From front-end IR (already dead-code free) to backend input: an optional AD
 * transform, dce, the array lowering, a final verify. The TS printer reads the
 * IR before `lower-arrays`; the JS and LLVM backends read the end.
 */
export function standardPipeline(transform?: Transform): Pass[] {
  const ad = transform ? [{ grad: gradPass, jvp: jvpPass, vjp: vjpPass }[transform.kind](transform.argnums)] : [];
  return [...ad, dcePass, lowerArraysPass, verifyPass];
}

/** The pipeline listed for `tsgrad emit --passes` (and ARCHITECTURE.md), in order. */
export function passList(): string {
  const shown = [gradPass([0]), jvpPass([0]), vjpPass([0]), dcePass, lowerArraysPass, verifyPass];
  const label = (p: Pass) => p.name.replace(/\(0\)$/, "(argnums)");
  const width = Math.max(...shown.map((p) => label(p).length));
  const lines = shown.map((p) => `  ${label(p).padEnd(width)}  ${p.description}`);
  return (
    "front end -> [one AD pass] -> dce -> lower-arrays -> verify -> backend (the TS printer reads the IR before lower-arrays)\n" +
    `${lines.join("\n")}\n`
  );
}

export class PipelineCheckError extends Error {
  constructor(
    readonly pass: string,
    detail: string,
  ) {
    super(`IR check failed after pass \`${pass}\`: ${detail}`);
    this.name = "PipelineCheckError";
  }
}

export interface RunOptions {
  /** verifyFunc after every pass (default: TSGRAD_CHECKS=1, or under vitest). */
  checks?: boolean;
  /** Stop after the pass of this name (the last with that name). */
  after?: string;
  /** Stop before the pass of this name (the first with that name). */
  before?: string;
}

export function checksEnabled(o: RunOptions = {}): boolean {
  const env = globalThis.process?.env ?? {};
  return o.checks ?? (env.TSGRAD_CHECKS === "1" || env.VITEST !== undefined);
}

/** Runs `passes` on `f` in order (up to `after` / before `before`), verifying between passes when checks are on. */
export function runPipeline(f: Func, passes: readonly Pass[], o: RunOptions = {}): Func {
  const names = passes.map((p) => p.name);
  const bare = (n: string) => n.replace(/\(.*\)$/, "");
  const find = (want: string, last: boolean): number => {
    const matches = names.flatMap((n, k) => (n === want || bare(n) === want ? [k] : []));
    if (matches.length === 0) throw new Error(`no pass \`${want}\` in this pipeline (${names.join(", ")})`);
    return last ? matches[matches.length - 1] : matches[0];
  };
  const end = o.after !== undefined ? find(o.after, true) + 1 : o.before !== undefined ? find(o.before, false) : passes.length;
  const checks = checksEnabled(o);
  if (checks) check(f, "input");
  for (const p of passes.slice(0, end)) {
    f = p.run(f);
    if (checks) check(f, p.name);
  }
  return f;
}

/** The IR is well formed and well typed (verify.ts), and its text reads back to the same text (parse.ts). */
function check(f: Func, pass: string): void {
  let text = "";
  try {
    verifyFunc(f);
    text = printFunc(f);
    if (printFunc(parseFunc(text)) !== text) throw new Error("the printed IR does not parse back to itself");
  } catch (e) {
    throw new PipelineCheckError(pass, `${(e as Error).message}\n${text || printFunc(f)}`);
  }
}
