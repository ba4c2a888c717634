/**
 * The agent credentials we forward, by name. They live at the bottom because every layer that
 * spawns or logs (azlin, core, logs) must know which values to keep off command lines and out of logs.
 */

/** Credentials forwarded to the agent's environment (by name; values never leave through argv). */
export const FORWARDED_CREDENTIALS = ["ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN"] as const;

/** The values of the forwarded credentials set in `env`: what every log we keep is redacted of. */
export function credentialValues(env: NodeJS.ProcessEnv): string[] {
  return FORWARDED_CREDENTIALS.map((name) => env[name]).filter((v): v is string => Boolean(v));
}
