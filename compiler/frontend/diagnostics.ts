// Every message the front end can emit, in one table with stable codes, so
// users can search for a code and tests can pin the exact text. Each message
// names the construct and says what to write instead.

import { ts } from "ts-morph";

export interface Diagnostic {
  code: string; // "TSG1001"
  file: string;
  line: number; // 1-based: where the range starts
  col: number; // 1-based
  endLine: number; // where the range ends (exclusive); a point when equal to the start
  endCol: number;
  message: string;
}

/** The one-line form: `file:line:col error TSGxxxx: message` (logs, tests, non-terminals). */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col} error ${d.code}: ${d.message}`;
}

/**
 * The terminal form, as tsc and asc print it: the one-line form, then the
 * source line and a caret under the start with tildes under the rest of the
 * range (to the end of the line when the range goes on). `color` adds ANSI red.
 */
export function renderDiagnostic(d: Diagnostic, source: string, o: { color?: boolean } = {}): string {
  const lines = source.split(/\r?\n/);
  const text = lines[d.line - 1];
  if (text === undefined) return formatDiagnostic(d);
  const last = d.endLine > d.line ? text.length + 1 : Math.max(d.endCol, d.col + 1);
  const marks = "^" + "~".repeat(Math.max(0, Math.min(last, text.length + 1) - d.col - 1));
  const gutter = String(d.line);
  const pad = " ".repeat(gutter.length);
  const red = (s: string) => (o.color ? `\x1b[31m${s}\x1b[0m` : s);
  return `${formatDiagnostic(d)}\n ${gutter} | ${text}\n ${pad} | ${" ".repeat(d.col - 1)}${red(marks)}`;
}

/** Thrown by compileFunctionSource (and available to callers) with every diagnostic attached. */
export class TsgradError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join("\n"));
    this.name = "TsgradError";
  }
}

const q = (s: string) => `\`${s}\``;

// Codes are stable and each message has its own: never renumber or reuse one;
// a new message takes the next unused code (now TSG1043).
export const MESSAGES = {
  syntaxError: { code: "TSG1000", text: (msg: string) => `syntax error: ${msg}` },
  stringValue: { code: "TSG1001", text: () => "string values are not supported in compiled functions; use numbers (encode choices as numeric flags)" },
  classes: { code: "TSG1002", text: (what: string) => `${what} not supported; use plain functions over numbers` },
  nestedFunction: {
    code: "TSG1003",
    text: (what: string) => `nested function ${what} is not supported; write it as an arrow function (${q("const h = (z) => ...")}) or move it to module level`,
  },
  moduleMutation: {
    code: "TSG1038",
    text: (name: string) => `assignment to module-level variable ${q(name)} (mutable outer state) is not supported; return the new value from the function instead`,
  },
  recursion: { code: "TSG1004", text: (chain: string) => `recursive call (${chain}) cannot be inlined; rewrite the recursion as a loop` },
  exceptions: { code: "TSG1005", text: (what: string) => `${what} is not supported (exceptions); return NaN or a flag value instead` },
  asyncCode: { code: "TSG1006", text: (what: string) => `${what} is not supported; compiled functions must be synchronous` },
  generators: { code: "TSG1007", text: (what: string) => `${what} is not supported; accumulate the values in a loop instead` },
  propertyAccess: {
    code: "TSG1008",
    text: (expr: string) => `property access ${q(expr)} is not supported; only ${q("Math.*")} and ${q("np.*")} members and entries of parameters and locals (${q("params.W")}, ${q("x.shape")}) can be read`,
  },
  elementAccess: {
    code: "TSG1039",
    text: (expr: string) => `element access ${q(expr)} is not supported yet; pass the elements as separate number parameters`,
  },
  unknownFunction: {
    code: "TSG1009",
    text: (name: string) =>
      `call to unknown function ${q(name)}; only functions declared at the top level of this module, ${q("Math.*")}, ${q("np.*")} and ${q("stopGradient")} can be called`,
  },
  unknownMember: { code: "TSG1010", text: (expr: string, hint: string) => `${q(expr)} is not supported; ${hint}` },
  freeVariable: {
    code: "TSG1011",
    text: (name: string) =>
      `free variable ${q(name)} cannot be resolved from the function's text alone; use \`tsgrad run\` or the build step so module-level values can be captured`,
  },
  nonNumberParam: {
    code: "TSG1012",
    text: (name: string, type: string) => `parameter ${q(name)} has type ${q(type)}, which cannot hold numbers; pass numbers, arrays, or lists/objects of them`,
  },
  returnArity: {
    code: "TSG1013",
    text: (got: number, want: number) =>
      `this return yields ${got} value(s) but the function's first return yields ${want}; every return must yield the same number of values`,
  },
  missingReturn: {
    code: "TSG1040",
    text: (name: string) => `function ${q(name)} can reach its end without returning a value; add a final ${q("return")}`,
  },
  noReturnValue: { code: "TSG1041", text: () => `${q("return")} without a value; return a number or a tuple ${q("[a, b]")}` },
  noReturns: { code: "TSG1042", text: (name: string) => `function ${q(name)} never returns a value; return a number or a tuple ${q("[a, b]")}` },
  operator: { code: "TSG1014", text: (op: string, instead: string) => `operator ${q(op)} is not supported; ${instead}` },
  varDecl: { code: "TSG1015", text: () => `${q("var")} declarations are not supported; use ${q("let")} or ${q("const")}` },
  switchStmt: { code: "TSG1016", text: () => `${q("switch")} statements are not supported; use ${q("if")} / ${q("else if")}` },
  literalValue: {
    code: "TSG1017",
    text: (what: string) => `${what} are not supported as values; only a returned tuple ${q("return [a, b]")} or a destructured call ${q("const [a, b] = f(x)")} may use an array literal`,
  },
  labels: { code: "TSG1018", text: () => `labelled statements and labelled ${q("break")}/${q("continue")} are not supported; use a flag variable to leave outer loops` },
  unsupportedSyntax: {
    code: "TSG1019",
    text: (what: string, instead: string) => `unsupported syntax ${what}; ${instead}`,
  },
  argCount: { code: "TSG1020", text: (name: string, want: number, got: number) => `${q(name)} expects ${want} argument(s), got ${got}; pass exactly ${want}` },
  unknownIdentifier: {
    code: "TSG1021",
    text: (name: string) => `unknown identifier ${q(name)}; declare it as a parameter, a local, or a module-level ${q("const")}`,
  },
  assignConst: { code: "TSG1022", text: (name: string) => `cannot assign to ${q(name)}; declare it with ${q("let")} to reassign it` },
  paramForm: { code: "TSG1023", text: (what: string) => `${what} are not supported; use plain ${q("name: number")} parameters` },
  tupleArity: {
    code: "TSG1024",
    text: (what: string, got: number, want: number) => `${what} yields ${got} value(s) where ${want} ${want === 1 ? "is" : "are"} expected; destructure tuples with ${q("const [a, b] = f(x)")}`,
  },
  numberLogic: {
    code: "TSG1025",
    text: (op: string) => `${q(op)} on numbers returns one of its operands; compare explicitly (${q(`x !== 0 ${op} y !== 0`)}) or use a ternary`,
  },
  condSideEffect: { code: "TSG1026", text: () => `assignment inside a loop condition is not supported; move the update into the loop body` },
  jumpOutsideLoop: { code: "TSG1027", text: (kw: string) => `${q(kw)} outside of a loop; remove it or restructure with ${q("if")}` },
  rankChange: {
    code: "TSG1028",
    text: (name: string, a: number, b: number) =>
      `${q(name)} is rank ${a} on one path and rank ${b} on another (a branch or a loop iteration); give it its final shape up front (e.g. ${q("np.zeros(...)")})`,
  },
  structureChange: {
    code: "TSG1029",
    text: (name: string, a: string, b: string) =>
      `${q(name)} holds ${a} on one path and ${b} on another (a branch or a loop iteration); keep one pytree structure (push onto lists only in loops with constant bounds, or once per iteration)`,
  },
  rankError: { code: "TSG1030", text: (what: string, detail: string) => `${q(what)} ${detail}` },
  axisRange: { code: "TSG1031", text: (axis: number, rank: number) => `axis ${axis} is out of range for an array of rank ${rank}; use an axis in [${-Math.max(rank, 1)}, ${Math.max(rank, 1) - 1}]` },
  memberOf: { code: "TSG1032", text: (expr: string, what: string, hint: string) => `${q(expr)} is not available on ${what}; ${hint}` },
  pytreeKey: { code: "TSG1033", text: (key: string, what: string) => `no entry ${q(key)} in ${what}; check the key or index against the value passed in` },
  notAValue: { code: "TSG1034", text: (what: string, instead: string) => `${what} cannot be used here; ${instead}` },
  staticValue: { code: "TSG1035", text: (what: string) => `${what} must be known at compile time (a literal or a shape); pass a constant` },
  transformForm: { code: "TSG1036", text: (what: string) => `unsupported use of ${what}; write ${q("grad(f)(x)")} / ${q("grad(f, 1)(x, y)")} with ${q("f")} a module-level function or an arrow function` },
  internalError: { code: "TSG1037", text: (msg: string) => `internal error while compiling this function (${msg}); please report it with the source` },
} as const;

export type MessageKey = keyof typeof MESSAGES;
type Args<K extends MessageKey> = Parameters<(typeof MESSAGES)[K]["text"]>;

/** Collects diagnostics for one compilation; a node's range runs from its start (after trivia) to its end. */
export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  muted = false; // constant folding probes lower code speculatively and must not report

  constructor(
    readonly sf: ts.SourceFile,
    readonly file: string,
    private readonly firstLineShift = 0, // compileFunctionSource wraps the text in "(": undo it
  ) {}

  report<K extends MessageKey>(node: ts.Node, key: K, ...args: Args<K>): void {
    this.reportRange(node.getStart(this.sf), node.getEnd(), key, ...args);
  }

  /** At a point (a zero-length range). */
  reportAt<K extends MessageKey>(pos: number, key: K, ...args: Args<K>): void {
    this.reportRange(pos, pos, key, ...args);
  }

  reportRange<K extends MessageKey>(start: number, end: number, key: K, ...args: Args<K>): void {
    if (this.muted) {
      this.suppressed++;
      return;
    }
    const entry = MESSAGES[key];
    const text = (entry.text as (...a: unknown[]) => string)(...args);
    const [line, col] = this.lineCol(start);
    const [endLine, endCol] = this.lineCol(Math.max(start, end));
    this.list.push({ code: entry.code, file: this.file, line, col, endLine, endCol, message: text });
  }

  private lineCol(pos: number): [number, number] {
    const lc = this.sf.getLineAndCharacterOfPosition(pos);
    const col = lc.line === 0 ? Math.max(1, lc.character + 1 - this.firstLineShift) : lc.character + 1;
    return [lc.line + 1, col];
  }

  suppressed = 0;

  get count(): number {
    return this.list.length + this.suppressed;
  }
}

/** Sorts by position (source order) and drops duplicates (an inlined callee's errors repeat per call site). */
export function normalizeDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of ds) {
    const key = formatDiagnostic(d);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
