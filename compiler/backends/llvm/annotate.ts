// What llvm-bindings cannot say: parameter attributes, malloc-like return
// values and fast-math flags. The emitter names the values concerned (`%in`,
// `%buf.0`, `%red…`), and `annotate` patches the printed module before it goes
// to `opt` (a textual .ll is as good as bitcode to opt/llc 14).
//
// Why these attributes are sound:
//  - `%in` and the buffer params are only read: ../ownership.ts never owns a
//    param, so every arr_set on one writes a copy. load.ts copies an input that
//    shares memory with the kernel's own `in`/`out` views, and otherwise JS
//    typed arrays cannot overlap koffi's allocations, hence `noalias`.
//    Two params may be the same typed array: noalias only constrains writes.
//  - Nothing keeps a pointer after the call returns (`nocapture`).
//  - tsg_alloc / tsg_clone return fresh blocks (`noalias` return, like malloc),
//    so loops writing arena arrays need no runtime overlap checks.
//
// Reductions: a float loop `s = s + x` only vectorizes when the add may be
// reassociated, which changes rounding. tsgrad's backends agree bit for bit
// with the interpreter (JS semantics), and reassociation would also make the
// result depend on the machine's vector width (-mcpu=native), so the `reassoc`
// flag is OFF by default and opt-in per compile (NativeOptions.reassociate).
// XLA reassociates reductions unconditionally; we prefer reproducibility.

import type { Block, Func, PrimStmt, Stmt } from "../../ir/syntax.js";

/** Name prefix of the fadd instructions `annotate` may mark `reassoc`. */
export const REDUCTION_NAME = "tsg.red";

export interface AnnotateOptions {
  readonly reassociate?: boolean;
}

const argAttrs: Record<string, string> = {
  in: "noalias nocapture readonly",
  out: "noalias nocapture",
  outs: "noalias nocapture",
};

export function annotate(ir: string, o: AnnotateOptions = {}): string {
  let s = ir.replace(/^define i32 @tsgk_.*$/gm, (line) =>
    line.replace(/(\S+\*) %(in|out|outs|buf\.\d+)([,)])/g, (_, ty: string, name: string, end: string) => {
      const attrs = argAttrs[name] ?? "noalias nocapture readonly";
      return `${ty} ${attrs} %${name}${end}`;
    }),
  );
  s = s.replace(/^declare i8\* @(tsg_alloc|tsg_clone)\(/gm, "declare noalias i8* @$1(");
  if (o.reassociate) s = s.replace(/(%tsg\.red[\w.]* = fadd) /g, "$1 reassoc ");
  return s;
}

/**
 * The `for` loop adds `c' = c + x` (or x + c) on a carried float scalar c used
 * nowhere else in the body: exactly the recurrences LLVM's vectorizer treats
 * as reductions.
 */
export function reductionAdds(f: Func): Set<PrimStmt> {
  const found = new Set<PrimStmt>();
  const visit = (b: Block) => {
    for (const s of b.stmts) {
      if (s.kind === "if") [s.then, s.else].forEach(visit);
      if (s.kind === "while") [s.cond, s.body].forEach(visit);
      if (s.kind !== "for") continue;
      visit(s.body);
      s.carried.forEach((c, k) => {
        if (c.type.rank > 0 || (c.type.dtype !== "f64" && c.type.dtype !== "f32")) return;
        const r = s.body.results[k];
        if (r.kind !== "var") return;
        const def = s.body.stmts.find((st): st is PrimStmt => st.kind === "prim" && st.outs[0].name === r.name);
        if (def?.prim !== "add" || !def.args.some((a) => a.kind === "var" && a.name === c.name)) return;
        if (uses(s.body, c.name) === 1) found.add(def);
      });
    }
  };
  visit(f.body);
  return found;
}

/** How many times `name` is read in `b` (statements, nested blocks, yields). */
function uses(b: Block, name: string): number {
  const atoms = (s: Stmt) =>
    s.kind === "prim" ? s.args : s.kind === "if" ? [s.cond] : s.kind === "for" ? [s.lo, s.hi, ...s.inits] : s.inits;
  let n = b.results.filter((a) => a.kind === "var" && a.name === name).length;
  for (const s of b.stmts) {
    n += atoms(s).filter((a) => a.kind === "var" && a.name === name).length;
    if (s.kind === "if") n += uses(s.then, name) + uses(s.else, name);
    if (s.kind === "for") n += uses(s.body, name);
    if (s.kind === "while") n += uses(s.cond, name) + uses(s.body, name);
  }
  return n;
}
