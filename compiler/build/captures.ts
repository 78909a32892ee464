// What a function reads from outside itself, for binding it to its source:
// the locals of enclosing functions (values, and local functions it calls),
// and the module values it may read through the module functions it calls.
// An over-approximation is fine (an unused capture is an unused parameter);
// missing one is not.

import { ts } from "ts-morph";
import { type Decl, type FunctionLike, Scopes, stripParens, valueIdentifiers, within } from "./scopes.js";

export interface FreeVars {
  /** Values of enclosing functions' locals, in first-use order. */
  locals: string[];
  /** Enclosing functions' local functions it calls (inlined): name → function. */
  localFns: Map<string, FunctionLike>;
  /** Module-level values (and imports of local modules), in first-use order. */
  captures: string[];
}

/** Names exported by tsgrad that take a function as their first argument. */
export const TRANSFORMS = new Set(["grad", "valueAndGrad", "jit", "jvp", "vjp", "jacfwd", "jacrev", "hessian", "checkGrads", "linearize", "vmap"]);

const isRelative = (spec: string) => spec.startsWith("./") || spec.startsWith("../");

/** Whether `d` is an import of the tsgrad package (its API, not a value to capture). */
const fromTsgrad = (d: Decl) => d.from !== undefined && (d.from === "tsgrad" || d.from.startsWith("tsgrad/"));

export class Analysis {
  readonly scopes: Scopes;
  private readonly memo = new Map<ts.Node, FreeVars>();

  constructor(readonly sf: ts.SourceFile) {
    this.scopes = new Scopes(sf);
  }

  /** The tsgrad transform a call applies (`grad(f)`, `tsgrad.grad(f)`, aliased imports too), or null. */
  transformOf(call: ts.CallExpression): string | null {
    const callee = stripParens(call.expression);
    if (ts.isIdentifier(callee)) {
      const d = this.scopes.resolve(callee);
      if (!d || !fromTsgrad(d) || !ts.isImportSpecifier(d.node)) return null;
      const imported = (d.node.propertyName ?? d.node.name).text;
      return TRANSFORMS.has(imported) ? imported : null;
    }
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
      const d = this.scopes.resolve(callee.expression);
      return d && fromTsgrad(d) && ts.isNamespaceImport(d.node) && TRANSFORMS.has(callee.name.text) ? callee.name.text : null;
    }
    return null;
  }

  /** A `const g = grad(f)`-style initializer: a transform of a function, inlined where it is called. */
  isStoredTransform(init: ts.Expression | undefined): boolean {
    const e = init && stripParens(init);
    return !!e && ts.isCallExpression(e) && this.transformOf(e) !== null && this.transformOf(e) !== "jvp" && this.transformOf(e) !== "vjp" && this.transformOf(e) !== "checkGrads";
  }

  freeVars(fn: FunctionLike): FreeVars {
    const hit = this.memo.get(fn);
    if (hit) return hit;
    const r: FreeVars = { locals: [], localFns: new Map(), captures: [] };
    const seen = new Set<ts.Node>();
    const visit = (root: ts.Node, inside: ts.Node) => {
      if (seen.has(root)) return;
      seen.add(root);
      for (const id of valueIdentifiers(root)) {
        const d = this.scopes.resolve(id);
        if (!d || within(d.node, inside)) continue;
        this.classify(d, r, (n) => visit(n, n));
      }
    };
    visit(fn, fn);
    this.memo.set(fn, r);
    return r;
  }

  private classify(d: Decl, r: FreeVars, visit: (n: ts.Node) => void): void {
    if (d.module) {
      if (d.from !== undefined) {
        if (isRelative(d.from) && !r.captures.includes(d.name)) r.captures.push(d.name);
        return;
      }
      if (d.fn) return visit(d.fn);
      if (ts.isFunctionDeclaration(d.node) || ts.isClassDeclaration(d.node) || ts.isEnumDeclaration(d.node)) return;
      if (this.isStoredTransform(d.init)) return visit(d.init!);
      if (!r.captures.includes(d.name)) r.captures.push(d.name);
      return;
    }
    if (d.fn) {
      if (!r.localFns.has(d.name)) r.localFns.set(d.name, d.fn);
      return visit(d.fn);
    }
    if (ts.isFunctionDeclaration(d.node)) {
      if (!r.localFns.has(d.name)) r.localFns.set(d.name, d.node);
      return visit(d.node);
    }
    if (!r.locals.includes(d.name)) r.locals.push(d.name);
  }
}
