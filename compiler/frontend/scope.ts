// Lexical scopes of TypeScript names. A name resolves to a Binding whose
// `key` indexes the lowering environment (key → current SSA Atom); keys are
// unique per declaration, so shadowing and inlined callees never collide.

export type BindingKind = "const" | "let" | "param" | "counter";

export interface Binding {
  readonly key: string;
  readonly name: string;
  readonly kind: BindingKind;
}

export class Scope {
  readonly vars = new Map<string, Binding>();

  constructor(readonly parent: Scope | null) {}

  lookup(name: string): Binding | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const b = s.vars.get(name);
      if (b) return b;
    }
    return undefined;
  }
}

export const isMutable = (b: Binding) => b.kind === "let" || b.kind === "param";
