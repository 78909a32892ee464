// Expressions → values: atoms (numbers, booleans, arrays) or pytrees (lists,
// objects, function values; value.ts). Every expression kind either lowers or
// reports a diagnostic (and yields a NaN placeholder so lowering can continue).

import { ts } from "ts-morph";
import { Names } from "../ir/names.js";
import { type Atom, type Prim, bool, f64, lit } from "../ir/syntax.js";
import { stripParens } from "./analysis.js";
import { type ArithOp, arith, compare } from "./arith.js";
import { assignElement, indexValue, lowerNew, memberValue } from "./lower-array.js";
import { lowerCall } from "./lower-call.js";
import { Lowerer } from "./lowerer.js";
import { MATH_CONSTS, MATH_FUNCS, NP_CONSTS, NP_FUNCS, memberHint } from "./math.js";
import { negate, numericOf } from "./promote.js";
import { type Binding, isMutable } from "./scope.js";
import { type Val, NONE, describe, dict, isAtom, isTree, leaves, list } from "./value.js";

const K = ts.SyntaxKind;

const ARITH: Partial<Record<ts.SyntaxKind, ArithOp>> = {
  [K.PlusToken]: "+", [K.MinusToken]: "-", [K.AsteriskToken]: "*", [K.SlashToken]: "/", [K.PercentToken]: "%", [K.AsteriskAsteriskToken]: "**",
  [K.PlusEqualsToken]: "+", [K.MinusEqualsToken]: "-", [K.AsteriskEqualsToken]: "*", [K.SlashEqualsToken]: "/", [K.PercentEqualsToken]: "%",
  [K.AsteriskAsteriskEqualsToken]: "**",
};

const COMPARE: Partial<Record<ts.SyntaxKind, Prim>> = {
  [K.LessThanToken]: "lt", [K.LessThanEqualsToken]: "le", [K.GreaterThanToken]: "gt", [K.GreaterThanEqualsToken]: "ge",
  [K.EqualsEqualsEqualsToken]: "eq", [K.EqualsEqualsToken]: "eq", [K.ExclamationEqualsEqualsToken]: "ne", [K.ExclamationEqualsToken]: "ne",
};

const BITWISE_HINT = "compiled functions work on floating-point numbers; use arithmetic (`Math.floor(x / 2)` instead of `x >> 1`)";

/** An expression that must be a number, boolean or array (not a pytree). */
export function lowerExpr(L: Lowerer, e: ts.Expression): Atom {
  return expectAtom(L, e, lowerValue(L, e));
}

export function expectAtom(L: Lowerer, e: ts.Node, x: Val): Atom {
  if (isAtom(x)) return x;
  if (x.kind === "undef") return lit(NaN); // `undefined` is NaN in arithmetic
  return L.report(e, "notAValue", `${"`" + L.text(e) + "`"} (${describe(x)})`, "use one of its entries, or np.array/np.stack to make an array of a list");
}

/** Any expression, including pytrees (lists, objects), functions for transforms, and null. */
export function lowerValue(L: Lowerer, e: ts.Expression): Val {
  switch (e.kind) {
    case K.Identifier:
      return lowerIdentifier(L, e as ts.Identifier);
    case K.ParenthesizedExpression:
    case K.AsExpression:
    case K.NonNullExpression:
    case K.SatisfiesExpression:
    case K.TypeAssertionExpression:
      return lowerValue(L, (e as ts.ParenthesizedExpression).expression);
    case K.ArrayLiteralExpression:
      return list(
        (e as ts.ArrayLiteralExpression).elements.map((el) =>
          ts.isSpreadElement(el) ? spreadItems(L, el) : ts.isOmittedExpression(el) ? [L.report(el, "unsupportedSyntax", "hole in an array literal", "list the values explicitly")] : [lowerValue(L, el)],
        ).flat(),
      );
    case K.ObjectLiteralExpression:
      return objectLiteral(L, e as ts.ObjectLiteralExpression);
    case K.ConditionalExpression: {
      const c = e as ts.ConditionalExpression;
      const cond = L.toBool(lowerExpr(L, c.condition));
      return L.branch(cond, () => [lowerValue(L, c.whenTrue)], () => [lowerValue(L, c.whenFalse)], "sel")[0];
    }
    case K.CallExpression:
      return lowerCall(L, e as ts.CallExpression);
    case K.PropertyAccessExpression:
      return lowerProperty(L, e as ts.PropertyAccessExpression);
    case K.ElementAccessExpression: {
      const ea = e as ts.ElementAccessExpression;
      return indexValue(L, ea, lowerValue(L, ea.expression), ea.argumentExpression);
    }
    case K.NullKeyword:
      return NONE;
    case K.ArrowFunction:
    case K.FunctionExpression:
      return L.closure(e as ts.ArrowFunction) ?? L.report(e, "nestedFunction", "expression");
    case K.NewExpression:
      return lowerNew(L, e as ts.NewExpression);
    default:
      return lowerScalarExpr(L, e);
  }
}

