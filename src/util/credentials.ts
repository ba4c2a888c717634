/**
 * What of the user's environment reaches the agent, by name. It lives at the bottom because every
 * layer that spawns or logs (azlin, core, logs) must know which values to keep off command lines
 * and out of logs. Values travel only as NAME=VALUE lines on stdin and through the run's FIFO.
 */
import { RemoteError } from "./errors.js";

/** Credentials forwarded to the agent's environment (by name; values never leave through argv). */
export const FORWARDED_CREDENTIALS = [
  "ANTHROPIC_API_KEY",
  "CLAUDE_CODE_OAUTH_TOKEN",
  "ANTHROPIC_AUTH_TOKEN",
  "AWS_BEARER_TOKEN_BEDROCK",
] as const;

/**
 * Can the default agent (amplihack over Claude Code) reach Claude with what is forwarded? An API
 * key, a subscription's OAuth token (`claude setup-token`) or a gateway's bearer token; or Bedrock
 * or Vertex AI, whose own credentials the user forwards by name. amplihack's launcher checks none
 * of this itself: it hands its environment to Claude Code (amplihack-rs commands/mod.rs:118-130).
 */
export function hasClaudeAccess(env: NodeJS.ProcessEnv): boolean {
  const set = (name: string) => Boolean(env[name]);
  return (
    ["ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_AUTH_TOKEN"].some(set) ||
    ["CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX"].some((n) => env[n] === "1" || env[n] === "true")
  );
}

/**
 * Claude Code's provider and model settings, forwarded when set, so the agent on the VM talks to
 * the same endpoint with the same models as the user's own Claude Code (docs: Claude Code's
 * environment variables; Bedrock and Vertex AI setup).
 */
export const FORWARDED_SETTINGS = [
  "ANTHROPIC_BASE_URL",
  "ANTHROPIC_MODEL",
  "ANTHROPIC_SMALL_FAST_MODEL",
  "ANTHROPIC_DEFAULT_OPUS_MODEL",
  "ANTHROPIC_DEFAULT_SONNET_MODEL",
  "ANTHROPIC_DEFAULT_HAIKU_MODEL",
  "CLAUDE_CODE_SUBAGENT_MODEL",
  "CLAUDE_CODE_USE_BEDROCK",
  "ANTHROPIC_BEDROCK_BASE_URL",
  "CLAUDE_CODE_SKIP_BEDROCK_AUTH",
  "AWS_REGION",
  "CLAUDE_CODE_USE_VERTEX",
  "ANTHROPIC_VERTEX_BASE_URL",
  "ANTHROPIC_VERTEX_PROJECT_ID",
  "CLOUD_ML_REGION",
  "CLAUDE_CODE_SKIP_VERTEX_AUTH",
  "AMPLIHACK_DEFAULT_MODEL",
] as const;

/** Extra names to forward, e.g. "AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY" (also --forward-env). */
export const FORWARD_ENV_VARIABLE = "AMPLIHACK_REMOTE_FORWARD_ENV";

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** Names the run itself sets on the machine: forwarding the laptop's would break the agent. */
const NOT_FORWARDABLE = /^(PATH|HOME|USER|LOGNAME|SHELL|PWD|TMPDIR|LD_.*|AR_.*|AMPLIHACK_REMOTE_.*)$/;

/** Why a name cannot be forwarded, or null. */
export function unforwardableReason(name: string): string | null {
  if (!ENV_NAME.test(name))
    return "is not a variable name (letters, digits and _, not starting with a digit)";
  if (NOT_FORWARDABLE.test(name)) return "is set by the run on the machine and cannot be forwarded";
  return null;
}

/** The names the user added: --forward-env names, then those in $AMPLIHACK_REMOTE_FORWARD_ENV. */
export function addedNames(env: NodeJS.ProcessEnv, fromOptions: readonly string[] = []): string[] {
  const fromEnv = (env[FORWARD_ENV_VARIABLE] ?? "").split(/[\s,]+/).filter(Boolean);
  return [...new Set([...fromOptions, ...fromEnv])];
}

/** Every name whose value is forwarded, in a stable order. */
export function forwardedNames(env: NodeJS.ProcessEnv, fromOptions: readonly string[] = []): string[] {
  return [...new Set([...FORWARDED_CREDENTIALS, ...FORWARDED_SETTINGS, ...addedNames(env, fromOptions)])];
}

/**
 * The forwarded variables set in `env`, as name/value pairs. A name the user added that cannot be
 * forwarded (it is not a name, or the run sets it) is an error, not silently dropped.
 */
export function forwardedValues(
  env: NodeJS.ProcessEnv,
  fromOptions: readonly string[] = [],
): { name: string; value: string }[] {
  for (const name of addedNames(env, fromOptions)) {
    const why = unforwardableReason(name);
    if (why) {
      throw new RemoteError(
        "usage",
        `${name} (in --forward-env or $${FORWARD_ENV_VARIABLE}) ${why}.`,
        `Remove ${name} from --forward-env / $${FORWARD_ENV_VARIABLE}.`,
      );
    }
  }
  return forwardedNames(env, fromOptions)
    .filter((name) => env[name])
    .map((name) => ({ name, value: env[name] as string }));
}

/**
 * The values every log we keep is redacted of: the credentials and whatever names the user added
 * (we cannot know those are harmless). Settings such as a model name are not secrets.
 */
export function credentialValues(env: NodeJS.ProcessEnv, fromOptions: readonly string[] = []): string[] {
  const added = addedNames(env, fromOptions).filter((name) => unforwardableReason(name) === null);
  const names = [...FORWARDED_CREDENTIALS, ...added];
  return [...new Set(names.map((name) => env[name]).filter((v): v is string => Boolean(v)))];
}

/**
 * The variables a Claude Code session sets for what it runs. An agent started on the local target
 * from inside Claude Code (the plugin's MCP server) must not inherit them: a nested Claude Code
 * would think it is part of the user's session (or refuse to start). ANTHROPIC_BASE_URL and the
 * like are not here: they are the user's settings, forwarded on purpose.
 */
export const CLAUDE_SESSION_VARIABLES =
  /^(CLAUDECODE|CLAUDE_CODE_ENTRYPOINT|CLAUDE_CODE_SESSION_ID|CLAUDE_CODE_SSE_PORT|CLAUDE_CODE_MESSAGING_.*|CLAUDE_PLUGIN_.*|CLAUDE_PROJECT_DIR|CLAUDE_ENV_FILE|CLAUDE_CODE_EXECPATH)$/;

/** `env` without a Claude Code session's variables, and without the forwarded ones (they go by FIFO). */
export function scrubbedAgentEnv(
  env: NodeJS.ProcessEnv,
  fromOptions: readonly string[] = [],
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const forwarded = new Set(forwardedNames(env, fromOptions));
  for (const [k, v] of Object.entries(env)) {
    if (CLAUDE_SESSION_VARIABLES.test(k) || forwarded.has(k)) continue;
    out[k] = v;
  }
  return out;
}
