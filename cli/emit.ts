// `tsgrad emit`: one function of a module, optionally differentiated, printed
// as TypeScript in tsgrad's subset (readable, and compilable again), as IR, or
// as LLVM IR.

import { gradFunc, jvpOf } from "../compiler/ad/grad.js";
import { emitLLVMText } from "../compiler/backends/llvm/index.js";
import { emitTs } from "../compiler/backends/ts/index.js";
import { formatDiagnostic } from "../compiler/frontend/diagnostics.js";
import { compileSource } from "../compiler/frontend/index.js";
import { printFunc } from "../compiler/ir/print.js";
import { lowerArrays } from "../compiler/passes/lower-arrays.js";
import type { Func } from "../compiler/ir/syntax.js";

export interface EmitOptions {
  fn: string;
  grad?: boolean;
  jvp?: boolean;
  argnums?: string;
  ir?: boolean;
  llvm?: boolean;
}

export function emit(source: string, fileName: string, o: EmitOptions): { ok: true; text: string } | { ok: false; error: string } {
  const fe = compileSource(source, { fileName });
  const f = fe.funcs.get(o.fn);
  if (!f) {
    const diags = fe.diagnostics.map(formatDiagnostic).join("\n");
    const known = [...fe.funcs.keys()].join(", ") || "none";
    return { ok: false, error: diags || `tsgrad emit: no compilable top-level function named ${o.fn} in ${fileName} (functions: ${known})` };
  }
  const argnums = (o.argnums ?? "0").split(",").map((s) => Number(s.trim()));
  for (const k of argnums) {
    if (!Number.isInteger(k) || k < 0 || k >= f.params.length) return { ok: false, error: `tsgrad emit: --argnums ${k} is out of range for ${o.fn} (${f.params.length} parameters)` };
  }
  if (o.grad && o.jvp) return { ok: false, error: "tsgrad emit: choose one of --grad and --jvp" };
  let g: Func = f;
  if (o.grad) g = gradFunc(f, { argnums, keep: [] }, `${o.fn}_grad`);
  if (o.jvp) g = jvpOf(f, argnums, `${o.fn}_jvp`);
  if (o.ir) return { ok: true, text: printFunc(g) };
  // LLVM sees functions after the array lowering, as the runtime compiles them
  if (o.llvm) return { ok: true, text: emitLLVMText([lowerArrays(g)]) };
  return { ok: true, text: emitTs(g) };
}
