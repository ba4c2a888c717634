/**
 * What the hook learns from its stdin (Claude Code's hook JSON): the session's working directory.
 * Node builtins only: the hook's front end (hook-front.ts) reads it too.
 */

export const HOOK_EVENTS = {
  "session-start": "SessionStart",
  "user-prompt-submit": "UserPromptSubmit",
} as const;
export type HookEvent = keyof typeof HOOK_EVENTS;

/** The session's directory: the hook input's `cwd`, else (no or broken input) the hook's own. */
export function sessionCwd(input: string): string {
  try {
    const parsed = JSON.parse(input) as { cwd?: unknown };
    if (typeof parsed.cwd === "string" && parsed.cwd) return parsed.cwd;
  } catch {
    // No or broken input: the hook's own working directory is the session's.
  }
  return process.cwd();
}

/** All of stdin, or "" when it is a terminal (the hook run by hand). */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
