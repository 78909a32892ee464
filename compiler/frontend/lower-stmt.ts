// Statements. Straight-line code updates the environment; `if` joins it;
// loops live in control.ts. After a statement that may have returned /
// broken / continued, the rest of the block is guarded by the flags (and
// when one arm of an `if` always leaves, the rest is lowered into the other
// arm instead, which needs no flag at all).

import { ts } from "ts-morph";
import { isLit } from "../ir/builder.js";
import { type Atom, type Type, bool, f64, lit } from "../ir/syntax.js";
import { mayFallThrough, stripParens } from "./analysis.js";
import { lowerBreak, lowerContinue, lowerDo, lowerFor, lowerReturn, lowerWhile } from "./control.js";
import { lowerExpr, lowerMulti } from "./lower-expr.js";
import type { Lowerer } from "./lowerer.js";

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
  switch (s.kind) {
    case K.VariableStatement:
      return lowerDeclarations(L, (s as ts.VariableStatement).declarationList);
    case K.ExpressionStatement: {
      const e = (s as ts.ExpressionStatement).expression;
      if (ts.isCallExpression(e)) lowerMulti(L, e); // a tuple-returning call may be discarded
      else lowerExpr(L, e);
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
    case K.ForInStatement:
      L.report(s, "unsupportedSyntax", `\`for (... ${s.kind === K.ForOfStatement ? "of" : "in"} ...)\``, "use a counted loop `for (let i = 0; i < n; i++)`");
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
    if (ts.isArrayBindingPattern(d.name)) {
      const vals = d.initializer ? lowerMulti(L, d.initializer) : [];
      if (vals.length !== d.name.elements.length) L.report(d.initializer ?? d, "tupleArity", "the initializer", vals.length, d.name.elements.length);
      d.name.elements.forEach((el, k) => {
        if (ts.isOmittedExpression(el)) return;
        if (!ts.isIdentifier(el.name) || el.dotDotDotToken || el.initializer) {
          L.report(el, "unsupportedSyntax", "nested, rest or defaulted destructuring", "destructure one level: `const [a, b] = f(x)`");
          return;
        }
        declareOne(L, el.name.text, isConst, vals[k] ?? lit(NaN), undefined);
      });
      continue;
    }
    if (!ts.isIdentifier(d.name)) {
      L.report(d.name, "literalValue", "objects (destructuring `{...}`)");
      continue;
    }
    const init = d.initializer && stripParens(d.initializer);
    if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
      L.report(init, "nestedFunction", `\`${d.name.text}\``);
      L.failedKeys.add(L.declare(d.name.text, "const", lit(NaN), null).key); // calls to it are not reported again
      continue;
    }
    const value = d.initializer ? lowerExpr(L, d.initializer) : lit(NaN); // `let x;` is undefined, i.e. NaN in arithmetic
    declareOne(L, d.name.text, isConst, value, d.type);
  }
}

function declareOne(L: Lowerer, name: string, isConst: boolean, value: Atom, annotation: ts.TypeNode | undefined): void {
  if (isConst) {
    L.declare(name, "const", value, null);
    return;
  }
  // A `let` keeps one type for all assignments: bool if it starts as (or is annotated) boolean, else f64.
  const type: Type = annotation?.kind === K.BooleanKeyword || (!annotation && value.type.dtype === "bool") ? bool : f64;
  L.declare(name, "let", value, type);
}
