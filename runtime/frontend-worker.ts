// Runs the front end in a worker thread for runtime/source.ts.
import { runAsWorker } from "synckit";
import { compileFunctionSource } from "../compiler/frontend/index.js";

runAsWorker(async (src: string) => {
  try {
    return { func: compileFunctionSource(src) };
  } catch (e) {
    return { error: (e as Error).message };
  }
});
