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
