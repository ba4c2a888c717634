/**
 * Entry point of dist/server.js, which .mcp.json launches: the MCP server's front end. It is a few
 * KB of node builtins and the build-time snapshot of the full server's answers, so a client gets
 * initialize and tools/list answered in little more than Node's own start-up; the full server
 * (dist/server-core.js: the SDK, zod, every handler, ~2 MB to parse) is loaded from next to this
 * file, wherever the plugin is installed, when the first message needs it (front.ts).
 *
 * stdout belongs to JSON-RPC alone; nothing here prints anything else.
 */
import process from "node:process";
import { startFront } from "./front.js";
import type { CoreModule } from "./handover.js";
import type { FrontSnapshot } from "./snapshot.js";

/** Put here by scripts/build.mjs (esbuild `define`) from scripts/mcp-front-snapshot.mjs. */
declare const AMPLIHACK_MCP_FRONT_SNAPSHOT: FrontSnapshot;

/** Quiet time after tools/list before the full server is loaded anyway (see PRELOAD in the README). */
const PRELOAD_IDLE_MS = 50;

/** AMPLIHACK_REMOTE_MCP_PRELOAD=0 loads the full server only when a message needs it. */
const preload = process.env.AMPLIHACK_REMOTE_MCP_PRELOAD !== "0";

startFront({
  snapshot: AMPLIHACK_MCP_FRONT_SNAPSHOT,
  stdin: process.stdin,
  stdout: process.stdout,
  loadCore: () => import(new URL("./server-core.js", import.meta.url).href) as Promise<CoreModule>,
  preloadIdleMs: preload ? PRELOAD_IDLE_MS : null,
  onLoadFailure(err) {
    process.stderr.write(
      `amplihack-remote MCP server failed to start: ${err instanceof Error ? err.stack : String(err)}\n` +
        "The plugin folder should hold dist/server-core.js next to dist/server.js; reinstall the plugin.\n",
    );
    process.exit(1);
  },
});
