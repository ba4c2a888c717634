/**
 * Which azlin we run and with which resource group. Read once from the environment so tests (and
 * users with several installs) can point us elsewhere without touching azlin's own config.
 */

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
