/**
 * Where we keep durable local state. One directory holds the run records, the scan cache and the
 * local target's sandbox, so one variable moves all of it (tests, several installs, plugin data).
 */
import { constants } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { RemoteError } from "../util/errors.js";

/**
 * Order: AMPLIHACK_REMOTE_STATE_DIR, then Claude Code's per-plugin data directory, then
 * $XDG_STATE_HOME/amplihack-remote, then ~/.local/state/amplihack-remote.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AMPLIHACK_REMOTE_STATE_DIR) return env.AMPLIHACK_REMOTE_STATE_DIR;
  if (env.CLAUDE_PLUGIN_DATA) return join(env.CLAUDE_PLUGIN_DATA, "state");
  const xdg = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  return join(xdg, "amplihack-remote");
}

export const scanCacheDir = (base = stateDir()) => join(base, "scan-cache");
export const localTargetHome = (base = stateDir()) => join(base, "local-target");
export const runsFile = (base = stateDir()) => join(base, "state.json");

/**
 * The state directory, created if needed and checked writable before a run starts: an unwritable
 * HOME or AMPLIHACK_REMOTE_STATE_DIR is the environment's problem, said as such (which directory,
 * which variable decided it, how to move it), never an "unexpected error" halfway through a run.
 */
export async function writableStateDir(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const dir = stateDir(env);
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK | constants.X_OK);
    return dir;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const from = env.AMPLIHACK_REMOTE_STATE_DIR
      ? "AMPLIHACK_REMOTE_STATE_DIR"
      : env.CLAUDE_PLUGIN_DATA
        ? "CLAUDE_PLUGIN_DATA"
        : env.XDG_STATE_HOME
          ? "XDG_STATE_HOME"
          : "HOME";
    throw new RemoteError(
      "state-unwritable",
      `The state directory ${dir} (from ${from}) is not writable: ${e.code ?? e.message}${e.path && e.path !== dir ? ` at ${e.path}` : ""}.`,
      `Set AMPLIHACK_REMOTE_STATE_DIR to a directory this user can write (e.g. export AMPLIHACK_REMOTE_STATE_DIR=/tmp/amplihack-remote-state), or make ${dir} writable.`,
      { cause: err, details: { stateDir: dir, errno: e.code ?? null } },
    );
  }
}
