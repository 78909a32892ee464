// The build step behind `tsgrad run` (and the bundler plugins): rewrites a
// TypeScript module so that it runs as the same module under node/tsx would,
// plus what transforms need. Functions stay JavaScript; the rewrite only
//   - binds every top-level function (declarations and `const` arrows) to
//     its name in the module's source, with the module values it may read,
//     so a transform can compile it per call signature;
//   - binds function expressions handed to a transform (inline arrows, local
//     arrows that flow into one) to their position, with a thunk returning
//     the enclosing function's locals they read (closures);
//   - turns arithmetic and comparison operators whose operands are not
//     provably numbers into eager calls (`1 - targets` → `op.sub(1, targets)`),
//     which act as the operator on anything but NDArrays;
//   - gives the module a getter for its module-level values, read when a
//     compiled function runs.
// Edits are made with magic-string; the TypeScript is then stripped with the
// compiler's transpileModule and the two source maps are composed, so stack
// traces point at the user's lines.
//
//   function loss(W, b) { return ... 1 - p ... }      function loss(W, b) { return ... __tsgrad.op.sub(1, p) ... }
//   const g = grad((x) => Math.sin(k * x));    ==>     __tsgrad.bind(loss, __m, "loss", ["inputs"], ["W", "b"]);
//                                                      const g = grad(__tsgrad.closure((x) => Math.sin(k * x), __m, 812, ...));

import remapping from "@jridgewell/remapping";
import MagicString from "magic-string";
import { ts } from "ts-morph";
import { compileSource } from "../frontend/index.js";
import { type Diagnostic, formatDiagnostic } from "../frontend/diagnostics.js";
import { Analysis, TRANSFORMS } from "./captures.js";
import { NotArray } from "./numeric.js";
import { type FunctionLike, isFunctionLike, stripParens } from "./scopes.js";

/** Diagnostics that depend on the argument types a function is compiled for (see diagnostics.ts). */
const SIGNATURE_DEPENDENT = new Set(["TSG1024", "TSG1028", "TSG1029", "TSG1030", "TSG1031", "TSG1032", "TSG1033", "TSG1034"]);

export { TRANSFORMS };
export const RUNTIME_INTERNAL = "tsgrad/internal";
const RT = "__tsgrad";
const MOD = "__tsgrad_module";

export interface RewriteResult {
  code: string;
  /** Source map of `code` back to the TypeScript source (also inlined in `code`). */
  map: string;
  /** Diagnostics of the functions handed to a transform (others may be ordinary JS). */
  diagnostics: Diagnostic[];
  /** The top-level functions bound to the source. */
  compiled: string[];
}

