/**
 * `amplihack-remote hook session-start|user-prompt-submit`: the plugin's Claude Code hook
 * (hooks/hooks.json runs it as `node ${CLAUDE_PLUGIN_ROOT}/dist/hook.js EVENT`). It reads the
 * hook's JSON on stdin, and when runs of the session's repository finished since the last time,
 * prints them as the session's additional context; otherwise it prints nothing at all.
 *
 * It reads run records only (never a VM), so it adds no noticeable time to a session's start or
 * to a prompt. Runs started from a terminal and from Claude Code live in different state
 * directories (the plugin's data directory is set only inside Claude Code), so both are read.
 */
import { announceForSession } from "../../core/notify/announce.js";
import { HOOK_EVENTS, type HookEvent, readStdin, sessionCwd } from "../hook-input.js";
import { writeErr, writeOut } from "../stdio.js";

export { HOOK_EVENTS, type HookEvent };

/** What the hook prints for `input` (the hook's stdin): the JSON Claude Code reads, or "". */
export async function hookOutput(event: HookEvent, input: string, env: NodeJS.ProcessEnv): Promise<string> {
  const text = await announceForSession(sessionCwd(input), env);
  if (!text) return "";
  return JSON.stringify({
    hookSpecificOutput: { hookEventName: HOOK_EVENTS[event], additionalContext: text },
  });
}

/** Runs the hook for the process: never blocks the session; a failure is one line on stderr. */
export async function hookCommand(event: string, input?: string): Promise<number> {
  if (!(event in HOOK_EVENTS)) {
    writeErr(
      `amplihack-remote hook: unknown event ${JSON.stringify(event)}; use one of: ${Object.keys(HOOK_EVENTS).join(", ")}\n`,
    );
    return 2;
  }
  try {
    const out = await hookOutput(event as HookEvent, input ?? (await readStdin()), process.env);
    if (out) writeOut(`${out}\n`);
    return 0;
  } catch (err) {
    // Exit 1 is a non-blocking error to Claude Code: the session goes on without the news.
    writeErr(`amplihack-remote hook: ${(err as Error).message.split("\n")[0]}\n`);
    return 1;
  }
}
