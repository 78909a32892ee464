// A user's project testing tsgrad functions under vitest: the plugin rewrites
// modules that import "tsgrad" before vite strips their types.
import tsgrad from "tsgrad/vite";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [tsgrad()],
  test: { include: ["*.spec.ts"], testTimeout: 60_000 },
});
