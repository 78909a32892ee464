// tsgrad's on-disk cache: rewritten modules, IR per signature, native
// libraries. It lives in <project root>/node_modules/.cache/tsgrad/ (project
// root = nearest directory with a package.json above process.cwd()), or in
// $TSGRAD_CACHE_DIR. The generic store is here, below the runtime and the CLI
// that also use it, because the compiler must not import the runtime.
//
// A corrupt cache entry is a cache miss, never a crash:
//
//   data entry    "tsgrad-cache 1 <name> <size> <sha256>\n" + <size> bytes
//                 (readEntry/writeEntry: modules, IR, metadata)
//   binary entry  <size> bytes + a TRAILER-byte line
//                 "tsgrad-binary 1 <name> <size> <sha256>" padded with spaces
//                 (shared libraries and the runtime object: the loader and the
//                 linker ignore bytes after the ELF contents)
//
// Each entry names itself, so a damaged, truncated, swapped or foreign file is
// detected before it is parsed, linked or dlopen-ed; it is reported once on
// stderr and rebuilt. Every write goes to a temporary name in the same
// directory and is renamed into place: concurrent processes see the old entry
// or the whole new one.
//
// Location: a configured directory that cannot be created, is not a directory
// or is not writable is replaced by a per-user temporary one
// (os.tmpdir()/tsgrad-<uid>), and failing that by memory (native libraries
// are then built in a private temporary directory, removed at exit).
//
// Size: least recently used entries are evicted above $TSGRAD_CACHE_MAX_MB
// (default 256). A hit updates the entry's mtime; a process scans the
// directory once, at its first write, then counts what it writes.

import { createHash } from "node:crypto";
import {
  accessSync,
  appendFileSync,
  chmodSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isMainThread } from "node:worker_threads";

const here = dirname(fileURLToPath(import.meta.url));

export function sha256(parts: readonly string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
}

const digest = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** Nearest directory at or above `start` that holds a package.json. */
export function projectRoot(start = process.cwd()): string {
  let d = start;
  for (;;) {
    if (existsSync(join(d, "package.json"))) return d;
    const up = dirname(d);
    if (up === d) return start;
    d = up;
  }
}

function warn(message: string): void {
  process.stderr.write(`tsgrad: warning: ${message}\n`);
}

const errorCode = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

// ---- location -------------------------------------------------------------

/** Where the cache is: `dir` undefined means memory only; `note` says why it is not the configured directory. */
export interface CacheLocation {
  readonly configured: string;
  readonly dir: string | undefined;
  readonly note?: string;
}

export function configuredCacheDir(): string {
  return resolve(process.env.TSGRAD_CACHE_DIR || join(projectRoot(), "node_modules", ".cache", "tsgrad"));
}

/** Why `d` cannot hold the cache, or undefined if it can (created if missing). */
function unusable(d: string, mustOwn: boolean): string | undefined {
  try {
    mkdirSync(d, { recursive: true, mode: mustOwn ? 0o700 : 0o777 });
    const st = lstatSync(d);
    if (!st.isDirectory()) return "not a directory";
    if (mustOwn && process.getuid && st.uid !== process.getuid()) return "owned by another user";
    if (mustOwn && (st.mode & 0o077) !== 0) chmodSync(d, 0o700); // others could plant libraries in a shared temporary directory
    accessSync(d, constants.R_OK | constants.W_OK | constants.X_OK);
    return undefined;
  } catch (e) {
    return errorCode(e);
  }
}

const userTempDir = (): string => join(tmpdir(), `tsgrad-${process.getuid?.() ?? "user"}`);

let location: CacheLocation | undefined;

/** The cache location for the configured directory, chosen once per configuration (tests change $TSGRAD_CACHE_DIR). */
export function cacheLocation(): CacheLocation {
  const configured = configuredCacheDir();
  if (location?.configured === configured) return location;
  const why = unusable(configured, false);
  location = why === undefined ? { configured, dir: configured } : fallBack(configured, `${configured}: ${why}`);
  return location;
}

/** Moves the cache off `from` (unusable because of `why`): to the per-user temporary directory, else to memory. */
function fallBack(configured: string, why: string, from?: string): CacheLocation {
  const tmp = userTempDir();
  const tmpWhy = from === tmp ? why : unusable(tmp, true);
  const next: CacheLocation =
    tmpWhy === undefined
      ? { configured, dir: tmp, note: `cache directory unusable (${why}); using ${tmp}` }
      : { configured, dir: undefined, note: `cache directory unusable (${why}; ${tmp}: ${tmpWhy}); caching in memory only` };
  // the module loader runs on its own thread with its own copy of this state: the main thread reports
  if (isMainThread) warn(next.note!);
  return next;
}

