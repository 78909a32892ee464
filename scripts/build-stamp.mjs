// Writes dist/BUILD_STAMP after `tsc`: a fingerprint of this build, read by
// runtime/disk-cache.ts instead of stat-ing every compiled file at start-up
// (cache keys must change whenever the compiler does).
import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";

const stamp = createHash("sha256").update(`${Date.now()}:${randomBytes(8).toString("hex")}`).digest("hex").slice(0, 12);
writeFileSync(new URL("../dist/BUILD_STAMP", import.meta.url), stamp + "\n");