export function rewriteModule(source: string, fileName: string): RewriteResult {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const an = new Analysis(sf);
  const s = new MagicString(source);
  const moduleValues = new Set<string>();

  rewriteOperators(sf, s, new NotArray(an.scopes));

  // top-level functions: bound by name (declarations are hoisted: bind them first)
  const topLevel: { name: string; fn: FunctionLike; after: number | null }[] = [];
  let afterImports = 0;
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) afterImports = st.end;
    if (ts.isFunctionDeclaration(st) && st.name && st.body) topLevel.push({ name: st.name.text, fn: st, after: null });
    else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer && stripParens(d.initializer);
        if (ts.isIdentifier(d.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) topLevel.push({ name: d.name.text, fn: init, after: st.end });
      }
    }
  }
  const hoisted: string[] = [];
  for (const t of topLevel) {
    const fv = an.freeVars(t.fn);
    fv.captures.forEach((c) => moduleValues.add(c));
    const call = `${RT}.bind(${t.name}, ${MOD}, ${JSON.stringify(t.name)}, ${JSON.stringify(fv.captures)}, ${JSON.stringify(paramNames(t.fn))});`;
    if (t.after === null) hoisted.push(call);
    else s.appendLeft(t.after, `\n${call}`);
  }

  // function expressions handed to transforms, anywhere: closures
  const sites = transformSites(sf, an);
  const wrapped = new Set<ts.Node>();
  const targets = [...sites.map((t) => closureTarget(an, t.arg)), ...escapingFunctions(sf, an)];
  for (const fn of targets) {
    if (!fn || wrapped.has(fn) || topLevel.some((t) => t.fn === fn)) continue;
    wrapped.add(fn);
    const fv = an.freeVars(fn);
    fv.captures.forEach((c) => moduleValues.add(c));
    const fns = Object.fromEntries([...fv.localFns].map(([n, f]) => [n, f.getStart(sf)]));
    const args = `${MOD}, ${fn.getStart(sf)}, ${JSON.stringify(fv.locals)}, ${JSON.stringify(fns)}, ${JSON.stringify(fv.captures)}, ${JSON.stringify(paramNames(fn))}, () => [${fv.locals.join(", ")}]`;
    if (ts.isFunctionDeclaration(fn)) {
      // a local function declaration: bound where its block starts (it is hoisted)
      const block = fn.parent;
      const at = ts.isBlock(block) ? block.getStart(sf) + 1 : fn.getStart(sf);
      s.appendLeft(at, `\n${RT}.closure(${fn.name!.text}, ${args});`);
    } else {
      s.appendRight(fn.getStart(sf), `${RT}.closure(`);
      s.appendLeft(fn.end, `, ${args})`);
    }
  }

  // transforms the module applies statically with literal arguments compile into one library
  const early = sites.filter((t) => t.literalArgs && ts.isIdentifier(t.arg) && topLevel.some((f) => f.name === (t.arg as ts.Identifier).text));
  const header = [
    `import * as ${RT} from ${JSON.stringify(RUNTIME_INTERNAL)};`,
    `const ${MOD} = ${RT}.module(${JSON.stringify(source)}, ${JSON.stringify(fileName)}, ${getter([...moduleValues])});`,
    ...hoisted,
    ...(early.length ? [`${RT}.prepare(() => [${early.map((t) => t.text).join(", ")}]);`] : []),
  ];
  s.appendLeft(afterImports, `\n${header.join("\n")}\n`);

  const edited = s.toString();
  const map1 = s.generateMap({ source: fileName, hires: true, includeContent: true });
  const out = ts.transpileModule(edited, {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false, sourceMap: true },
  });
  const map2 = JSON.parse(out.sourceMapText!);
  map2.sources = [fileName];
  const map = remapping([map2, map1.toString()], () => null).toString();
  const js = out.outputText.replace(/\/\/# sourceMappingURL=.*\s*$/, "");
  const code = `${js}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString("base64")}\n`;
  return { code, map, diagnostics: diagnosticsOf(sf, source, fileName, sites, topLevel.map((t) => t.name)), compiled: topLevel.map((t) => t.name) };
}

/** `(n) => { switch (n) { case "inputs": return inputs; ... } }`: the module's values, read when a compiled function runs. */
function getter(names: string[]): string {
  if (names.length === 0) return "() => undefined";
  return `(n) => { switch (n) { ${names.map((n) => `case ${JSON.stringify(n)}: return ${n};`).join(" ")} } }`;
}

function paramNames(fn: FunctionLike): string[] {
  return fn.parameters.map((p, k) => (ts.isIdentifier(p.name) ? p.name.text : `args[${k}]`));
}

interface Site {
  transform: string;
  /** The function argument as written. */
  arg: ts.Expression;
  text: string;
  literalArgs: boolean;
}

/** Calls of tsgrad transforms, anywhere in the module. */
function transformSites(sf: ts.SourceFile, an: Analysis): Site[] {
  const out: Site[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n) && n.arguments[0]) {
      const t = an.transformOf(n);
      if (t) {
        const rest = n.arguments.slice(1);
        const literalArgs = t !== "jvp" && t !== "vjp" && t !== "checkGrads" && t !== "vmap" && t !== "linearize" && rest.every(isLiteral) && isTopLevelExpr(n);
        out.push({ transform: t, arg: n.arguments[0], text: n.getText(sf), literalArgs });
      }
    }
    n.forEachChild(visit);
  };
  visit(sf);
  return out;
}

/** The function expression a transform's argument denotes: itself, or a local `const` arrow / function it names. */
function closureTarget(an: Analysis, arg: ts.Expression): FunctionLike | null {
  const e = stripParens(arg);
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return e;
  if (ts.isIdentifier(e)) {
    const d = an.scopes.resolve(e);
    if (d && !d.module && d.fn) return d.fn;
  }
  return null;
}

