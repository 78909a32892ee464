// The build step behind `tsgrad run` (and any bundler plugin): compiles a
// module's top-level functions to IR and rewrites the module so each one
// carries its IR at run time, with its captured module-level values passed as
// non-differentiated inputs. The TypeScript is then stripped with the
// compiler's own transpileModule.
//
//   function loss(W, b) { ... }            function loss(W, b) { ... }
//   const g = grad(loss);          ==>     __tsgrad.bind(loss, {IR}, () => [inputs]);
//                                          __tsgrad.prepare(() => [grad(loss)]);
//                                          const g = grad(loss);
//
// `prepare` builds the transforms it can see statically before the module
// runs, so every kernel of the module compiles into one native library.

import { ts } from "ts-morph";
import { compileSource } from "../frontend/index.js";
import { type Diagnostic, formatDiagnostic } from "../frontend/diagnostics.js";

/** Diagnostics that depend on the argument types a function is compiled for (see diagnostics.ts). */
const SIGNATURE_DEPENDENT = new Set(["TSG1024", "TSG1028", "TSG1029", "TSG1030", "TSG1031", "TSG1032", "TSG1033", "TSG1034"]);

export const TRANSFORMS = ["grad", "valueAndGrad", "jit", "jvp", "vjp", "jacfwd", "jacrev", "hessian", "checkGrads"];
export const RUNTIME_INTERNAL = "tsgrad/internal";

export interface RewriteResult {
  code: string;
  /** Diagnostics of the functions passed to a transform (others may be ordinary JS). */
  diagnostics: Diagnostic[];
  compiled: string[];
}

interface Site {
  fn: string;
  text: string; // the whole call, for prepare()
  literalArgs: boolean;
}

export function rewriteModule(source: string, fileName: string): RewriteResult {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const fe = compileSource(source, { fileName });
  const sites = transformSites(sf);
  const used = new Set(sites.map((s) => s.fn));

  // A function whose only errors depend on the types of its arguments (ranks, shapes,
  // pytree keys: with no signature, parameters default to numbers) compiles per call
  // signature instead; other errors are the user's, when the function is handed to a transform.
  const ownDiagnostics = (name: string) => fe.diagnostics.filter((d: Diagnostic) => inFunction(sf, name, d));
  const functions = topLevelFunctions(sf);
  const perSignature = (name: string) => functions.has(name) && !fe.funcs.has(name) && ownDiagnostics(name).every((d) => SIGNATURE_DEPENDENT.has(d.code));
  const compiles = (name: string) => fe.funcs.has(name) || perSignature(name);
  const diagnostics = [...used].filter((name) => !compiles(name)).flatMap(ownDiagnostics);

  const inserts: { pos: number; text: string }[] = [];
  const declared = new Set<string>();
  let afterImports = 0;
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) afterImports = st.end;
  }
  const replaces: { start: number; end: number; text: string }[] = [];
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name && st.body && compiles(st.name.text)) {
      const name = st.name.text;
      declared.add(name);
      inserts.push({ pos: afterImports, text: `\n${bindCall(name, st.parameters.length, fe)}` });
      // direct calls run the compiled kernel (so `loss(W, b)` works on arrays)
      replaces.push({ start: st.body.getStart(sf), end: st.body.end, text: `{ return __tsgrad.call(${name}, arguments); }` });
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || !compiles(d.name.text) || !d.initializer) continue;
        const fn = d.initializer;
        const arity = ts.isArrowFunction(fn) || ts.isFunctionExpression(fn) ? fn.parameters.length : 0;
        inserts.push({ pos: st.end, text: `\n${bindCall(d.name.text, arity, fe)}` });
        inserts.push({ pos: d.initializer.getStart(sf), text: "__tsgrad.jitted(" });
        inserts.push({ pos: d.initializer.end, text: ")" });
      }
    }
  }
  const early = sites.filter((s) => declared.has(s.fn) && s.literalArgs);
  if (early.length) {
    inserts.push({ pos: afterImports, text: `\n__tsgrad.prepare(() => [${early.map((s) => s.text).join(", ")}]);` });
  }
  inserts.unshift({
    pos: afterImports,
    text: `\nimport * as __tsgrad from ${JSON.stringify(RUNTIME_INTERNAL)};\nconst __tsgrad_module = __tsgrad.module(${JSON.stringify(source)}, ${JSON.stringify(fileName)});`,
  });

  // apply edits from the end so earlier positions stay valid; inserts at one position keep their order
  const edits = [
    ...inserts.map((ins, order) => ({ start: ins.pos, end: ins.pos, text: ins.text, order })),
    ...replaces.map((r) => ({ ...r, order: -1 })),
  ].sort((a, b) => b.start - a.start || b.order - a.order);
  let text = source;
  for (const e of edits) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  const js = ts.transpileModule(text, {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false, sourceMap: false },
  }).outputText;
  return { code: js, diagnostics, compiled: [...fe.funcs.keys()] };
}

function bindCall(name: string, arity: number, fe: ReturnType<typeof compileSource>): string {
  const caps = fe.captures?.get(name) ?? [];
  const func = fe.funcs.get(name) ?? null;
  const out = fe.outTrees?.get(name) ?? null;
  return `__tsgrad.bind(${name}, ${JSON.stringify(func)}, ${JSON.stringify(out)}, ${arity}, ${JSON.stringify(caps)}, () => [${caps.join(", ")}], __tsgrad_module);`;
}

/** Names of the module's top-level functions: declarations, and consts/lets initialised with an arrow or function expression. */
function topLevelFunctions(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name) names.add(st.name.text);
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer;
        if (ts.isIdentifier(d.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) names.add(d.name.text);
      }
    }
  }
  return names;
}

/** Calls like `grad(f, ...)` whose first argument names a top-level function. */
function transformSites(sf: ts.SourceFile): Site[] {
  const out: Site[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && TRANSFORMS.includes(n.expression.text)) {
      const first = n.arguments[0];
      if (first && ts.isIdentifier(first)) {
        const rest = n.arguments.slice(1);
        const literalArgs = n.expression.text !== "jvp" && n.expression.text !== "vjp" && n.expression.text !== "checkGrads" && rest.every(isLiteral);
        out.push({ fn: first.text, text: n.getText(sf), literalArgs });
      }
    }
    n.forEachChild(visit);
  };
  visit(sf);
  return out;
}

function isLiteral(e: ts.Expression): boolean {
  if (ts.isNumericLiteral(e) || e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) return true;
  if (ts.isArrayLiteralExpression(e)) return e.elements.every(isLiteral);
  if (ts.isObjectLiteralExpression(e)) return e.properties.every((p) => ts.isPropertyAssignment(p) && isLiteral(p.initializer));
  return false;
}

/** Whether diagnostic `d` lies inside the top-level function `name`. */
function inFunction(sf: ts.SourceFile, name: string, d: Diagnostic): boolean {
  const pos = sf.getPositionOfLineAndCharacter(d.line - 1, d.col - 1);
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name?.text === name) return st.pos <= pos && pos <= st.end;
    if (ts.isVariableStatement(st)) {
      for (const decl of st.declarationList.declarations) {
        if (ts.isIdentifier(decl.name) && decl.name.text === name) return decl.pos <= pos && pos <= decl.end;
      }
    }
  }
  return false;
}

export { formatDiagnostic };
