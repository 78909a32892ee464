// One request to the front end: a function's own source text (fileName
// undefined), a named top-level function of a module, or a function
// expression of a module found by position (a closure), each optionally for
// a call signature. Shared by the worker and the in-thread path.

import type { Func } from "../compiler/ir/syntax.js";
import type { ClosureTarget, OutTree, Signature } from "../compiler/frontend/index.js";

export interface FrontendRequest {
  source: string;
  fileName?: string;
  name?: string;
  closure?: ClosureTarget;
  signature?: Signature;
}

export interface FrontendAnswer {
  func: Func;
  outTree: OutTree;
}

type Diag = { code: string; line: number; col: number; message: string; file: string };

export interface FrontendModule {
  compileFunctionSourceTyped(src: string, signature?: Signature): FrontendAnswer;
  compileSource(
    source: string,
    options: { fileName?: string; signatures?: Record<string, Signature>; functions?: string[] },
  ): { funcs: Map<string, Func>; outTrees: Map<string, OutTree>; diagnostics: Diag[] };
  compileClosure(source: string, options: { fileName?: string; closure: ClosureTarget; signature?: Signature }): FrontendAnswer;
  formatDiagnostic(d: Diag): string;
}

export function runFrontend(fe: FrontendModule, req: FrontendRequest): FrontendAnswer {
  if (req.closure) {
    const r = fe.compileClosure(req.source, { fileName: req.fileName, closure: req.closure, signature: req.signature });
    return { func: r.func, outTree: r.outTree };
  }
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
