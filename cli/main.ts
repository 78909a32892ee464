// The `tsgrad` command: `run` executes a TypeScript module with its
// transforms compiled; `emit` prints a function, its derivative, its IR or
// its LLVM IR.

import { existsSync, readFileSync } from "node:fs";
import { register } from "node:module";
import { join, resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import { Command } from "commander";

/** tsgrad's version: the package.json above dist/cli/ (installed) or cli/ (source tree). */
function version(): string {
  for (const rel of ["../../package.json", "../package.json"]) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { version: string }).version;
    } catch {
      // try the next location
    }
  }
  return "unknown";
}

const program = new Command("tsgrad")
  .description("Compile numeric TypeScript to differentiated native kernels.")
  .version(version(), "-v, --version", "print tsgrad's version")
  .enablePositionalOptions()
  .addHelpText(
    "after",
    `
Examples:
  $ tsgrad run app.ts                         run a TypeScript module, its grad/jit/... compiled
  $ tsgrad emit model.ts --fn loss --grad     print the gradient of loss as TypeScript
  $ node --import tsgrad/register app.ts      the same rewrite as "tsgrad run", in any node process

Environment: TSGRAD_BACKEND, TSGRAD_CACHE_DIR, TSGRAD_LLC, TSGRAD_OPT, TSGRAD_CC (see the README).`,
  );

program
  .command("run")
  .description("compile a TypeScript module's transforms (grad, jit, ...) and run it")
  .argument("<file>", "the .ts module to run")
  .argument("[args...]", "arguments passed to the module as process.argv")
  .passThroughOptions()
  .addHelpText(
    "after",
    `
FILE runs as it would under node/tsx: only the functions handed to a transform
(grad, jit, ...) compile, per call signature, into native kernels (cached under
node_modules/.cache/tsgrad) or, where LLVM is missing, JS-backend kernels;
array operators outside compiled code evaluate eagerly, as in JAX.

Examples:
  $ tsgrad run fixtures/tutorial/autodiff.ts
  $ tsgrad run train.ts --epochs 10           arguments after FILE go to the module (process.argv)
  $ TSGRAD_BACKEND=js tsgrad run train.ts     force the JS backend`,
  )
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
  .description("print a function of FILE (.ts, or .tsir IR), its derivative (--grad, --jvp, --vjp), as TypeScript (default), IR (--ir, --after PASS) or LLVM IR (--llvm)")
  .argument("[file]", "the .ts module or .tsir file")
  .option("--fn <name>", "the function to emit (optional for a .tsir file with one function)")
  .option("--grad", "reverse mode: the gradient")
  .option("--jvp", "forward mode: (primals, tangents) -> (outputs, output tangents)")
  .option("--vjp", "reverse mode: (primals, cotangents) -> adjoints")
  .option("--argnums <list>", "comma-separated parameter positions to differentiate", "0")
  .option("--ir", "print tsgrad IR")
  .option("--llvm", "print LLVM IR")
  .option("--after <pass>", "print the IR after this pass of the pipeline (see --passes)")
  .option("--passes", "list the pipeline's passes and exit")
  .addHelpText(
    "after",
    `
Examples:
  $ tsgrad emit model.ts --fn loss                    the function as tsgrad reads it
  $ tsgrad emit model.ts --fn loss --grad             its gradient, as TypeScript
  $ tsgrad emit model.ts --fn loss --grad --argnums 0,1
  $ tsgrad emit model.ts --fn loss --jvp --ir         forward mode, as tsgrad IR
  $ tsgrad emit model.ts --fn loss --grad --llvm      the gradient's LLVM IR
  $ tsgrad emit model.ts --fn loss --grad --after dce  the IR after a pass (see --passes)
  $ tsgrad emit test/ir/dce.tsir --ir                  start from IR text`,
  )
  .action(async (file: string | undefined, o: import("./emit.js").EmitOptions & { passes?: boolean }) => {
    const { runEmitCommand } = await import("./emit.js");
    runEmitCommand(file, o, (path) => readFileSync(path, "utf8"));
  });

const cache = program.command("cache").description("the compile cache: where it is and what it holds (info), or empty it (clean)");
cache
  .command("info")
  .description("print the cache location, its entries by kind and their total size")
  .action(async () => void process.stdout.write((await import("./cache.js")).cacheInfo()));
cache
  .command("clean")
  .description("remove every entry tsgrad wrote in the cache")
  .action(async () => void process.stdout.write((await import("./cache.js")).cacheClean()));

/**
 * On a cold start (the module's rewrite is not cached) transforms will need
 * the front end to compile: load it in this thread now, instead of in a
 * worker thread at the first call.
 */
async function preloadFrontendIfCold(path: string): Promise<void> {
  const { moduleCacheKey } = await import("./loader.js");
  const { cacheDir } = await import("../runtime/disk-cache.js");
  const dir = cacheDir();
  // existence only: the loader validates the entry when it reads it (and warns once if it is damaged)
  if (dir && existsSync(join(dir, moduleCacheKey(path, readFileSync(path, "utf8"))))) return;
  const [fe, rt] = await Promise.all([import("../compiler/frontend/index.js"), import("../runtime/source.js")]);
  rt.useFrontend(fe);
}

await program.parseAsync(process.argv);
