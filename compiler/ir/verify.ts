// Checks that a function is well formed: every variable is defined once and
// before use, and every statement is well typed. Run after every pass in tests.

import { resultType } from "./prims.js";
import type { Atom, Block, Func, Stmt, Type, Var } from "./syntax.js";
import { sameType, typeToString } from "./syntax.js";

export class VerifyError extends Error {}

export function verifyFunc(f: Func): void {
  const defined = new Set<string>();
  const scope = new Map<string, Type>();
  const define = (x: Var, where: string) => {
    if (defined.has(x.name)) throw new VerifyError(`${f.name}: ${x.name} defined twice (${where})`);
    defined.add(x.name);
    scope.set(x.name, x.type);
  };
  const use = (a: Atom, where: string) => {
    if (a.kind === "lit") {
      if (a.type.rank !== 0) throw new VerifyError(`${f.name}: array literal in ${where}`);
      return;
    }
    const t = scope.get(a.name);
    if (!t) throw new VerifyError(`${f.name}: ${a.name} used before definition (${where})`);
    if (!sameType(t, a.type)) throw new VerifyError(`${f.name}: ${a.name} used as ${typeToString(a.type)} but is ${typeToString(t)}`);
  };
  const expectTypes = (got: Atom[], want: Type[], where: string) => {
    if (got.length !== want.length) throw new VerifyError(`${f.name}: ${where} yields ${got.length} values, expected ${want.length}`);
    got.forEach((a, k) => {
      if (!sameType(a.type, want[k])) throw new VerifyError(`${f.name}: ${where} value ${k} is ${typeToString(a.type)}, expected ${typeToString(want[k])}`);
    });
  };
  // Blocks see the enclosing scope; names they define go out of scope after.
  const inBlock = (b: Block, bind: Var[], where: string): Atom[] => {
    const saved = new Map(scope);
    for (const x of bind) define(x, where);
    for (const s of b.stmts) stmt(s);
    for (const r of b.results) use(r, `${where} yield`);
    scope.clear();
    for (const [k, t] of saved) scope.set(k, t);
    return b.results;
  };
  const stmt = (s: Stmt) => {
    const outTypes = s.outs.map((o) => o.type);
    switch (s.kind) {
      case "prim": {
        s.args.forEach((a) => use(a, s.prim));
        if (s.outs.length !== 1) throw new VerifyError(`${f.name}: ${s.prim} must have one result`);
        let t: Type;
        try {
          t = resultType(s.prim, s.args.map((a) => a.type), s.attrs);
        } catch (e) {
          throw new VerifyError(`${f.name}: ${(e as Error).message} (defining ${s.outs[0].name})`);
        }
        expectTypes(s.outs, [t], `${s.prim} result`);
        break;
      }
      case "if":
        use(s.cond, "if");
        if (s.cond.type.dtype !== "bool" || s.cond.type.rank !== 0) throw new VerifyError(`${f.name}: if condition must be bool`);
        expectTypes(inBlock(s.then, [], "then"), outTypes, "then branch");
        expectTypes(inBlock(s.else, [], "else"), outTypes, "else branch");
        break;
      case "for":
        use(s.lo, "for lo");
        use(s.hi, "for hi");
        for (const a of [s.lo, s.hi]) if (a.type.dtype !== "i32" || a.type.rank !== 0) throw new VerifyError(`${f.name}: loop bounds must be i32`);
        if (s.index.type.dtype !== "i32") throw new VerifyError(`${f.name}: loop index must be i32`);
        s.inits.forEach((a) => use(a, "for init"));
        expectTypes(s.inits, s.carried.map((c) => c.type), "for inits");
        expectTypes(inBlock(s.body, [s.index, ...s.carried], "for body"), s.carried.map((c) => c.type), "for body");
        expectTypes(s.outs, s.carried.map((c) => c.type), "for outs");
        break;
      case "while": {
        s.inits.forEach((a) => use(a, "while init"));
        expectTypes(s.inits, s.carried.map((c) => c.type), "while inits");
        // cond and body both bind the same carried variables.
        expectTypes(inBlock(s.cond, s.carried, "while cond"), [{ dtype: "bool", rank: 0 }], "while cond");
        for (const c of s.carried) defined.delete(c.name);
        expectTypes(inBlock(s.body, s.carried, "while body"), s.carried.map((c) => c.type), "while body");
        expectTypes(s.outs, s.carried.map((c) => c.type), "while outs");
        break;
      }
      default:
        throw new VerifyError(`unknown statement ${(s as Stmt).kind}`);
    }
    for (const o of s.outs) define(o, "result");
  };
  inBlock(f.body, f.params, "body");
}