function spreadItems(L: Lowerer, el: ts.SpreadElement): Val[] {
  const x = lowerValue(L, el.expression);
  if (x.kind === "list") return x.items;
  return [L.report(el, "unsupportedSyntax", "spread of a non-list", "spread only lists (`[...xs, y]`)")];
}

function objectLiteral(L: Lowerer, o: ts.ObjectLiteralExpression): Val {
  const entries = new Map<string, Val>();
  for (const p of o.properties) {
    if (ts.isShorthandPropertyAssignment(p)) entries.set(p.name.text, lowerValue(L, p.name));
    else if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNumericLiteral(p.name))) entries.set(p.name.text, lowerValue(L, p.initializer));
    else if (ts.isSpreadAssignment(p)) {
      const x = lowerValue(L, p.expression);
      if (x.kind === "dict") x.keys.forEach((k, j) => entries.set(k, x.items[j]));
      else L.report(p, "unsupportedSyntax", "spread of a non-object", "spread only objects (`{...params, W}`)");
    } else L.report(p, "unsupportedSyntax", "this object member", "use `key: value` entries");
  }
  return dict([...entries]);
}

function lowerScalarExpr(L: Lowerer, e: ts.Expression): Atom {
  switch (e.kind) {
    case K.NumericLiteral:
      return lit(Number((e as ts.NumericLiteral).text));
    case K.TrueKeyword:
      return lit(true, bool);
    case K.FalseKeyword:
      return lit(false, bool);
    case K.PrefixUnaryExpression:
      return lowerPrefix(L, e as ts.PrefixUnaryExpression);
    case K.PostfixUnaryExpression:
      return lowerUpdate(L, e as ts.PostfixUnaryExpression, false);
    case K.BinaryExpression:
      return lowerBinary(L, e as ts.BinaryExpression);
    case K.StringLiteral:
    case K.NoSubstitutionTemplateLiteral:
    case K.TemplateExpression:
    case K.TaggedTemplateExpression:
      return L.report(e, "stringValue");
    case K.ArrowFunction:
    case K.FunctionExpression:
      return L.report(e, "nestedFunction", "expression");
    case K.AwaitExpression:
      return L.report(e, "asyncCode", "`await`");
    case K.YieldExpression:
      return L.report(e, "generators", "`yield`");
    case K.TypeOfExpression:
      return L.report(e, "operator", "typeof", "values are always numbers or booleans here");
    case K.DeleteExpression:
      return L.report(e, "operator", "delete", "there are no objects to delete from");
    case K.VoidExpression:
      return L.report(e, "operator", "void", "remove it");
    case K.ClassExpression:
      return L.report(e, "classes", "classes are");
    case K.BigIntLiteral:
      return L.report(e, "unsupportedSyntax", "bigint literal", "use an ordinary number literal");
    default:
      return L.report(e, "unsupportedSyntax", `${K[e.kind]} \`${L.text(e)}\``, "rewrite it with numbers, arithmetic, `Math.*`, if/for/while");
  }
}

/** The items of a list value (a tuple literal, a tuple-returning call, ...), or the value alone. */
export function lowerMulti(L: Lowerer, e: ts.Expression): Val[] {
  const x = lowerValue(L, e);
  return x.kind === "list" ? x.items : [x];
}

const BUILTIN_VALUES: Record<string, number> = { NaN: NaN, Infinity: Infinity, undefined: NaN };

export function lowerIdentifier(L: Lowerer, id: ts.Identifier): Val {
  const name = id.text;
  const b = L.scope.lookup(name);
  if (b) return L.get(b.key);
  if (L.mod.functions.has(name)) return L.report(id, "unsupportedSyntax", `function \`${name}\` used as a value`, `call it: \`${name}(...)\``);
  if (name === "undefined") return { kind: "undef" };
  if (L.mod.isModuleValue(name)) {
    const c = moduleConstant(L, name);
    if (c) return c;
    if (L.mod.mode === "function") return L.report(id, "freeVariable", name);
    return L.capture(name);
  }
  if (name in BUILTIN_VALUES) return lit(BUILTIN_VALUES[name]);
  if (name === "Math" || name === "np") return L.report(id, "unknownMember", name, `call its members, e.g. \`${name}.sin(x)\``);
  if (L.mod.mode === "function") return L.report(id, "freeVariable", name);
  return L.report(id, "unknownIdentifier", name);
}