/**
 * Function expressions that may reach a transform through other code: ones a
 * function returns (a loss factory `makeLoss(data)`), and ones passed to the
 * module's own functions (`minimize((x) => ..., x0)`). Arrows passed to
 * anything else (`xs.map((x) => ...)`) are left alone.
 */
function escapingFunctions(sf: ts.SourceFile, an: Analysis): FunctionLike[] {
  const out: FunctionLike[] = [];
  const visit = (n: ts.Node) => {
    if ((ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && !isTopLevelExpr(n)) {
      let e: ts.Node = n;
      while (ts.isParenthesizedExpression(e.parent)) e = e.parent;
      const p = e.parent;
      const returned = ts.isReturnStatement(p) || (ts.isArrowFunction(p) && p.body === e);
      const toOwnFunction = ts.isCallExpression(p) && p.arguments.includes(e as ts.Expression) && ts.isIdentifier(p.expression) && !!an.scopes.resolve(p.expression)?.fn;
      if (returned || toOwnFunction) out.push(n);
    }
    n.forEachChild(visit);
  };
  visit(sf);
  return out;
}

/** Not inside any function: evaluated once, when the module loads. */
function isTopLevelExpr(n: ts.Node): boolean {
  for (let p = n.parent; p; p = p.parent) if (isFunctionLike(p) || ts.isMethodDeclaration(p) || ts.isClassLike(p)) return false;
  return true;
}

function isLiteral(e: ts.Expression): boolean {
  if (ts.isNumericLiteral(e) || e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) return true;
  if (ts.isArrayLiteralExpression(e)) return e.elements.every(isLiteral);
  if (ts.isObjectLiteralExpression(e)) return e.properties.every((p) => ts.isPropertyAssignment(p) && isLiteral(p.initializer));
  return false;
}

// ---- operators ---------------------------------------------------------------------------------

const K = ts.SyntaxKind;
const BINARY: Partial<Record<ts.SyntaxKind, string>> = {
  [K.PlusToken]: "add", [K.MinusToken]: "sub", [K.AsteriskToken]: "mul", [K.SlashToken]: "div", [K.PercentToken]: "rem", [K.AsteriskAsteriskToken]: "pow",
  [K.LessThanToken]: "lt", [K.LessThanEqualsToken]: "le", [K.GreaterThanToken]: "gt", [K.GreaterThanEqualsToken]: "ge",
};
const COMPOUND: Partial<Record<ts.SyntaxKind, string>> = {
  [K.PlusEqualsToken]: "add", [K.MinusEqualsToken]: "sub", [K.AsteriskEqualsToken]: "mul", [K.SlashEqualsToken]: "div", [K.PercentEqualsToken]: "rem", [K.AsteriskAsteriskEqualsToken]: "pow",
};

/** A target that can be read and written again without side effects: `x`, `a.b`, `a[i]`, `a.b[0]`. */
function pureTarget(e: ts.Expression): boolean {
  e = stripParens(e);
  if (ts.isIdentifier(e) || e.kind === K.ThisKeyword) return true;
  if (ts.isPropertyAccessExpression(e)) return pureTarget(e.expression);
  if (ts.isElementAccessExpression(e)) return pureTarget(e.expression) && (ts.isIdentifier(e.argumentExpression) || ts.isLiteralExpression(e.argumentExpression));
  return false;
}

/** An element access that is only read (not assigned, incremented, deleted or destructured into). */
function isRead(n: ts.ElementAccessExpression): boolean {
  let e: ts.Node = n;
  while (ts.isParenthesizedExpression(e.parent) || ts.isNonNullExpression(e.parent) || ts.isAsExpression(e.parent)) e = e.parent;
  const p = e.parent;
  if (ts.isBinaryExpression(p) && p.left === e && p.operatorToken.kind >= K.FirstAssignment && p.operatorToken.kind <= K.LastAssignment) return false;
  if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) && (p.operator === K.PlusPlusToken || p.operator === K.MinusMinusToken)) return false;
  if (ts.isDeleteExpression(p) || ts.isArrayLiteralExpression(p) || ts.isShorthandPropertyAssignment(p) || ts.isSpreadElement(p) && ts.isArrayLiteralExpression(p.parent)) return !isAssignmentPattern(p);
  if ((ts.isForOfStatement(p) || ts.isForInStatement(p)) && p.initializer === e) return false;
  if (ts.isPropertyAssignment(p) && p.initializer === e) return !isAssignmentPattern(p.parent);
  return true;
}

