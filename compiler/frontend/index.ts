// Front end entry points: TypeScript source → IR functions, with coded
// diagnostics. Parsing goes through one reused in-memory ts-morph Project;
// no type checking is done (types are hints), so a cold compile is a parse
// plus a walk over the functions.

import { Project, ts } from "ts-morph";
import type { Func } from "../ir/syntax.js";
import { type FunctionLike, stripParens } from "./analysis.js";
import { type Diagnostic, DiagnosticSink, TsgradError, normalizeDiagnostics } from "./diagnostics.js";
import { compileFunction } from "./lower-func.js";
import { findFunctionAt } from "./analysis.js";
import { ModuleInfo } from "./module.js";

import type { OutTree, Signature } from "./signature.js";

export { type Diagnostic, formatDiagnostic, TsgradError, MESSAGES } from "./diagnostics.js";
export type { LeafType, OutTree, SigTree, Signature } from "./signature.js";

export interface CompileOptions {
  fileName?: string; // for diagnostics
  /** Per function name: the pytree/array types of its arguments and captures (the runtime computes them from the values). */
  signatures?: Record<string, Signature>;
  /** Compile only these functions (the others are still inlined where called); default: every top-level function. */
  functions?: string[];
}

export interface FrontendResult {
  funcs: Map<string, Func>;
  diagnostics: Diagnostic[];
  /** Function name → captured module-level variables, in the order of the Func's trailing extra params. */
  captures: Map<string, string[]>;
  /** Function name → the pytree structure of its result (the Func's results are its leaves). */
  outTrees: Map<string, OutTree>;
}

let project: Project | undefined;

function parse(fileName: string, text: string): ts.SourceFile {
  project ??= new Project({ useInMemoryFileSystem: true, compilerOptions: { strict: true, target: ts.ScriptTarget.ES2022 } });
  const sf = project.createSourceFile(fileName, text, { overwrite: true });
  const node = sf.compilerNode;
  project.removeSourceFile(sf); // keep the shared project empty; the raw AST stays valid
  return node;
}

function syntaxErrors(sf: ts.SourceFile, sink: DiagnosticSink): void {
  const parseDiags = (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  // Only the first: the parser's recovery makes later errors mostly echoes of it.
  for (const d of parseDiags.slice(0, 1)) sink.reportAt(d.start, "syntaxError", ts.flattenDiagnosticMessageText(d.messageText, " "));
}

export function compileSource(source: string, options: CompileOptions = {}): FrontendResult {
  const file = options.fileName ?? "input.ts";
  const sf = parse(file.startsWith("/") ? file : `/${file}`, source);
  const result: FrontendResult = { funcs: new Map(), diagnostics: [], captures: new Map(), outTrees: new Map() };
  const sink = new DiagnosticSink(sf, file);
  syntaxErrors(sf, sink);
  if (sink.list.length > 0) {
    result.diagnostics = normalizeDiagnostics(sink.list);
    return result;
  }
  const mod = ModuleInfo.fromSourceFile(sf);
  for (const [name, fn] of mod.functions) {
    if (options.functions && !options.functions.includes(name)) continue;
    const fsink = new DiagnosticSink(sf, file);
    const captured: string[] = [];
    const compiled = compileFunction(mod, name, fn, fsink, options.signatures?.[name], captured);
    sink.list.push(...fsink.list);
    result.captures.set(name, captured);
    if (compiled) {
      result.funcs.set(name, compiled.func);
      result.outTrees.set(name, compiled.outTree);
    }
  }
  result.diagnostics = normalizeDiagnostics(sink.list);
  return result;
}

/** A function expression inside a module, found by the start of its text, with what it reads of its enclosing function. */
export interface ClosureTarget {
  /** Source position of the function's first character (ts.Node#getStart). */
  pos: number;
  /** Locals of enclosing functions it reads (values), in the order the caller passes them. */
  locals: string[];
  /** Local functions of enclosing functions it calls, by name → position. */
  localFns: Record<string, number>;
}

export interface CompiledClosure {
  func: Func;
  outTree: OutTree;
  /** Module values captured, after the locals, in the Func's param order. */
  captures: string[];
}

/**
 * Compiles a function expression (or declaration) of a module by position:
 * an inline arrow handed to a transform, or a local function. Its params are
 * the arguments' leaves, then the enclosing locals', then captured module values'.
 */
export function compileClosure(source: string, options: { fileName?: string; closure: ClosureTarget; signature?: Signature }): CompiledClosure {
  const file = options.fileName ?? "input.ts";
  const sf = parse(file.startsWith("/") ? file : `/${file}`, source);
  const sink = new DiagnosticSink(sf, file);
  syntaxErrors(sf, sink);
  if (sink.list.length > 0) throw new TsgradError(normalizeDiagnostics(sink.list));
  const { pos, locals, localFns } = options.closure;
  const fn = findFunctionAt(sf, pos);
  if (!fn) throw new Error(`tsgrad: no function at position ${pos} of ${file}`);
  const fns = new Map<string, FunctionLike>();
  for (const [n, p] of Object.entries(localFns)) {
    const g = findFunctionAt(sf, p);
    if (g) fns.set(n, g);
  }
  const mod = ModuleInfo.fromSourceFile(sf);
  const name = fn.name && ts.isIdentifier(fn.name) ? fn.name.text : "closure";
  const captured: string[] = [];
  const compiled = compileFunction(mod, name, fn, sink, options.signature, captured, { locals, localFns: fns });
  if (!compiled || sink.list.length > 0) throw new TsgradError(normalizeDiagnostics(sink.list));
  return { func: compiled.func, outTree: compiled.outTree, captures: compiled.captures };
}

const WRAP = "("; // makes `function (x) {...}` parse as an expression; columns on line 1 are shifted back

/**
 * Compiles the text of one function as given by `Function.prototype.toString()`.
 * Nothing outside the text is visible: free variables are errors (TSG1011).
 */
export function compileFunctionSource(fnSource: string, signature?: Signature): Func {
  return compileFunctionSourceTyped(fnSource, signature).func;
}

/** compileFunctionSource with the result's pytree structure. */
export function compileFunctionSourceTyped(fnSource: string, signature?: Signature): { func: Func; outTree: OutTree } {
  const sf = parse("/function.ts", `${WRAP}${fnSource}\n)`);
  const sink = new DiagnosticSink(sf, "<function>", WRAP.length);
  syntaxErrors(sf, sink);
  if (sink.list.length > 0) throw new TsgradError(normalizeDiagnostics(sink.list));
  const stmt = sf.statements[0];
  const expr = stmt && ts.isExpressionStatement(stmt) ? stripParens(stmt.expression) : undefined;
  if (!expr || !(ts.isArrowFunction(expr) || ts.isFunctionExpression(expr)) || sf.statements.length !== 1) {
    sink.reportAt(WRAP.length, "unsupportedSyntax", "source text", "pass a single function, e.g. `(x) => x * x` or `function f(x) { ... }`");
    throw new TsgradError(normalizeDiagnostics(sink.list));
  }
  const fn: FunctionLike = expr;
  const name = ts.isFunctionExpression(fn) && fn.name ? fn.name.text : "f";
  const mod = new ModuleInfo(sf, "function");
  if (ts.isFunctionExpression(fn) && fn.name) mod.functions.set(name, fn); // so self-calls are reported as recursion
  const compiled = compileFunction(mod, name, fn, sink, signature);
  if (!compiled || sink.list.length > 0) throw new TsgradError(normalizeDiagnostics(sink.list));
  return { func: compiled.func, outTree: compiled.outTree };
}