/** Called when a write into `dir` failed for a reason other than a missing directory. */
function demote(dir: string, why: string): void {
  const loc = cacheLocation();
  if (loc.dir === dir) location = fallBack(loc.configured, `${dir}: ${why}`, dir);
}

let privateDir: string | undefined;

/**
 * A directory the native backend can build in and load libraries from: the
 * cache directory (re-created if it was deleted), or in memory-only mode a
 * private temporary directory removed at exit.
 */
export function cacheDir(): string {
  const loc = cacheLocation();
  if (loc.dir !== undefined) {
    if (existsSync(loc.dir) || unusable(loc.dir, false) === undefined) return loc.dir;
    demote(loc.dir, "deleted and cannot be re-created");
    return cacheDir();
  }
  if (privateDir === undefined || !existsSync(privateDir)) {
    privateDir = mkdtempSync(join(tmpdir(), "tsgrad-private-"));
    const made = privateDir;
    process.once("exit", () => rmSync(made, { recursive: true, force: true }));
  }
  return privateDir;
}

// ---- writing ----------------------------------------------------------------

/**
 * Writes `data` to `name` in the cache atomically (temporary file in the same
 * directory, then rename). A deleted directory is re-created; an unwritable
 * one moves the cache (see fallBack). Returns the path, or undefined if only
 * memory is left.
 */
function writeAtomic(name: string, data: Uint8Array): string | undefined {
  for (let attempt = 0; attempt < 4; attempt++) {
    const dir = cacheLocation().dir;
    if (dir === undefined) return undefined;
    const path = join(dir, name);
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      writeFileSync(tmp, data);
      renameSync(tmp, path);
    } catch (e) {
      removeQuietly(tmp);
      if (errorCode(e) === "ENOENT" && unusable(dir, false) === undefined) continue; // directory deleted: re-created, retry
      demote(dir, errorCode(e));
      continue;
    }
    accountWrite(dir, data.length);
    return path;
  }
  return undefined;
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // not there, or not ours to remove
  }
}

// ---- data entries -----------------------------------------------------------

const DATA_MAGIC = "tsgrad-cache 1";
const memoryEntries = new Map<string, Buffer>();
const reported = new Set<string>();

function checkName(name: string): void {
  if (!/^[\w][\w.-]*$/.test(name)) throw new Error(`tsgrad: invalid cache entry name ${JSON.stringify(name)}`);
}

/** Reports a damaged entry once per process and thread; the caller treats it as a miss. */
function damaged(path: string, why: string): undefined {
  if (!reported.has(path)) {
    reported.add(path);
    warn(`ignoring cache entry ${path} (${why}); rebuilding it`);
  }
  return undefined;
}

function touch(path: string): void {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // read-only cache: the entry just looks older to eviction
  }
}

/** The data stored under `name`, or undefined if absent, unreadable, damaged or not the entry `name` (a miss). */
export function readEntry(name: string): Buffer | undefined {
  checkName(name);
  const dir = cacheLocation().dir;
  if (dir === undefined) return memoryEntries.get(name);
  const path = join(dir, name);
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch (e) {
    return errorCode(e) === "ENOENT" ? undefined : damaged(path, `unreadable: ${errorCode(e)}`);
  }
  const nl = file.indexOf(0x0a);
  const header = (nl < 0 ? file.subarray(0, 200) : file.subarray(0, nl)).toString("latin1").split(" ");
  if (nl < 0 || header.length !== 5 || `${header[0]} ${header[1]}` !== DATA_MAGIC) return damaged(path, "no tsgrad header");
  const data = file.subarray(nl + 1);
  if (header[2] !== name) return damaged(path, `holds entry ${header[2]}`);
  if (Number(header[3]) !== data.length) return damaged(path, `${data.length} bytes, expected ${header[3]}`);
  if (digest(data) !== header[4]) return damaged(path, "content hash mismatch");
  touch(path);
  return data;
}

/** Stores `data` under `name` (see writeAtomic); in memory when no directory is usable. */
export function writeEntry(name: string, data: string | Uint8Array): string | undefined {
  checkName(name);
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const header = `${DATA_MAGIC} ${name} ${bytes.length} ${digest(bytes)}\n`;
  const path = writeAtomic(name, Buffer.concat([Buffer.from(header, "latin1"), bytes]));
  if (path === undefined) memoryEntries.set(name, Buffer.from(bytes));
  return path;
}

// ---- binary entries (libraries, objects) ------------------------------------

const BINARY_MAGIC = "tsgrad-binary 1";
const TRAILER = 192;

/**
 * True if `path` is a complete binary entry recording its own file name (a
 * hit, whose mtime is updated); false if absent, or damaged (reported once).
 */
