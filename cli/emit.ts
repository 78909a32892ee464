// `tsgrad emit`: one function of a module (or of a .tsir file), optionally
// differentiated, printed as TypeScript in tsgrad's subset (readable, and
// compilable again), as IR, or as LLVM IR. It runs the pipeline of
// compiler/pipeline.ts: `--after PASS` prints the IR after that pass,
// `--passes` lists the passes.

import { emitLLVMText } from "../compiler/backends/llvm/index.js";
import { emitTs } from "../compiler/backends/ts/index.js";
import { formatDiagnostic, renderDiagnostic } from "../compiler/frontend/diagnostics.js";
import { compileSource } from "../compiler/frontend/index.js";
import { parseFuncs, tsirInput } from "../compiler/ir/parse.js";
import { printFunc } from "../compiler/ir/print.js";
import type { Func } from "../compiler/ir/syntax.js";
import { type Transform, passList, runPipeline, standardPipeline } from "../compiler/pipeline.js";

export interface EmitOptions {
  /** The function to emit; optional for a .tsir file holding one function. */
  fn?: string;
  grad?: boolean;
  jvp?: boolean;
  vjp?: boolean;
  argnums?: string;
  ir?: boolean;
  llvm?: boolean;
  /** Print the IR after this pass of the pipeline (`tsgrad emit --passes` lists them). */
  after?: string;
  /** Diagnostics with the source line and a caret under the range (as on a terminal). */
  pretty?: boolean;
}

type Result = { ok: true; text: string } | { ok: false; error: string };

/** `tsgrad emit --passes`: the pipeline, one pass a line. */
export function emitPassList(): string {
  return passList();
}

export function emit(source: string, fileName: string, o: EmitOptions): Result {
  const found = fileName.endsWith(".tsir") ? fromIr(source, fileName, o.fn) : fromSource(source, fileName, o.fn, o.pretty ?? false);
  if (!found.ok) return found;
  const f = found.f;
  const argnums = (o.argnums ?? "0").split(",").map((s) => Number(s.trim()));
  for (const k of argnums) {
    if (!Number.isInteger(k) || k < 0 || k >= f.params.length) return { ok: false, error: `tsgrad emit: --argnums ${k} is out of range for ${f.name} (${f.params.length} parameters)` };
  }
  const kinds = (["grad", "jvp", "vjp"] as const).filter((k) => o[k]);
  if (kinds.length > 1) return { ok: false, error: "tsgrad emit: choose one of --grad, --jvp and --vjp" };
  const transform: Transform | undefined = kinds.length ? { kind: kinds[0], argnums } : undefined;
  const passes = standardPipeline(transform);
  try {
    if (o.after !== undefined) return { ok: true, text: printFunc(runPipeline(f, passes, { after: o.after })) };
    // LLVM sees functions after the array lowering, as the runtime compiles them
    if (o.llvm) return { ok: true, text: emitLLVMText([runPipeline(f, passes)]) };
    const g = runPipeline(f, passes, { before: "lower-arrays" });
    return { ok: true, text: o.ir ? printFunc(g) : emitTs(g) };
  } catch (e) {
    return { ok: false, error: `tsgrad emit: ${(e as Error).message}` };
  }
}

function fromSource(source: string, fileName: string, fn: string | undefined, pretty: boolean): { ok: true; f: Func } | { ok: false; error: string } {
  const fe = compileSource(source, { fileName });
  const f = fn === undefined ? undefined : fe.funcs.get(fn);
  if (f) return { ok: true, f };
  const diags = fe.diagnostics.map((d) => (pretty ? renderDiagnostic(d, source, { color: true }) : formatDiagnostic(d))).join(pretty ? "\n\n" : "\n");
  const known = [...fe.funcs.keys()].join(", ") || "none";
  if (fn === undefined) return { ok: false, error: `tsgrad emit: name the function with --fn (functions in ${fileName}: ${known})` };
  return { ok: false, error: diags || `tsgrad emit: no compilable top-level function named ${fn} in ${fileName} (functions: ${known})` };
}

function fromIr(source: string, fileName: string, fn: string | undefined): { ok: true; f: Func } | { ok: false; error: string } {
  let funcs: Func[];
  try {
    funcs = parseFuncs(tsirInput(source), fileName);
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  const known = funcs.map((g) => g.name).join(", ") || "none";
  if (fn === undefined) {
    if (funcs.length === 1) return { ok: true, f: funcs[0] };
    return { ok: false, error: `tsgrad emit: ${fileName} holds ${funcs.length} functions; name one with --fn (${known})` };
  }
  const f = funcs.find((g) => g.name === fn);
  return f ? { ok: true, f } : { ok: false, error: `tsgrad emit: no function named ${fn} in ${fileName} (functions: ${known})` };
}

/** The `tsgrad emit` command (cli/main.ts declares its options): prints to stdout, or the error to stderr and exits 1. */
export function runEmitCommand(file: string | undefined, o: EmitOptions & { passes?: boolean }, read: (path: string) => string): void {
  if (o.passes) {
    process.stdout.write(emitPassList());
    return;
  }
  if (file === undefined) {
    process.stderr.write("tsgrad emit: missing FILE (or --passes)\n");
    process.exit(1);
  }
  const r = emit(read(file), file, { ...o, pretty: o.pretty ?? process.stderr.isTTY === true });
  if (!r.ok) {
    process.stderr.write(`${r.error}\n`);
    process.exit(1);
  }
  process.stdout.write(r.text);
}
