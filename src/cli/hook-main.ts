/**
 * dist/hook-core.js: the plugin's full hook, loaded by its front end (dist/hook.js, hook-front.ts)
 * when there may be news to tell, and runnable by itself (`node dist/hook-core.js EVENT`).
 */

import { isEntryPoint } from "../util/entry-point.js";
import { hookCommand } from "./commands/hook.js";
import { survivePipeClosure } from "./stdio.js";

/** The hook for `event` with its stdin already read (the front end read it). */
export function runHook(event: string, input: string): Promise<number> {
  // Claude Code may stop reading before the hook is done (a session closed): not a crash.
  survivePipeClosure();
  return hookCommand(event, input);
}

if (isEntryPoint(import.meta.url)) {
  survivePipeClosure();
  process.exitCode = await hookCommand(process.argv[2] ?? "");
}