export function verifyBinary(path: string): boolean {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch (e) {
    if (errorCode(e) !== "ENOENT") damaged(path, `unreadable: ${errorCode(e)}`);
    return false;
  }
  const why = binaryProblem(file, basename(path));
  if (why !== undefined) {
    damaged(path, why);
    return false;
  }
  touch(path);
  return true;
}

function binaryProblem(file: Buffer, name: string): string | undefined {
  if (file.length < TRAILER) return `${file.length} bytes: truncated`;
  const t = file.subarray(file.length - TRAILER).toString("latin1").trim().split(" ");
  if (t.length !== 5 || `${t[0]} ${t[1]}` !== BINARY_MAGIC) return "no tsgrad trailer (truncated or not written by tsgrad)";
  if (t[2] !== name) return `holds entry ${t[2]}`;
  const size = file.length - TRAILER;
  if (Number(t[3]) !== size) return `${size} bytes, expected ${t[3]}`;
  if (digest(file.subarray(0, size)) !== t[4]) return "content hash mismatch";
  return undefined;
}

/** Moves the freshly built file `built` to `path` as a binary entry: trailer appended, then an atomic rename. */
export function storeBinary(built: string, path: string): void {
  const bytes = readFileSync(built);
  const line = `${BINARY_MAGIC} ${basename(path)} ${bytes.length} ${digest(bytes)}`;
  if (line.length >= TRAILER) throw new Error(`tsgrad: cache entry name too long: ${basename(path)}`);
  appendFileSync(built, `\n${line.padEnd(TRAILER - 2)}\n`);
  renameSync(built, path);
  const dir = dirname(path);
  if (dir === cacheLocation().dir) accountWrite(dir, bytes.length + TRAILER);
}

// ---- kinds, scanning, eviction ------------------------------------------------

export type EntryKind = "module" | "ir" | "spec" | "library" | "runtime" | "tools" | "other" | "temporary";

/** What a file in the cache directory is, from its name; undefined for files tsgrad did not write. */
export function entryKind(name: string, isDir: boolean): EntryKind | undefined {
  if (isDir) return /^(build|opt)-/.test(name) ? "temporary" : undefined;
  if (/\.tmp(\.o)?$/.test(name)) return "temporary";
  if (/^[0-9a-f]{32}\.so$/.test(name)) return "library";
  if (/^tools(-\d+)?\.json$/.test(name)) return "tools"; // tools.json: written before entries had headers
  const m = /^([a-z]+)-[0-9a-f]{8,}\.\w+$/.exec(name); // <kind>-<hash>.<ext>: every entry readCache callers name
  if (!m) return undefined;
  return ["module", "ir", "spec", "runtime"].includes(m[1]) ? (m[1] as EntryKind) : "other";
}

export interface CacheFile {
  readonly name: string;
  readonly path: string;
  readonly kind: EntryKind;
  readonly size: number;
  readonly mtimeMs: number;
  readonly isDir: boolean;
}

/** The files tsgrad wrote in `dir` (a directory's size is that of its files). */
export function scanCache(dir: string): CacheFile[] {
  let names: import("node:fs").Dirent[];
  try {
    names = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: CacheFile[] = [];
  for (const e of names) {
    const kind = entryKind(e.name, e.isDirectory());
    if (!kind) continue;
    const path = join(dir, e.name);
    try {
      const st = statSync(path);
      const size = e.isDirectory() ? scanSize(path) : st.size;
      out.push({ name: e.name, path, kind, size, mtimeMs: st.mtimeMs, isDir: e.isDirectory() });
    } catch {
      // removed meanwhile
    }
  }
  return out;
}

function scanSize(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? scanSize(p) : statSync(p).size;
  }
  return n;
}

/** $TSGRAD_CACHE_MAX_MB (default 256) in bytes. */
export function cacheLimitBytes(): number {
  const mb = Number(process.env.TSGRAD_CACHE_MAX_MB);
  return (Number.isFinite(mb) && mb > 0 ? mb : 256) * 1024 * 1024;
}

/** A temporary file or build directory this old belongs to a process that died. */
const STALE_MS = 60 * 60 * 1000;
/** An entry used this recently may be about to be linked or dlopen-ed by some process: never evicted. */
const IN_USE_MS = 60 * 1000;

/**
 * Removes stale temporaries, then least recently used entries (oldest mtime
 * first, none used in the last minute) until `dir` holds at most 90% of
 * `limit` bytes. Returns the bytes left.
 */
