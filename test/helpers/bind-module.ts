// What `tsgrad run` does for a fixture module imported directly by a test:
// binds each of its exported functions to the module's source (by name, with
// the module values it may read, found as the build step finds them).
import { readFileSync } from "node:fs";
import { ts } from "ts-morph";
import { Analysis } from "../../compiler/build/captures.js";
import { bind, module } from "../../runtime/internal.js";

export function bindModule(fileName: string, exports: Record<string, unknown>): void {
  const source = readFileSync(fileName, "utf8");
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const an = new Analysis(sf);
  const mod = module(source, fileName, (n) => exports[n]);
  for (const st of sf.statements) {
    const fns: [string, import("../../compiler/build/scopes.js").FunctionLike][] = [];
    if (ts.isFunctionDeclaration(st) && st.name && st.body) fns.push([st.name.text, st]);
    if (ts.isVariableStatement(st))
      for (const d of st.declarationList.declarations)
        if (ts.isIdentifier(d.name) && d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer))) fns.push([d.name.text, d.initializer]);
    for (const [name, fn] of fns) {
      const f = exports[name];
      if (typeof f === "function") bind(f, mod, name, an.freeVars(fn).captures, fn.parameters.map((p, k) => (ts.isIdentifier(p.name) ? p.name.text : `args[${k}]`)));
    }
  }
}
