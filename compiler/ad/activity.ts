// Activity analysis: which variables carry derivative information, i.e.
// depend differentiably on an active input. Forward mode gives exactly these
// variables a tangent, reverse mode an adjoint; everything else is copied.

import { isFloat } from "../ir/syntax.js";
import type { Atom, Block, Func, Stmt } from "../ir/syntax.js";
import { rules } from "./rules.js";

export function activeVars(f: Func, activeParams: ReadonlySet<string>): Set<string> {
  const active = new Set<string>();
  for (const p of f.params) if (activeParams.has(p.name) && isFloat(p.type)) active.add(p.name);
  const is = (a: Atom) => a.kind === "var" && active.has(a.name);

  const stmt = (s: Stmt): boolean => {
    let changed = false;
    const mark = (name: string) => {
      if (!active.has(name)) {
        active.add(name);
        changed = true;
      }
    };
    switch (s.kind) {
      case "prim": {
        const out = s.outs[0];
        const rule = rules[s.prim];
        if (rule.kind === "zero" || !isFloat(out.type)) break;
        const args = s.prim === "select" ? s.args.slice(1) : s.prim === "arr_set" ? [s.args[0], s.args[2]] : s.prim === "arr_get" ? [s.args[0]] : s.args;
        if (args.some(is)) mark(out.name);
        break;
      }
      case "if":
        changed = block(s.then) || changed;
        changed = block(s.else) || changed;
        s.outs.forEach((o, k) => {
          if (isFloat(o.type) && (is(s.then.results[k]) || is(s.else.results[k]))) mark(o.name);
        });
        break;
      case "for":
      case "while": {
        // iterate to a fixpoint: a carried value becomes active when its init
        // or its next value is active
        for (let again = true; again; ) {
          again = false;
          s.carried.forEach((cv, k) => {
            if (isFloat(cv.type) && !active.has(cv.name) && (is(s.inits[k]) || is(s.body.results[k]))) {
              active.add(cv.name);
              again = true;
            }
          });
          if (block(s.body)) again = true;
          if (s.kind === "while") block(s.cond);
          if (again) changed = true;
        }
        s.outs.forEach((o, k) => {
          if (active.has(s.carried[k].name)) mark(o.name);
        });
        break;
      }
      default:
        throw new Error(`unknown statement ${(s as Stmt).kind}`);
    }
    return changed;
  };
  const block = (b: Block): boolean => {
    let changed = false;
    for (const s of b.stmts) changed = stmt(s) || changed;
    return changed;
  };
  block(f.body);
  return active;
}