export function evict(dir: string, limit: number, now = Date.now()): number {
  const files = scanCache(dir);
  let total = 0;
  for (const f of files) total += f.size;
  const remove = (f: CacheFile) => {
    try {
      rmSync(f.path, { recursive: true, force: true });
      total -= f.size;
    } catch {
      // another process removed it, or it is not ours to remove
    }
  };
  for (const f of files) if (f.kind === "temporary" && now - f.mtimeMs > STALE_MS) remove(f);
  if (total <= limit) return total;
  const entries = files.filter((f) => f.kind !== "temporary" && now - f.mtimeMs > IN_USE_MS).sort((a, b) => a.mtimeMs - b.mtimeMs);
  for (const f of entries) {
    if (total <= 0.9 * limit) break;
    remove(f);
  }
  return total;
}

/**
 * The cache directory's size as this process believes (scanned at its first
 * write, then counted), and the size at which it scans and evicts again.
 */
const usage = new Map<string, { bytes: number; scanAt: number }>();

function accountWrite(dir: string, bytes: number): void {
  const u = usage.get(dir);
  if (u !== undefined && u.bytes + bytes <= u.scanAt) {
    u.bytes += bytes;
    return;
  }
  const limit = cacheLimitBytes();
  const left = evict(dir, limit);
  // over the limit with nothing evictable: scan again only after another tenth of the limit is written
  usage.set(dir, { bytes: left, scanAt: Math.max(limit, left + 0.1 * limit) });
}

/** Removes every file tsgrad wrote in the cache directory; returns what was removed. */
export function cleanCache(): { dir: string | undefined; files: number; bytes: number } {
  const dir = cacheLocation().dir;
  memoryEntries.clear();
  if (dir === undefined) return { dir, files: 0, bytes: 0 };
  let files = 0;
  let bytes = 0;
  for (const f of scanCache(dir)) {
    try {
      if (f.isDir) rmSync(f.path, { recursive: true, force: true });
      else unlinkSync(f.path);
      files++;
      bytes += f.size;
    } catch {
      // removed meanwhile
    }
  }
  usage.delete(dir);
  return { dir, files, bytes };
}

// ---- the native backend's own entries ----------------------------------------------

let versionMemo: string | undefined;
/** tsgrad's own version: the package.json above this file (not the user's project). */
export function compilerVersion(): string {
  if (versionMemo) return versionMemo;
  const root = projectRoot(here);
  try {
    versionMemo = String((JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version?: string }).version);
  } catch {
    versionMemo = "unknown";
  }
  return versionMemo;
}

let fingerprintMemo: string | undefined;
/** Hash of this backend's sources (.ts or built .js, runtime.c) and of the shared ownership analysis it uses. */
export function backendFingerprint(): string {
  if (fingerprintMemo) return fingerprintMemo;
  const src = (f: string) => /\.(ts|js|c)$/.test(f) && !f.endsWith(".d.ts");
  const files = [
    ...readdirSync(here).filter(src).map((f) => join(here, f)),
    ...["ownership.ts", "ownership.js"].map((f) => join(here, "..", f)).filter((p) => existsSync(p)),
  ].sort();
  fingerprintMemo = sha256(files.flatMap((f) => [f.slice(here.length), readFileSync(f, "utf8")]));
  return fingerprintMemo;
}

const TOOL_FACTS = "tools-1.json"; // not tools.json, which older versions wrote without a header

/** `compute()` for a tool, remembered in the cache entry tools-1.json by the tool's path, size and mtime. */
export function cachedToolFact(tool: string, what: string, compute: () => string): string {
  const st = statSync(tool);
  const id = `${tool}|${st.size}|${st.mtimeMs}|${what}`;
  let table: Record<string, string> = {};
  try {
    table = JSON.parse(readEntry(TOOL_FACTS)?.toString("utf8") ?? "{}") as Record<string, string>;
  } catch {
    // cannot happen for a verified entry; recompute
  }
  if (typeof table[id] === "string") return table[id];
  const value = compute();
  writeEntry(TOOL_FACTS, JSON.stringify({ ...table, [id]: value }, null, 1));
  return value;
}

/** Where runtime.c is: next to this module, or in the source tree when running from dist/. */
export function runtimeSource(): string {
  const candidates = [join(here, "runtime.c"), join(projectRoot(here), "compiler", "backends", "llvm", "runtime.c")];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`tsgrad native runtime source not found (looked in ${candidates.join(", ")})`);
  return found;
}

/** The cached runtime object for the current runtime.c, built with `build(src, out)` if absent or damaged. */
export function runtimeObject(build: (src: string, out: string) => void): string {
  const src = runtimeSource();
  const text = readFileSync(src, "utf8");
  const out = join(cacheDir(), `runtime-${sha256([text]).slice(0, 16)}.o`);
  if (!verifyBinary(out)) {
    const tmp = `${out}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp.o`;
    build(src, tmp);
    storeBinary(tmp, out);
  }
  return out;
}
