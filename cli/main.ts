// The `tsgrad` command: `run` executes a TypeScript module with its
// transforms compiled; `emit` prints a function, its derivative, its IR or
// its LLVM IR.

import { readFileSync } from "node:fs";
import { register } from "node:module";
import { resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import { Command } from "commander";

const program = new Command("tsgrad").description("Compile numeric TypeScript to differentiated native kernels.");

program
  .command("run")
  .description("compile a TypeScript module's transforms (grad, jit, ...) and run it")
  .argument("<file>", "the .ts module to run")
  .argument("[args...]", "arguments passed to the module as process.argv")
  .action(async (file: string, args: string[]) => {
    process.setSourceMapsEnabled(true); // stack traces point at the user's TypeScript lines
    register(new URL("./loader.js", import.meta.url));
    await preloadFrontendIfCold(resolvePath(file));
    process.argv = [process.argv[0], resolvePath(file), ...args];
    try {
      await import(pathToFileURL(resolvePath(file)).href);
    } catch (e) {
      if ((e as Error).name === "TsgradDiagnostics") {
        process.stderr.write(`${(e as Error).message}\n`);
        process.exit(1);
      }
      throw e;
    }
  });

program
  .command("emit")
  .description("print a function of FILE, its derivative (--grad, --jvp), as TypeScript (default), IR (--ir) or LLVM IR (--llvm)")
  .argument("<file>", "the .ts module")
  .requiredOption("--fn <name>", "the top-level function to emit")
  .option("--grad", "reverse mode: the gradient")
  .option("--jvp", "forward mode: (primals, tangents) -> (outputs, output tangents)")
  .option("--argnums <list>", "comma-separated parameter positions to differentiate", "0")
  .option("--ir", "print tsgrad IR")
  .option("--llvm", "print LLVM IR")
  .action(async (file: string, o: { fn: string; grad?: boolean; jvp?: boolean; argnums: string; ir?: boolean; llvm?: boolean }) => {
    const { emit } = await import("./emit.js");
    const r = emit(readFileSync(file, "utf8"), file, o);
    if (!r.ok) {
      process.stderr.write(`${r.error}\n`);
      process.exit(1);
    }
    process.stdout.write(r.text);
  });

/**
 * On a cold start (the module's rewrite is not cached) transforms will need
 * the front end to compile: load it in this thread now, instead of in a
 * worker thread at the first call.
 */
async function preloadFrontendIfCold(path: string): Promise<void> {
  const { moduleCacheKey } = await import("./loader.js");
  const { readCache } = await import("../runtime/disk-cache.js");
  if (readCache(moduleCacheKey(path, readFileSync(path, "utf8"))) !== undefined) return;
  const [fe, rt] = await Promise.all([import("../compiler/frontend/index.js"), import("../runtime/source.js")]);
  rt.useFrontend(fe);
}

await program.parseAsync(process.argv);
