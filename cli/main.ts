// The `tsgrad` command: `run` executes a TypeScript module with its
// transforms compiled; `emit` prints a function, its derivative, its IR or
// its LLVM IR.

import { readFileSync } from "node:fs";
import { register } from "node:module";
import { resolve as resolvePath } from "node:path";
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
Every top-level function of FILE (and of the TypeScript modules it imports) is
compiled to IR ahead of time; the kernels its transforms need compile into one
native library (cached under node_modules/.cache/tsgrad), or run on the JS
backend where LLVM is missing.

Examples:
  $ tsgrad run fixtures/tutorial/autodiff.ts
  $ tsgrad run train.ts --epochs 10           arguments after FILE go to the module (process.argv)
  $ TSGRAD_BACKEND=js tsgrad run train.ts     force the JS backend`,
  )
  .action(async (file: string, args: string[]) => {
    register(new URL("./loader.js", import.meta.url));
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
  .addHelpText(
    "after",
    `
Examples:
  $ tsgrad emit model.ts --fn loss                    the function as tsgrad reads it
  $ tsgrad emit model.ts --fn loss --grad             its gradient, as TypeScript
  $ tsgrad emit model.ts --fn loss --grad --argnums 0,1
  $ tsgrad emit model.ts --fn loss --jvp --ir         forward mode, as tsgrad IR
  $ tsgrad emit model.ts --fn loss --grad --llvm      the gradient's LLVM IR`,
  )
  .action(async (file: string, o: { fn: string; grad?: boolean; jvp?: boolean; argnums: string; ir?: boolean; llvm?: boolean }) => {
    const { emit } = await import("./emit.js");
    const r = emit(readFileSync(file, "utf8"), file, o);
    if (!r.ok) {
      process.stderr.write(`${r.error}\n`);
      process.exit(1);
    }
    process.stdout.write(r.text);
  });

await program.parseAsync(process.argv);
