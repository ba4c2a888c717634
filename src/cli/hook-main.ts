/**
 * dist/hook.js: the plugin's hook as a bundle of its own, so it starts fast (a fraction of the
 * CLI's code) and runs from the plugin folder with no install: `node dist/hook.js EVENT`.
 */
import { hookCommand } from "./commands/hook.js";
import { survivePipeClosure } from "./stdio.js";

// Claude Code may stop reading before the hook is done (a session closed): not a crash.
survivePipeClosure();
process.exitCode = await hookCommand(process.argv[2] ?? "");