/** Folds a module `const` whose initializer is a constant expression (literals, Math.*, other constants). */
function moduleConstant(L: Lowerer, name: string): Val | null {
  const cached = L.mod.constCache.get(name);
  if (cached !== undefined) return cached === "pending" ? null : cached;
  const init = L.mod.constInits.get(name);
  if (!init) return null;
  L.mod.constCache.set(name, "pending");
  const probe = new Lowerer(L.mod, L.diags, new Names(), false);
  const wasMuted = L.diags.muted;
  const suppressedBefore = L.diags.suppressed;
  L.diags.muted = true;
  let a: Val;
  let stmts = 0;
  try {
    a = lowerValue(probe, init);
    stmts = probe.b.stmts.length;
  } finally {
    L.diags.muted = wasMuted;
  }
  // Errors in a probe are not the user's: a non-constant initializer just means "capture it".
  // Pytrees of constants (`const cfg = { k: 2 }`) fold too.
  const ok = (a.kind === "lit" || (isTree(a) && leaves(a).every((x) => x.kind === "lit"))) && stmts === 0 && !probe.captureFailed && L.diags.suppressed === suppressedBefore;
  L.diags.suppressed = suppressedBefore;
  const result = ok ? a : null;
  L.mod.constCache.set(name, result);
  return result;
}

function lowerPrefix(L: Lowerer, e: ts.PrefixUnaryExpression): Atom {
  switch (e.operator) {
    case K.MinusToken: {
      const a = lowerExpr(L, e.operand);
      if (!L.isWeak(a)) return negate(L, a);
      return L.b.neg(a.type.dtype === "bool" ? L.toF64(a) : a);
    }
    case K.PlusToken: {
      const a = lowerExpr(L, e.operand);
      return L.isWeak(a) ? L.toF64(a) : numericOf(L, a);
    }
    case K.ExclamationToken:
      return L.not(L.toBool(lowerExpr(L, e.operand)));
    case K.PlusPlusToken:
    case K.MinusMinusToken:
      return lowerUpdate(L, e, true);
    case K.TildeToken:
      return L.report(e, "operator", "~", BITWISE_HINT);
    default:
      return L.report(e, "unsupportedSyntax", `prefix operator \`${L.text(e)}\``, "use arithmetic");
  }
}

/** `x++`, `--x`: assigns x ± 1; the expression's value is the old (postfix) or new (prefix) value. */
function lowerUpdate(L: Lowerer, e: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression, prefix: boolean): Atom {
  const op = e.operator === K.PlusPlusToken ? "+" : "-";
  if (ts.isElementAccessExpression(stripParens(e.operand))) {
    const old = lowerExpr(L, e.operand);
    const next = assignElement(L, stripParens(e.operand) as ts.ElementAccessExpression, arith(L, op, old, lit(1)));
    return prefix ? next : old;
  }
  const b = assignable(L, e.operand);
  if (!b) return lit(NaN);
  const old = expectAtom(L, e.operand, L.get(b.key));
  const next = expectAtom(L, e.operand, L.assign(b, arith(L, op, old, lit(1))));
  return prefix ? next : old;
}

/** Resolves an assignment target to a mutable local binding, reporting why not otherwise. */
function assignable(L: Lowerer, target: ts.Expression): Binding | null {
  const t = stripParens(target);
  if (ts.isIdentifier(t)) {
    const b = L.scope.lookup(t.text);
    if (b && isMutable(b)) return b;
    if (b) L.report(t, "assignConst", t.text);
    else if (L.mod.mutables.has(t.text)) L.report(t, "moduleMutation", t.text);
    else if (L.mod.isModuleValue(t.text) || L.mod.functions.has(t.text)) L.report(t, "assignConst", t.text);
    else if (L.mod.mode === "function") L.report(t, "freeVariable", t.text);
    else L.report(t, "unknownIdentifier", t.text);
    return null;
  }
  if (ts.isPropertyAccessExpression(t)) L.report(t, "propertyAccess", L.text(t));
  else L.report(t, "unsupportedSyntax", `assignment target \`${L.text(t)}\``, "assign to a local variable");
  return null;
}

