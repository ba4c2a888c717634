/**
 * Which azlin we run and with which resource group. Read once from the environment so tests (and
 * users with several installs) can point us elsewhere without touching azlin's own config.
 */
import { FORWARDED_CREDENTIALS } from "../util/credentials.js";

export interface AzlinConfig {
  /** The executable: AMPLIHACK_REMOTE_AZLIN, else `azlin` on PATH. */
  binary: string;
  /** AMPLIHACK_REMOTE_RG; when absent azlin's own default (config or context) applies. */
  resourceGroup?: string;
}

export function azlinConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AzlinConfig {
  const binary = env.AMPLIHACK_REMOTE_AZLIN?.trim() || "azlin";
  const resourceGroup = env.AMPLIHACK_REMOTE_RG?.trim() || undefined;
  return { binary, resourceGroup };
}

/**
 * The environment every azlin call gets on top of ours: no update check (it prompts on a TTY and
 * writes to stderr otherwise).
 */
export const AZLIN_ENV = { AZLIN_NO_UPDATE_CHECK: "1" } as const;

/**
 * Removed from azlin's environment (and so from ssh's and scp's): the agent's credentials travel
 * only on the stdin of the one session that starts a run. Nothing azlin does, and no ssh
 * `SendEnv`, can then carry them anywhere else. (An undefined value drops the variable.)
 */
export const WITHOUT_CREDENTIALS: Record<string, undefined> = Object.fromEntries(
  FORWARDED_CREDENTIALS.map((name) => [name, undefined]),
);
