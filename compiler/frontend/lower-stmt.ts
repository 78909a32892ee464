// Statements. Straight-line code updates the environment; `if` joins it;
// loops live in control.ts. After a statement that may have returned /
// broken / continued, the rest of the block is guarded by the flags (and
// when one arm of an `if` always leaves, the rest is lowered into the other
// arm instead, which needs no flag at all).

import { ts } from "ts-morph";
import { isLit } from "../ir/builder.js";
import { type Type, bool, f64, i32, lit } from "../ir/syntax.js";
import { mayFallThrough, stripParens } from "./analysis.js";
import { lowerBreak, lowerContinue, lowerDo, lowerFor, lowerReturn, lowerWhile } from "./control.js";
import { lowerForOf } from "./unroll.js";
import { indexWith, memberValue } from "./lower-array.js";
import { lowerExpr, lowerValue } from "./lower-expr.js";
import { storedTransform } from "./transforms.js";
import type { Lowerer } from "./lowerer.js";
import type { BindingKind } from "./scope.js";
import { type Val, isAtom } from "./value.js";

const K = ts.SyntaxKind;

export function lowerStmtList(L: Lowerer, stmts: readonly ts.Statement[], start = 0): void {
  for (let k = start; k < stmts.length; k++) {
    const s = stmts[k];
    const rest = () => lowerStmtList(L, stmts, k + 1);
    const hasRest = k + 1 < stmts.length;
    if (hasRest && ts.isIfStatement(s)) {
      const thenLeaves = !mayFallThrough(s.thenStatement);
      const elseLeaves = s.elseStatement !== undefined && !mayFallThrough(s.elseStatement);
      if (thenLeaves !== elseLeaves) return lowerIf(L, s, thenLeaves ? "else" : "then", rest);
    }
    lowerStmt(L, s);
    if (!hasRest) return;
    const exit = L.pendingExit();
    if (isLit(exit, 0)) continue;
    return L.guarded(rest);
  }
}

export function lowerScoped(L: Lowerer, s: ts.Statement): void {
  L.withScope(() => lowerStmt(L, s));
}

/** `restIn`: the arm that falls through, into which the rest of the enclosing block is lowered. */
function lowerIf(L: Lowerer, s: ts.IfStatement, restIn?: "then" | "else", rest?: () => void): void {
  L.at = s; // where a bad condition is reported (this path bypasses lowerStmt)
  const cond = L.toBool(lowerExpr(L, s.expression));
  const after = (arm: "then" | "else") => {
    if (restIn === arm && rest) L.guarded(rest);
  };
  L.branch(
    cond,
    () => {
      lowerScoped(L, s.thenStatement);
      after("then");
      return [];
    },
    () => {
      if (s.elseStatement) lowerScoped(L, s.elseStatement);
      after("else");
      return [];
    },
  );
}

export function lowerStmt(L: Lowerer, s: ts.Statement): void {
  const savedAt = L.at;
  L.at = s;
  try {
    lowerStmtInner(L, s);
  } finally {
    L.at = savedAt;
  }
}

function lowerStmtInner(L: Lowerer, s: ts.Statement): void {
  switch (s.kind) {
    case K.VariableStatement:
      return lowerDeclarations(L, (s as ts.VariableStatement).declarationList);
    case K.ExpressionStatement: {
      const e = (s as ts.ExpressionStatement).expression;
      lowerValue(L, e); // any value may be discarded (a tuple-returning call, xs.push(v))
      return;
    }
    case K.Block:
      return L.withScope(() => lowerStmtList(L, (s as ts.Block).statements));
    case K.IfStatement:
      return lowerIf(L, s as ts.IfStatement);
    case K.ReturnStatement:
      return lowerReturn(L, s as ts.ReturnStatement);
    case K.ForStatement:
      return lowerFor(L, s as ts.ForStatement);
    case K.WhileStatement:
      return lowerWhile(L, s as ts.WhileStatement);
    case K.DoStatement:
      return lowerDo(L, s as ts.DoStatement);
    case K.BreakStatement:
      return lowerBreak(L, s as ts.BreakStatement);
    case K.ContinueStatement:
      return lowerContinue(L, s as ts.ContinueStatement);
    case K.EmptyStatement:
    case K.TypeAliasDeclaration:
    case K.InterfaceDeclaration:
      return; // no runtime effect
    case K.SwitchStatement:
      L.report(s, "switchStmt");
      return;
    case K.TryStatement:
      L.report(s, "exceptions", "`try`/`catch`");
      return;
    case K.ThrowStatement:
      L.report(s, "exceptions", "`throw`");
      return;
    case K.LabeledStatement:
      L.report(s, "labels");
      return lowerStmt(L, (s as ts.LabeledStatement).statement);
    case K.FunctionDeclaration:
      L.report(s, "nestedFunction", `\`${(s as ts.FunctionDeclaration).name?.text ?? "function"}\``);
      return;
    case K.ClassDeclaration:
      L.report(s, "classes", "classes are");
      return;
    case K.ForOfStatement:
      return lowerForOf(L, s as ts.ForOfStatement);
    case K.ForInStatement:
      L.report(s, "unsupportedSyntax", "`for (... in ...)`", "use `for (const x of xs)` or a counted loop `for (let i = 0; i < n; i++)`");
      return;
    default:
      L.report(s, "unsupportedSyntax", `${K[s.kind]} \`${L.text(s)}\``, "rewrite it with let/const, if, for, while and return");
  }
}