function lowerBinary(L: Lowerer, e: ts.BinaryExpression): Atom {
  const op = e.operatorToken.kind;
  const left = stripParens(e.left);
  if (op === K.EqualsToken) {
    if (ts.isArrayLiteralExpression(left)) return destructuringAssign(L, left, e.right);
    if (ts.isElementAccessExpression(left)) return assignElement(L, left, lowerExpr(L, e.right));
    const value = lowerValue(L, e.right);
    const b = assignable(L, e.left);
    const r = b ? L.assign(b, value) : value;
    return isAtom(r) ? r : lit(NaN);
  }
  if (op >= K.FirstCompoundAssignment && op <= K.LastCompoundAssignment && ts.isElementAccessExpression(left) && ARITH[op]) {
    // a[i] += v: the index is evaluated once (it may be an expression like idx[i])
    const rhs = lowerExpr(L, e.right);
    return assignElement(L, left, (old) => arith(L, ARITH[op]!, old, rhs));
  }
  if (op >= K.FirstCompoundAssignment && op <= K.LastCompoundAssignment) {
    const aop = ARITH[op];
    if (!aop) {
      const text = e.operatorToken.getText(L.mod.sf);
      return L.report(e.operatorToken, "operator", text, op === K.AmpersandAmpersandEqualsToken || op === K.BarBarEqualsToken || op === K.QuestionQuestionEqualsToken ? "write the assignment inside an `if`" : BITWISE_HINT);
    }
    const b = assignable(L, e.left);
    const rhs = lowerExpr(L, e.right);
    if (!b) return rhs;
    return expectAtom(L, e, L.assign(b, arith(L, aop, expectAtom(L, e.left, L.get(b.key)), rhs)));
  }
  const aop = ARITH[op];
  if (aop) return arith(L, aop, lowerExpr(L, e.left), lowerExpr(L, e.right));
  const cmp = COMPARE[op];
  if (cmp) return compare(L, cmp, lowerExpr(L, e.left), lowerExpr(L, e.right));
  if (op === K.AmpersandAmpersandToken || op === K.BarBarToken) {
    const a = lowerExpr(L, e.left);
    const c = lowerExpr(L, e.right);
    const sym = op === K.AmpersandAmpersandToken ? "&&" : "||";
    if (a.type.dtype !== "bool" || c.type.dtype !== "bool") return L.report(e.operatorToken, "numberLogic", sym);
    return sym === "&&" ? L.and(a, c) : L.or(a, c);
  }
  const text = e.operatorToken.getText(L.mod.sf);
  switch (op) {
    case K.AmpersandToken:
    case K.BarToken:
    case K.CaretToken:
    case K.LessThanLessThanToken:
    case K.GreaterThanGreaterThanToken:
    case K.GreaterThanGreaterThanGreaterThanToken:
      return L.report(e.operatorToken, "operator", text, BITWISE_HINT);
    case K.InKeyword:
    case K.InstanceOfKeyword:
      return L.report(e.operatorToken, "operator", text, "there are no objects here; pass numbers");
    case K.QuestionQuestionToken:
      return L.report(e.operatorToken, "operator", text, "values are never null here; use the left operand");
    case K.CommaToken:
      return L.report(e.operatorToken, "operator", ",", "write the expressions as separate statements");
    default:
      return L.report(e.operatorToken, "operator", text, "rewrite it with arithmetic");
  }
}

/** `[a, b] = f(x)` */
function destructuringAssign(L: Lowerer, left: ts.ArrayLiteralExpression, right: ts.Expression): Atom {
  const vals = lowerMulti(L, right);
  if (vals.length !== left.elements.length) L.report(right, "tupleArity", "the right-hand side", vals.length, left.elements.length);
  left.elements.forEach((el, k) => {
    if (ts.isOmittedExpression(el)) return;
    const b = assignable(L, el);
    if (b) L.assign(b, vals[k] ?? lit(NaN));
  });
  return lit(NaN, f64);
}

function lowerProperty(L: Lowerer, e: ts.PropertyAccessExpression): Val {
  const obj = stripParens(e.expression);
  if (ts.isIdentifier(obj) && (obj.text === "Math" || obj.text === "np") && !L.scope.lookup(obj.text) && !L.mod.isModuleValue(obj.text)) {
    const ns = obj.text;
    const member = e.name.text;
    const c = (ns === "Math" ? MATH_CONSTS : NP_CONSTS)[member];
    if (c !== undefined && Object.hasOwn(ns === "Math" ? MATH_CONSTS : NP_CONSTS, member)) return lit(c);
    if (Object.hasOwn(ns === "Math" ? MATH_FUNCS : NP_FUNCS, member)) return L.report(e, "unknownMember", `${ns}.${member}`, `it is a function; call it: \`${ns}.${member}(x)\``);
    return L.report(e, "unknownMember", `${ns}.${member}`, memberHint(ns, member));
  }
  return memberValue(L, e, lowerValue(L, e.expression), e.name.text);
}
