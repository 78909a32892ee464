// What the top level of a module declares: functions (compiled, and inlined
// at call sites), `const`s (folded to literals when constant), and other
// values (captured as extra parameters by compileSource).

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ts } from "ts-morph";
import type { Val } from "./value.js";
import { type FunctionLike, returnStatements, stripParens } from "./analysis.js";

export type ModuleMode = "module" | "function"; // "function": compileFunctionSource, nothing outside is visible

export class ModuleInfo {
  readonly functions = new Map<string, FunctionLike>();
  readonly constInits = new Map<string, ts.Expression>(); // module `const X = <expr>` (not functions)
  readonly mutables = new Set<string>(); // module `let` / `var` (and consts without initializers)
  readonly letInits = new Map<string, ts.Expression>(); // initializers of module `let`s (to infer a captured value's type)
  /** Functions imported from the program's own modules: local name → the module and the function (inlined where called). */
  readonly importedFns = new Map<string, { mod: ModuleInfo; fn: FunctionLike; name: string }>();
  /** Folded values of module consts: an Atom literal, null when not constant, "pending" while folding (cycles). */
  readonly constCache = new Map<string, Val | null | "pending">();
  private readonly arityCache = new Map<string, number>();

  constructor(
    readonly sf: ts.SourceFile,
    readonly mode: ModuleMode,
  ) {}

  static fromSourceFile(sf: ts.SourceFile): ModuleInfo {
    const m = new ModuleInfo(sf, "module");
    for (const s of sf.statements) {
      // values imported from the program's own modules are module values (captured); tsgrad's API and packages are not
      if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && /^\.\.?\//.test(s.moduleSpecifier.text) && s.importClause && !s.importClause.isTypeOnly) {
        const c = s.importClause;
        const other = importedModule(sf.fileName, s.moduleSpecifier.text);
        if (c.name) m.mutables.add(c.name.text);
        if (c.namedBindings && ts.isNamedImports(c.namedBindings))
          for (const el of c.namedBindings.elements) {
            if (el.isTypeOnly) continue;
            const exported = (el.propertyName ?? el.name).text;
            const fn = other?.functions.get(exported);
            if (fn && other) m.importedFns.set(el.name.text, { mod: other, fn, name: exported });
            else m.mutables.add(el.name.text);
          }
        continue;
      }
      if (ts.isFunctionDeclaration(s) && s.name && s.body) m.functions.set(s.name.text, s);
      else if (ts.isVariableStatement(s)) {
        const isConst = (s.declarationList.flags & ts.NodeFlags.Const) !== 0;
        for (const d of s.declarationList.declarations) {
          if (!ts.isIdentifier(d.name)) continue;
          const init = d.initializer ? stripParens(d.initializer) : undefined;
          if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) m.functions.set(d.name.text, init);
          else if (isConst && init) m.constInits.set(d.name.text, init);
          else {
            m.mutables.add(d.name.text);
            if (init) m.letInits.set(d.name.text, init);
          }
        }
      }
    }
    return m;
  }

  isModuleValue(name: string): boolean {
    return this.constInits.has(name) || this.mutables.has(name);
  }

  /** Names a capture parameter could take; reserved up front so captures keep their exact names. */
  valueNames(): string[] {
    return [...this.constInits.keys(), ...this.mutables];
  }

  /** How many values a function returns (a returned array literal is a tuple). */
  arityOf(name: string): number {
    const cached = this.arityCache.get(name);
    if (cached !== undefined) return cached;
    const fn = this.functions.get(name);
    if (!fn) return 1;
    this.arityCache.set(name, 1); // recursion guard (recursion itself is reported when inlining)
    const a = this.functionArity(fn);
    this.arityCache.set(name, a);
    return a;
  }

  /** Arity from the function's first value-returning return (0 when it has none). */
  functionArity(fn: FunctionLike): number {
    if (fn.body && !ts.isBlock(fn.body)) return this.exprArity(fn.body);
    for (const r of returnStatements(fn)) if (r.expression) return this.exprArity(r.expression);
    return 0;
  }

  exprArity(e: ts.Expression): number {
    e = stripParens(e);
    if (ts.isArrayLiteralExpression(e)) return e.elements.length;
    if (ts.isConditionalExpression(e)) return this.exprArity(e.whenTrue);
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && this.functions.has(e.expression.text)) return this.arityOf(e.expression.text);
    return 1;
  }
}

const imported = new Map<string, ModuleInfo | null>();

/** The module `spec` names relative to `from` (a .ts file, as `./x.js` or `./x` spell it), parsed; null if unreadable. */
function importedModule(from: string, spec: string): ModuleInfo | null {
  const base = resolve(dirname(from), spec);
  for (const path of [base.replace(/\.(m?)js$/, ".$1ts"), `${base}.ts`, base]) {
    if (imported.has(path)) return imported.get(path)!;
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      continue;
    }
    imported.set(path, null); // an import cycle resolves to nothing rather than looping
    const m = ModuleInfo.fromSourceFile(ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS));
    imported.set(path, m);
    return m;
  }
  return null;
}
