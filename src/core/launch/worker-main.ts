/**
 * The launch worker's entry point when running from TypeScript source (tests, tsx); the bundles
 * re-enter their own file with LAUNCH_WORKER_FLAG instead (src/mcp/main.ts, src/cli/main.ts).
 */
import { runAsLaunchWorker } from "./worker.js";

runAsLaunchWorker(process.argv);
