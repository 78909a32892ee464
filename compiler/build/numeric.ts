// Which expressions can never be an NDArray, so their operators stay plain JS
// operators: literals, `Math.*`, `.length`, string methods, arithmetic of such
// values, and variables that only ever hold them (annotated `number`,
// `boolean`, `string` or a typed array, or a `const`/`let` every assignment of
// which is such a value). Purely syntactic and conservative: anything unsure
// is "maybe an array" and its operators go through the eager `op` functions.

import { ts } from "ts-morph";
import { type Decl, Scopes, stripParens } from "./scopes.js";

const K = ts.SyntaxKind;
const SCALAR_TYPES = new Set([K.NumberKeyword, K.BooleanKeyword, K.StringKeyword, K.BigIntKeyword, K.LiteralType]);
const TYPED = /^(Float64Array|Float32Array|Int32Array|Uint32Array|Int16Array|Uint16Array|Int8Array|Uint8Array|Uint8ClampedArray|BigInt64Array|BigUint64Array|string|String|number|Number|boolean)$/;
const NUMBER_FUNCTIONS = new Set(["Number", "parseInt", "parseFloat", "String", "Boolean", "isNaN", "isFinite"]);
const STRING_METHODS = new Set(["toFixed", "toPrecision", "toString", "toExponential", "padStart", "padEnd", "join", "slice", "substring", "trim", "indexOf", "charCodeAt", "repeat", "toUpperCase", "toLowerCase"]);

export class NotArray {
  private readonly memo = new Map<ts.Node, boolean>();

  constructor(private readonly scopes: Scopes) {}

  /** True when `e` can never evaluate to an NDArray. */
  expr(e: ts.Expression): boolean {
    e = stripParens(e);
    switch (e.kind) {
      case K.NumericLiteral:
      case K.StringLiteral:
      case K.NoSubstitutionTemplateLiteral:
      case K.TemplateExpression:
      case K.TrueKeyword:
      case K.FalseKeyword:
      case K.NullKeyword:
      case K.BigIntLiteral:
      case K.TypeOfExpression:
      case K.VoidExpression:
      case K.DeleteExpression:
        return true;
      case K.Identifier:
        return this.identifier(e as ts.Identifier);
      case K.PrefixUnaryExpression: {
        const u = e as ts.PrefixUnaryExpression;
        return u.operator === K.ExclamationToken || u.operator === K.TildeToken || this.expr(u.operand);
      }
      case K.PostfixUnaryExpression:
        return true; // x++ yields a number (or NaN)
      case K.BinaryExpression: {
        const b = e as ts.BinaryExpression;
        const op = b.operatorToken.kind;
        if (op === K.EqualsEqualsEqualsToken || op === K.ExclamationEqualsEqualsToken || op === K.EqualsEqualsToken || op === K.ExclamationEqualsToken) return true;
        if (op === K.InstanceOfKeyword || op === K.InKeyword) return true;
        if (op === K.EqualsToken) return this.expr(b.right);
        if (op === K.AmpersandAmpersandToken || op === K.BarBarToken || op === K.QuestionQuestionToken) return this.expr(b.left) && this.expr(b.right);
        if (op === K.CommaToken) return this.expr(b.right);
        return this.expr(b.left) && this.expr(b.right);
      }
      case K.ConditionalExpression: {
        const c = e as ts.ConditionalExpression;
        return this.expr(c.whenTrue) && this.expr(c.whenFalse);
      }
      case K.PropertyAccessExpression: {
        const p = e as ts.PropertyAccessExpression;
        if (p.name.text === "length") return true;
        return ts.isIdentifier(p.expression) && p.expression.text === "Math" && !this.scopes.resolve(p.expression);
      }
      case K.ElementAccessExpression:
        return this.typedReceiver((e as ts.ElementAccessExpression).expression);
      case K.CallExpression: {
        const c = e as ts.CallExpression;
        const callee = stripParens(c.expression);
        if (ts.isIdentifier(callee)) return NUMBER_FUNCTIONS.has(callee.text) && !this.scopes.resolve(callee);
        if (ts.isPropertyAccessExpression(callee)) {
          if (ts.isIdentifier(callee.expression) && (callee.expression.text === "Math" || callee.expression.text === "Number" || callee.expression.text === "JSON") && !this.scopes.resolve(callee.expression)) return true;
          return STRING_METHODS.has(callee.name.text) && this.typedReceiver(callee.expression);
        }
        return false;
      }
      default:
        return false;
    }
  }

  /** Whether `a[i]` can be left to JS: `a` is never an NDArray. */
  receiver(a: ts.Expression): boolean {
    return this.typedReceiver(a);
  }

  /** `a` in `a[i]` or `a.toFixed()`: a typed array, a `number[]`, a string or a number. */
  private typedReceiver(a: ts.Expression): boolean {
    a = stripParens(a);
    if (ts.isIdentifier(a)) {
      const d = this.scopes.resolve(a);
      const t = d && declaredType(d);
      if (t && typedAnnotation(t)) return true;
      return this.identifier(a);
    }
    return this.expr(a);
  }

  private identifier(id: ts.Identifier): boolean {
    if (id.text === "NaN" || id.text === "Infinity" || id.text === "undefined") return !this.scopes.resolve(id);
    const d = this.scopes.resolve(id);
    if (!d) return false;
    const hit = this.memo.get(d.node);
    if (hit !== undefined) return hit;
    this.memo.set(d.node, false); // cycles (x = x + 1) are settled by the other assignments
    const r = this.decl(d);
    this.memo.set(d.node, r);
    return r;
  }

  private decl(d: Decl): boolean {
    const t = declaredType(d);
    if (t) return scalarAnnotation(t);
    if (ts.isParameter(d.node) || d.from !== undefined || d.fn) return false;
    if (!ts.isVariableDeclaration(d.node) || !d.node.initializer || !ts.isIdentifier(d.node.name)) return false;
    if (!this.expr(d.node.initializer)) return false;
    if (d.isConst) return true;
    // a `let`: every assignment must be a non-array too
    const scope = d.node.parent.parent.parent ?? d.node;
    let ok = true;
    const name = d.name;
    const visit = (n: ts.Node): void => {
      if (!ok) return;
      if (ts.isBinaryExpression(n) && ts.isIdentifier(n.left) && n.left.text === name && n.operatorToken.kind >= K.FirstAssignment && n.operatorToken.kind <= K.LastAssignment) {
        if (this.scopes.resolve(n.left)?.node === d.node && !this.expr(n.right)) ok = false;
      }
      n.forEachChild(visit);
    };
    visit(scope);
    return ok;
  }
}

function declaredType(d: Decl): ts.TypeNode | undefined {
  if (ts.isParameter(d.node) || ts.isVariableDeclaration(d.node)) return d.node.type;
  return undefined;
}

function scalarAnnotation(t: ts.TypeNode): boolean {
  if (SCALAR_TYPES.has(t.kind)) return true;
  if (ts.isUnionTypeNode(t)) return t.types.every(scalarAnnotation);
  if (ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName)) return TYPED.test(t.typeName.text);
  return false;
}

/** A typed array or `number[]` annotation, whose elements are numbers. */
function typedAnnotation(t: ts.TypeNode): boolean {
  if (ts.isArrayTypeNode(t)) return scalarAnnotation(t.elementType);
  if (ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName)) return /Array$/.test(t.typeName.text) && t.typeName.text !== "Array";
  return t.kind === K.StringKeyword;
}
