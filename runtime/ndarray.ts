// A minimal dense n-d array: a typed buffer, a shape and a dtype, printed the
// way JAX prints arrays (numpy's repr rules, wrapped in `Array(..., dtype=...)`).

export type DType = "float32" | "float64" | "int32" | "uint32" | "bool";
export type TypedData = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;

/** Nested number arrays (or a bare number for 0-d arrays). */
export type NestedNumbers = number | boolean | NestedNumbers[];

const BUFFER_FOR: Record<DType, new (n: number) => TypedData> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint32: Uint32Array,
  bool: Uint8Array,
};

export class NDArray {
  constructor(
    public data: TypedData,
    public shape: number[],
    public dtype: DType,
  ) {
    if (!(dtype in BUFFER_FOR)) throw new TypeError(`NDArray: unknown dtype "${dtype}"`);
    for (const d of shape) {
      if (!Number.isSafeInteger(d) || d < 0) {
        throw new TypeError(`NDArray: shape entries must be non-negative integers, got [${shape.join(", ")}]`);
      }
    }
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) {
      throw new RangeError(`NDArray: data has ${data.length} elements but shape [${shape.join(", ")}] needs ${size}`);
    }
    if (!(data instanceof BUFFER_FOR[dtype])) {
      throw new TypeError(`NDArray: dtype ${dtype} needs a ${BUFFER_FOR[dtype].name}, got ${data.constructor.name}`);
    }
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** The size of the first axis, as a JS array's length (jax: len(x)). */
  get length(): number {
    return this.shape.length === 0 ? 0 : this.shape[0];
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Element values as nested arrays; a 0-d array gives a bare number (bool arrays give booleans). */
  toJSON(): NestedNumbers {
    const isBool = this.dtype === "bool";
    const value = (i: number): number | boolean => (isBool ? this.data[i] !== 0 : this.data[i]);
    const build = (axis: number, offset: number): NestedNumbers => {
      if (axis === this.shape.length) return value(offset);
      const stride = this.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      const out: NestedNumbers[] = [];
      for (let i = 0; i < this.shape[axis]; i++) out.push(build(axis + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /** JAX's repr, e.g. `Array([-0.16965583, -0.8774644 ], dtype=float32)`. */
  toString(): string {
    const prefix = "Array(";
    const dtypeStr = `dtype=${this.dtype}`;
    const lineWidth = 75;
    const s =
      this.size === 0
        ? `[], shape=(${this.shape.join(", ")}${this.shape.length === 1 ? "," : ""})`
        : formatArray(this.data, this.shape, this.dtype, prefix, ",", ", ", lineWidth);
    // JAX moves dtype=... further right (not to a new line) when the last line is long.
    const lastLineLen = s.length - s.lastIndexOf("\n") + 1;
    const sep = lastLineLen + dtypeStr.length + 2 > lineWidth ? " ".repeat(prefix.length) : " ";
    return `${prefix}${s},${sep}${dtypeStr})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

// ------------------------------------------------------------ formatting --
// A port of the parts of numpy's arrayprint that JAX's repr uses (default
// print options: precision 8, floatmode "maxprec", threshold 1000, edgeitems
// 3, linewidth 75).

const PRECISION = 8;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;

/** Shortest round-trip digits of |x| (x finite, non-zero): x = d.ddd * 10^exp. */
function shortestDigits(x: number, single: boolean): { digits: string; exp: number } {
  const a = Math.abs(x);
  let s = a.toExponential(); // shortest digits that round-trip in float64
  if (single) {
    // Shortest digits that round-trip through float32.
    for (let p = 0; p < 9; p++) {
      s = a.toExponential(p);
      if (Math.fround(Number(s)) === a) break;
    }
  }
  const [m, e] = s.split("e");
  const digits = m.replace(".", "").replace(/0+$/, "") || "0";
  return { digits, exp: Number(e) };
}

interface Parts {
  int: string; // with sign
  frac: string;
  exp?: string; // scientific only, e.g. "-05"
}

/** numpy's dragon4_positional(x, precision, unique=True, trim='.') split at the point. */
function positionalParts(x: number, single: boolean, precision: number): Parts {
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  if (x === 0) return { int: sign + "0", frac: "" };
  const { digits, exp } = shortestDigits(x, single);
  let int: string;
  let frac: string;
  if (digits.length - 1 - exp > precision) {
    // More digits than allowed: round the exact value at the cutoff.
    [int, frac] = Math.abs(x).toFixed(precision).split(".");
    frac = frac.replace(/0+$/, "");
  } else if (exp >= 0) {
    int = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
    frac = digits.slice(exp + 1);
  } else {
    int = "0";
    frac = "0".repeat(-exp - 1) + digits;
  }
  return { int: sign + int, frac };
}

/** numpy's dragon4_scientific(x, precision, unique=True, trim='.'). */
function scientificParts(x: number, single: boolean, precision: number): Parts {
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  let digits = "0";
  let exp = 0;
  if (x !== 0) {
    ({ digits, exp } = shortestDigits(x, single));
    if (digits.length - 1 > precision) {
      const [m, e] = Math.abs(x).toExponential(precision).split("e");
      digits = m.replace(".", "").replace(/0+$/, "");
      exp = Number(e);
    }
  }
  const expStr = (exp < 0 ? "-" : "+") + String(Math.abs(exp)).padStart(2, "0");
  return { int: sign + digits[0], frac: digits.slice(1), exp: expStr };
}

type Formatter = (x: number) => string;

/** numpy's FloatingFormat with default options, fitted to `values`. */
function floatFormatter(values: number[], single: boolean): Formatter {
  const finite = values.filter((v) => Number.isFinite(v));
  const nonZero = finite.filter((v) => v !== 0).map(Math.abs);
  let expFormat = false;
  if (nonZero.length > 0) {
    const max = Math.max(...nonZero);
    const min = Math.min(...nonZero);
    const cutoff = single ? 1e6 : 1e8; // 10 ** min(8, finfo(dtype).precision)
    expFormat = max >= cutoff || min < 0.0001 || max / min > 1000;
  }
  let padLeft = 0;
  let padRight = 0;
  let fmtFinite: Formatter = () => "";
  if (finite.length > 0 && expFormat) {
    const parts = finite.map((v) => scientificParts(v, single, PRECISION));
    const precision = Math.max(...parts.map((p) => p.frac.length));
    const expSize = Math.max(...parts.map((p) => p.exp!.length)) - 1;
    padLeft = Math.max(...parts.map((p) => p.int.length));
    padRight = expSize + 2 + precision;
    fmtFinite = (v) => {
      const p = scientificParts(v, single, PRECISION);
      const e = p.exp!;
      return `${p.int.padStart(padLeft)}.${p.frac.padEnd(precision, "0")}e${e[0]}${e.slice(1).padStart(expSize, "0")}`;
    };
  } else if (finite.length > 0) {
    const parts = finite.map((v) => positionalParts(v, single, PRECISION));
    padLeft = Math.max(...parts.map((p) => p.int.length));
    padRight = Math.max(...parts.map((p) => p.frac.length));
    fmtFinite = (v) => {
      const p = positionalParts(v, single, PRECISION);
      return `${p.int.padStart(padLeft)}.${p.frac.padEnd(padRight)}`;
    };
  }
  if (finite.length !== values.length) {
    const negInf = values.some((v) => v === -Infinity);
    padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + (negInf ? 1 : 0) - (padRight + 1));
  }
  return (v) => {
    if (Number.isFinite(v)) return fmtFinite(v);
    const s = Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
    return s.padStart(padLeft + padRight + 1);
  };
}

function makeFormatter(values: number[], dtype: DType, ndim: number): Formatter {
  if (dtype === "float32" || dtype === "float64") return floatFormatter(values, dtype === "float32");
  if (dtype === "bool") return (v) => (v ? (ndim > 0 ? " True" : "True") : "False");
  const width = Math.max(...values.map((v) => String(v).length));
  return (v) => String(v).padStart(width);
}

/**
 * numpy's array2string(data, prefix, suffix, separator) for a non-empty array:
 * wraps rows at `lineWidth`, aligns elements, summarizes arrays over 1000
 * elements with "...".
 */
function formatArray(
  data: TypedData, shape: number[], dtype: DType,
  prefix: string, suffix: string, separator: string, lineWidth: number,
): string {
  const ndim = shape.length;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const summarize = data.length > THRESHOLD;
  const shown = (axis: number): number[] => {
    const n = shape[axis];
    const all = Array.from({ length: n }, (_, i) => i);
    return summarize && n > 2 * EDGE_ITEMS ? [...all.slice(0, EDGE_ITEMS), ...all.slice(n - EDGE_ITEMS)] : all;
  };
  // The formatter is fitted to the elements that will be printed.
  const values: number[] = [];
  const collect = (axis: number, offset: number): void => {
    if (axis === ndim) values.push(data[offset]);
    else for (const i of shown(axis)) collect(axis + 1, offset + i * strides[axis]);
  };
  collect(0, 0);
  const fmt = makeFormatter(values, dtype, ndim);

  const sepTrim = separator.trimEnd();
  const extendLine = (s: string, line: string, word: string, width: number, indent: string): [string, string] => {
    if (line.length + word.length > width && line.length > indent.length) {
      s += line.trimEnd() + "\n";
      line = indent;
    }
    return [s, line + word];
  };
  const recurse = (axis: number, offset: number, indent: string, width: number): string => {
    if (axis === ndim) return fmt(data[offset]);
    const nextIndent = indent + " ";
    const nextWidth = width - 1; // room for "]"
    const n = shape[axis];
    const summary = summarize && 2 * EDGE_ITEMS < n;
    const idx = summary ? [...Array(EDGE_ITEMS).keys(), -1, ...Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i)]
      : [...Array(n).keys()];
    const item = (i: number): string =>
      i < 0 ? "..." : recurse(axis + 1, offset + i * strides[axis], nextIndent, nextWidth);
    let s = "";
    if (axis === ndim - 1) {
      const elemWidth = width - Math.max(sepTrim.length, 1);
      let line = indent;
      idx.forEach((i, k) => {
        [s, line] = extendLine(s, line, item(i), elemWidth, indent);
        if (k < idx.length - 1) line += separator;
      });
      s += line;
    } else {
      const lineSep = sepTrim + "\n".repeat(ndim - axis - 1);
      s = idx.map((i) => indent + item(i)).join(lineSep);
    }
    return "[" + s.slice(indent.length) + "]";
  };
  return recurse(0, 0, " ".repeat(prefix.length + 1), lineWidth - suffix.length);
}
