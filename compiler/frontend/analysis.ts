// Syntactic pre-scans the lowering needs before it emits a construct: which
// names a loop body assigns (its carried state), whether it contains
// break/continue/return (which flags to carry), and whether a statement can
// complete normally (to detect functions that fall off their end).

import { ts } from "ts-morph";

export type FunctionLike = ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression;

export function stripParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e))
    e = e.expression;
  return e;
}

/** Visits `node` and its descendants, not entering nested functions or classes (they are errors anyway). */
function walk(node: ts.Node | undefined, visit: (n: ts.Node) => boolean | void): void {
  if (!node) return;
  const rec = (n: ts.Node): undefined => {
    if (visit(n) === false) return undefined;
    if (n !== node && (ts.isFunctionLike(n) || ts.isClassLike(n))) return undefined;
    n.forEachChild(rec);
    return undefined;
  };
  rec(node);
}

export function isAssignmentOp(k: ts.SyntaxKind): boolean {
  return k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;
}

/** Names assigned anywhere in `nodes` (=, op=, ++, --, destructuring assignment), in order of appearance. */
export function assignedNames(nodes: (ts.Node | undefined)[]): Set<string> {
  const out = new Set<string>();
  const target = (e: ts.Expression): void => {
    e = stripParens(e);
    if (ts.isIdentifier(e)) out.add(e.text);
    else if (ts.isArrayLiteralExpression(e)) e.elements.forEach(target);
    else if (ts.isElementAccessExpression(e)) target(e.expression); // a[i] = v rebinds a
    else if (ts.isObjectLiteralExpression(e)) e.properties.forEach((p) => (ts.isShorthandPropertyAssignment(p) ? out.add(p.name.text) : ts.isPropertyAssignment(p) ? target(p.initializer) : undefined));
  };
  for (const node of nodes)
    walk(node, (n) => {
      if (ts.isBinaryExpression(n) && isAssignmentOp(n.operatorToken.kind)) target(n.left);
      else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken))
        target(n.operand);
      else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === "push") target(n.expression.expression);
    });
  return out;
}

export function identifiersIn(node: ts.Node): Set<string> {
  const out = new Set<string>();
  walk(node, (n) => {
    if (ts.isIdentifier(n)) out.add(n.text);
  });
  return out;
}

const isLoop = (n: ts.Node) => ts.isIterationStatement(n, false);

/** Does `body` contain a break/continue that targets the loop owning `body` (not a nested loop)? */
export function containsJump(body: ts.Node, kind: "break" | "continue"): boolean {
  let found = false;
  walk(body, (n) => {
    if (found) return false;
    if (n !== body && isLoop(n)) return false;
    if (kind === "break" ? ts.isBreakStatement(n) : ts.isContinueStatement(n)) found = true;
  });
  return found;
}

export function containsReturn(node: ts.Node): boolean {
  let found = false;
  walk(node, (n) => {
    if (found) return false;
    if (ts.isReturnStatement(n)) found = true;
  });
  return found;
}

export function returnStatements(fn: FunctionLike): ts.ReturnStatement[] {
  const out: ts.ReturnStatement[] = [];
  walk(fn.body, (n) => {
    if (ts.isReturnStatement(n)) out.push(n);
  });
  return out;
}

const isTrue = (e: ts.Expression | undefined) => e === undefined || stripParens(e).kind === ts.SyntaxKind.TrueKeyword;

/** Can control reach the end of `s` (JS "completes normally")? Conservative: true unless sure. */
export function mayFallThrough(s: ts.Statement): boolean {
  if (ts.isReturnStatement(s) || ts.isThrowStatement(s) || ts.isBreakStatement(s) || ts.isContinueStatement(s)) return false;
  if (ts.isBlock(s)) return s.statements.every(mayFallThrough);
  if (ts.isIfStatement(s)) return !s.elseStatement || mayFallThrough(s.thenStatement) || mayFallThrough(s.elseStatement);
  if (ts.isWhileStatement(s) || ts.isDoStatement(s)) return !isTrue(s.expression) || containsJump(s.statement, "break");
  if (ts.isForStatement(s)) return !isTrue(s.condition) || containsJump(s.statement, "break");
  if (ts.isLabeledStatement(s)) return mayFallThrough(s.statement);
  // Not lowered (already reported): assume they may return, so no second error is piled on.
  if (ts.isSwitchStatement(s) || ts.isTryStatement(s)) return false;
  return true;
}

/** The function (declaration, arrow or function expression) whose text starts at `pos`. */
export function findFunctionAt(sf: ts.SourceFile, pos: number): FunctionLike | undefined {
  let found: FunctionLike | undefined;
  const visit = (n: ts.Node): void => {
    if (found || n.end < pos || n.pos > pos) return;
    if ((ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isFunctionDeclaration(n)) && n.getStart(sf) === pos) {
      found = n;
      return;
    }
    n.forEachChild(visit);
  };
  visit(sf);
  return found;
}
