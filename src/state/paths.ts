/**
 * Where we keep durable local state. One directory holds the run records, the scan cache and the
 * local target's sandbox, so one variable moves all of it (tests, several installs, plugin data).
 */
import { homedir } from "node:os";
import { join } from "node:path";

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
