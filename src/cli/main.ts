/** Entry point of the amplihack-remote executable (bundled to dist/cli.js). */
import { runAsLaunchWorker } from "../core/launch/worker.js";
import { main } from "./program.js";

// A detached start's launch worker re-enters this file (core/launch/launcher.ts).
if (!runAsLaunchWorker(process.argv)) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
