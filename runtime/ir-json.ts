// IR as JSON for the disk cache. JSON has no NaN, ±Infinity or -0, which IR
// literals use (`Math.max(-Infinity, x)`, logsumexp's -inf guard): they are
// written as {"$n": "NaN" | "Infinity" | "-Infinity" | "-0"} and read back.

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity, "-0": -0 };

export function toJson(x: unknown): string {
  return JSON.stringify(x, (_k, v) => {
    if (typeof v !== "number") return v;
    if (Number.isNaN(v)) return { $n: "NaN" };
    if (v === Infinity) return { $n: "Infinity" };
    if (v === -Infinity) return { $n: "-Infinity" };
    if (Object.is(v, -0)) return { $n: "-0" };
    return v;
  });
}

export function fromJson<T>(s: string): T {
  return JSON.parse(s, (_k, v) => (v && typeof v === "object" && typeof v.$n === "string" && Object.keys(v).length === 1 && v.$n in SPECIAL ? SPECIAL[v.$n] : v)) as T;
}