/** An array or object literal on the left of `=` (a destructuring assignment). */
function isAssignmentPattern(n: ts.Node): boolean {
  for (let e: ts.Node = n; e.parent; e = e.parent) {
    if (ts.isBinaryExpression(e.parent)) return e.parent.left === e && e.parent.operatorToken.kind === K.EqualsToken;
    if (!(ts.isArrayLiteralExpression(e.parent) || ts.isObjectLiteralExpression(e.parent) || ts.isPropertyAssignment(e.parent) || ts.isSpreadElement(e.parent))) return false;
  }
  return false;
}

const isStringLike = (e: ts.Expression) => {
  e = stripParens(e);
  return ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isTemplateExpression(e);
};

/** Operators whose operands may be NDArrays become `__tsgrad.op.*` calls (in pre-order, so outer calls open first). */
function rewriteOperators(sf: ts.SourceFile, s: MagicString, notArray: NotArray): void {
  const call = (name: string) => `${RT}.op.${name}(`;
  const visit = (n: ts.Node): void => {
    if (ts.isTypeNode(n) || ts.isEnumDeclaration(n) || ts.isDecorator(n)) return;
    if (ts.isBinaryExpression(n)) {
      const kind = n.operatorToken.kind;
      const name = BINARY[kind];
      const bothScalar = () => notArray.expr(n.left) && notArray.expr(n.right);
      // `"loss " + x` concatenates whatever x is
      const stringy = (kind === K.PlusToken || kind === K.PlusEqualsToken) && (isStringLike(n.left) || isStringLike(n.right));
      if (stringy) return n.forEachChild(visit);
      if (name && !bothScalar()) {
        s.appendRight(n.left.getStart(sf), call(name));
        s.update(n.operatorToken.getStart(sf), n.operatorToken.end, ",");
        s.appendLeft(n.right.end, ")");
      } else if (COMPOUND[kind] && pureTarget(n.left) && !bothScalar()) {
        const target = n.left.getText(sf);
        s.update(n.operatorToken.getStart(sf), n.operatorToken.end, `= ${call(COMPOUND[kind]!)}${target},`);
        s.appendLeft(n.right.end, ")");
      }
    } else if (ts.isElementAccessExpression(n) && isRead(n) && !notArray.receiver(n.expression) && !ts.isStringLiteral(n.argumentExpression) && !n.questionDotToken) {
      // x[i] on an NDArray indexes it as numpy does
      s.appendRight(n.expression.getStart(sf), call("index"));
      s.update(n.expression.end, n.argumentExpression.getStart(sf), ", ");
      s.update(n.argumentExpression.end, n.end, ")");
    } else if (ts.isPrefixUnaryExpression(n) && (n.operator === K.MinusToken || n.operator === K.PlusToken) && !ts.isNumericLiteral(n.operand) && !notArray.expr(n.operand)) {
      s.update(n.getStart(sf), n.operand.getStart(sf), call(n.operator === K.MinusToken ? "neg" : "pos"));
      s.appendLeft(n.end, ")");
    }
    n.forEachChild(visit);
  };
  visit(sf);
}

// ---- diagnostics -------------------------------------------------------------------------------

/**
 * Compile errors of the top-level functions handed to a transform, reported
 * when the module loads. A function whose only errors depend on its
 * argument types (ranks, pytree keys: with no signature, parameters default
 * to numbers) compiles per call signature instead, and reports then.
 */
function diagnosticsOf(sf: ts.SourceFile, source: string, fileName: string, sites: Site[], topLevel: string[]): Diagnostic[] {
  const used = new Set(sites.flatMap((t) => (ts.isIdentifier(t.arg) && topLevel.includes(t.arg.text) ? [t.arg.text] : [])));
  if (used.size === 0) return [];
  const fe = compileSource(source, { fileName, functions: [...used] });
  const own = (name: string) => fe.diagnostics.filter((d: Diagnostic) => inFunction(sf, name, d));
  return [...used].filter((name) => !fe.funcs.has(name) && !own(name).every((d) => SIGNATURE_DEPENDENT.has(d.code))).flatMap(own);
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
