// Name resolution over a module's syntax tree, without a type checker: which
// declaration an identifier refers to (a local of some function, a module-level
// binding, or a global), and what a function reads from outside itself. The
// build step uses it to bind closures to the locals they capture and to list
// the module values a compiled function may read.

import { ts } from "ts-morph";

export type FunctionLike = ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression;

export interface Decl {
  readonly name: string;
  /** The declaring node: a VariableDeclaration, ParameterDeclaration, FunctionDeclaration, ImportSpecifier, ... */
  readonly node: ts.Node;
  /** True when declared at the top level of the module. */
  readonly module: boolean;
  /** The function it names: a function declaration, or a `const` initialised with an arrow / function expression. */
  readonly fn?: FunctionLike;
  /** Its initializer, for variables. */
  readonly init?: ts.Expression;
  readonly isConst: boolean;
  /** An import from another module (`from` is its specifier). */
  readonly from?: string;
}

export const isFunctionLike = (n: ts.Node): n is FunctionLike => ts.isFunctionDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n);

export function stripParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
  return e;
}

function bindingNames(n: ts.BindingName, out: ts.Identifier[]): void {
  if (ts.isIdentifier(n)) out.push(n);
  else for (const el of n.elements) if (!ts.isOmittedExpression(el)) bindingNames(el.name, out);
}

export class Scopes {
  private readonly cache = new Map<ts.Node, Map<string, Decl>>();

  constructor(readonly sf: ts.SourceFile) {}

  /** The declaration `id` refers to, or undefined for a global (console, Math, ...). */
  resolve(id: ts.Identifier): Decl | undefined {
    for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
      const d = this.declsOf(n)?.get(id.text);
      if (d) return d;
    }
    return undefined;
  }

  /** The declarations a node introduces for its scope (null for nodes that are not scopes). */
  private declsOf(n: ts.Node): Map<string, Decl> | null {
    const hit = this.cache.get(n);
    if (hit) return hit;
    let m: Map<string, Decl> | null = null;
    const isModule = ts.isSourceFile(n);
    const add = (id: ts.Identifier, node: ts.Node, extra: Partial<Decl> = {}) => {
      m ??= new Map();
      if (!m.has(id.text)) m.set(id.text, { name: id.text, node, module: isModule, isConst: false, ...extra });
    };
    const statements = (sts: readonly ts.Statement[]) => {
      m ??= new Map();
      for (const s of sts) {
        if (ts.isVariableStatement(s)) this.variables(s.declarationList, add);
        else if (ts.isFunctionDeclaration(s) && s.name) add(s.name, s, { fn: s, isConst: true });
        else if ((ts.isClassDeclaration(s) || ts.isEnumDeclaration(s)) && s.name) add(s.name, s, { isConst: true });
        else if (isModule && ts.isImportDeclaration(s)) this.imports(s, add);
      }
    };
    if (ts.isSourceFile(n) || ts.isBlock(n) || ts.isModuleBlock(n)) statements(n.statements);
    else if (ts.isCaseBlock(n)) n.clauses.forEach((c) => statements(c.statements));
    else if (isFunctionLike(n) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessor(n) || ts.isSetAccessor(n)) {
      m = new Map();
      if (ts.isFunctionExpression(n) && n.name) add(n.name, n, { fn: n, isConst: true });
      for (const p of n.parameters) {
        const ids: ts.Identifier[] = [];
        bindingNames(p.name, ids);
        ids.forEach((id) => add(id, p));
      }
      if (n.body && ts.isBlock(n.body)) this.hoistedVars(n.body, add);
    } else if ((ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n)) && n.initializer && ts.isVariableDeclarationList(n.initializer)) {
      m = new Map();
      this.variables(n.initializer, add);
    } else if (ts.isCatchClause(n) && n.variableDeclaration) {
      m = new Map();
      const ids: ts.Identifier[] = [];
      bindingNames(n.variableDeclaration.name, ids);
      ids.forEach((id) => add(id, n.variableDeclaration!));
    }
    if (m) this.cache.set(n, m);
    return m;
  }

  private variables(list: ts.VariableDeclarationList, add: (id: ts.Identifier, node: ts.Node, extra?: Partial<Decl>) => void): void {
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    for (const d of list.declarations) {
      const ids: ts.Identifier[] = [];
      bindingNames(d.name, ids);
      const init = d.initializer ? stripParens(d.initializer) : undefined;
      const fn = ts.isIdentifier(d.name) && isConst && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) ? init : undefined;
      ids.forEach((id) => add(id, d, { fn, init: ts.isIdentifier(d.name) ? init : undefined, isConst }));
    }
  }

  /** `var`s anywhere in a function body (not in nested functions) belong to the function. */
  private hoistedVars(body: ts.Block, add: (id: ts.Identifier, node: ts.Node, extra?: Partial<Decl>) => void): void {
    const visit = (n: ts.Node): void => {
      if (isFunctionLike(n) || ts.isClassLike(n)) return;
      if (ts.isVariableDeclarationList(n) && !(n.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const))) this.variables(n, add);
      n.forEachChild(visit);
    };
    body.statements.forEach(visit);
  }

  private imports(s: ts.ImportDeclaration, add: (id: ts.Identifier, node: ts.Node, extra?: Partial<Decl>) => void): void {
    const c = s.importClause;
    if (!c || c.isTypeOnly || !ts.isStringLiteral(s.moduleSpecifier)) return;
    const from = s.moduleSpecifier.text;
    if (c.name) add(c.name, c, { from, isConst: true });
    const nb = c.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) add(nb.name, nb, { from, isConst: true });
    if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) if (!el.isTypeOnly) add(el.name, el, { from, isConst: true });
  }
}

/** Identifiers of `root` in value positions (not property names, labels or types), in source order. */
export function valueIdentifiers(root: ts.Node): ts.Identifier[] {
  const out: ts.Identifier[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isTypeNode(n) || ts.isTypeAliasDeclaration(n) || ts.isInterfaceDeclaration(n)) return;
    if (ts.isIdentifier(n)) {
      if (isValueReference(n)) out.push(n);
      return;
    }
    n.forEachChild(visit);
  };
  visit(root);
  return out;
}

function isValueReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (!p) return true;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p) || ts.isPropertySignature(p)) && p.name === id) return false;
  if (ts.isBindingElement(p) && p.propertyName === id) return false;
  if ((ts.isLabeledStatement(p) || ts.isBreakStatement(p) || ts.isContinueStatement(p)) && p.label === id) return false;
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p) || ts.isBindingElement(p)) && p.name === id) return false;
  if (ts.isImportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p) || ts.isExportSpecifier(p)) return false;
  return true;
}

/** Whether `inner` lies inside `outer`'s text. */
export const within = (inner: ts.Node, outer: ts.Node): boolean => inner.pos >= outer.pos && inner.end <= outer.end;
