// Runs the front end in a worker thread for runtime/source.ts (synchronous
// calls from the main thread through synckit).
import { runAsWorker } from "synckit";
import { type FrontendRequest, runFrontend } from "./frontend-request.js";

runAsWorker(async (req: FrontendRequest) => {
  try {
    return { value: runFrontend(await import("../compiler/frontend/index.js"), req) };
  } catch (e) {
    return { error: (e as Error).message };
  }
});