export function lowerDeclarations(L: Lowerer, list: ts.VariableDeclarationList): void {
  const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
  const isLet = (list.flags & ts.NodeFlags.Let) !== 0;
  if (!isConst && !isLet) {
    if (list.flags & (ts.NodeFlags.Using | ts.NodeFlags.AwaitUsing)) L.report(list, "unsupportedSyntax", "`using` declarations", "use `const`");
    else L.report(list, "varDecl");
  }
  for (const d of list.declarations) {
    const init = d.initializer && stripParens(d.initializer);
    if (ts.isIdentifier(d.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
      const fnVal = L.closure(init);
      if (fnVal) {
        L.declare(d.name.text, "const", fnVal, null);
        continue;
      }
      L.report(init, "nestedFunction", `\`${d.name.text}\``);
      L.failedKeys.add(L.declare(d.name.text, "const", lit(NaN), null).key); // calls to it are not reported again
      continue;
    }
    // `const g = grad(f)`: a function value, applied where it is called
    const stored = ts.isIdentifier(d.name) && init ? storedTransform(L, init) : null;
    const storedVal = stored && L.closure(stored);
    if (storedVal && ts.isIdentifier(d.name)) {
      L.declare(d.name.text, "const", storedVal, null);
      continue;
    }
    const value = d.initializer ? lowerValue(L, d.initializer) : lit(NaN); // `let x;` is undefined, i.e. NaN in arithmetic
    if (ts.isIdentifier(d.name)) declareOne(L, d.name.text, isConst, value, d.type);
    else bindPattern(L, d.name, value, isConst ? "const" : "let", d.initializer ?? d);
  }
}

/** Binds a destructuring pattern: `[a, b]` takes list items (or rows of an array), `{ W, b }` takes object entries. */
export function bindPattern(L: Lowerer, name: ts.BindingName, value: Val, kind: BindingKind, at: ts.Node = name): void {
  if (ts.isIdentifier(name)) {
    if (kind === "let") declareOne(L, name.text, false, value, undefined);
    else L.declare(name.text, kind, value, kind === "param" && isAtom(value) && value.type.rank === 0 && L.isWeak(value) ? f64 : null);
    return;
  }
  if (ts.isArrayBindingPattern(name)) {
    if (value.kind === "list" && value.items.length < name.elements.filter((el) => !ts.isOmittedExpression(el)).length)
      L.report(at, "tupleArity", "the initializer", value.items.length, name.elements.length);
    name.elements.forEach((el, k) => {
      if (ts.isOmittedExpression(el)) return;
      if (el.dotDotDotToken) {
        if (value.kind === "list") bindPattern(L, el.name, { kind: "list", items: value.items.slice(k) }, kind, el);
        else L.report(el, "unsupportedSyntax", "rest element of a non-list", "destructure lists only");
        return;
      }
      let item: Val;
      if (value.kind === "list") item = value.items[k] ?? lit(NaN);
      else if (isAtom(value) && value.type.rank > 0) item = indexWith(L, el, el, value, lit(k, i32));
      else {
        L.report(at, "tupleArity", "the initializer", 1, name.elements.length);
        item = lit(NaN);
      }
      if (el.initializer && item.kind === "undef") item = lowerValue(L, el.initializer);
      bindPattern(L, el.name, item, kind, el);
    });
    return;
  }
  for (const el of name.elements) {
    if (el.dotDotDotToken) {
      L.report(el, "unsupportedSyntax", "rest properties `...rest`", "name the entries you need");
      continue;
    }
    const key = el.propertyName ? (ts.isIdentifier(el.propertyName) || ts.isStringLiteral(el.propertyName) ? el.propertyName.text : null) : ts.isIdentifier(el.name) ? el.name.text : null;
    if (key === null) {
      L.report(el, "unsupportedSyntax", "computed keys in a pattern", "use plain names");
      continue;
    }
    bindPattern(L, el.name, memberValue(L, el, value, key), kind, el);
  }
}

function declareOne(L: Lowerer, name: string, isConst: boolean, value: Val, annotation: ts.TypeNode | undefined): void {
  if (isConst || !isAtom(value)) {
    L.declare(name, isConst ? "const" : "let", value, null);
    return;
  }
  // Arrays and strong scalars keep their type; a JS-number `let` keeps one type for all assignments: bool if it
  // starts as (or is annotated) boolean, else f64.
  if (value.type.rank > 0 || !L.isWeak(value)) {
    L.declare(name, "let", value, value.type);
    return;
  }
  const type: Type = annotation?.kind === K.BooleanKeyword || (!annotation && value.type.dtype === "bool") ? bool : f64;
  L.declare(name, "let", value, type);
}
