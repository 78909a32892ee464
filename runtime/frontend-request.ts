// One request to the front end: a function's own source text (fileName
// undefined), or a named top-level function of a module, each optionally for
// a call signature. Shared by the worker and the in-thread path.

import type { Func } from "../compiler/ir/syntax.js";
import type { OutTree, Signature } from "../compiler/frontend/signature.js";

export interface FrontendRequest {
  source: string;
  fileName?: string;
  name?: string;
  signature?: Signature;
}

export interface FrontendModule {
  compileFunctionSourceTyped(src: string, signature?: Signature): { func: Func; outTree: OutTree };
  compileSource(
    source: string,
    options: { fileName?: string; signatures?: Record<string, Signature>; functions?: string[] },
  ): { funcs: Map<string, Func>; outTrees: Map<string, OutTree>; diagnostics: { code: string; line: number; col: number; message: string; file: string }[] };
  formatDiagnostic(d: { code: string; line: number; col: number; message: string; file: string }): string;
}

export function runFrontend(fe: FrontendModule, req: FrontendRequest): { func: Func; outTree: OutTree } {
  if (req.fileName === undefined) return fe.compileFunctionSourceTyped(req.source, req.signature);
  const name = req.name!;
  // only `name` is compiled (the functions it calls are inlined): others need not compile for this call
  const r = fe.compileSource(req.source, { fileName: req.fileName, signatures: req.signature ? { [name]: req.signature } : undefined, functions: [name] });
  const func = r.funcs.get(name);
  if (!func) {
    const mine = r.diagnostics.map(fe.formatDiagnostic).join("\n");
    throw new Error(mine || `tsgrad: ${name} did not compile for this call`);
  }
  return { func, outTree: r.outTrees.get(name)! };
}
