// Plain-JS helpers (nested arrays built with push, fill and map; string
// methods) that print a table of a function and its first two derivatives.
import { grad } from "tsgrad";

function damped(x: number): number {
  return x * Math.exp(-0.5 * x) * Math.cos(x);
}

const d1 = grad(damped);
const d2 = grad(d1);

function grid(lo: number, hi: number, n: number): number[] {
  return new Array(n).fill(0).map((_, i) => lo + ((hi - lo) * i) / (n - 1));
}

function formatRow(cells: string[], widths: number[]): string {
  return cells.map((c, i) => c.padStart(widths[i])).join(" | ");
}

function table(xs: number[]): string[] {
  const rows: string[][] = [];
  rows.push(["x", "f(x)", "f'(x)", "f''(x)"]);
  for (const x of xs) rows.push([x.toFixed(2), damped(x).toFixed(6), d1(x).toFixed(6), d2(x).toFixed(6)]);
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  const lines = rows.map((r) => formatRow(r, widths));
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("-+-"));
  return lines;
}

const xs = grid(0, 3, 7);
for (const line of table(xs)) console.log(line);
console.log(`f: ${JSON.stringify(xs.map(damped))}`);
console.log(`df: ${JSON.stringify(xs.map((x) => d1(x)))}`);
console.log(`d2f: ${JSON.stringify(xs.map((x) => d2(x)))}`);
