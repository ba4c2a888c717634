/**
 * Stage 1: everything cheap before anything that costs time or money. One clear message and a
 * remedy for the first thing that is wrong.
 */
import { access } from "node:fs/promises";
import { join } from "node:path";
import { createGit, type Git } from "../../git/git.js";
import { type RepoFacts, readRepoFacts } from "../../git/repo-facts.js";
import { timeoutSeconds } from "../../package/build-context.js";
import type { Target } from "../../targets/types.js";
import { forwardedValues, hasClaudeAccess } from "../../util/credentials.js";
import { RemoteError } from "../../util/errors.js";
import { type AgentInvocation, agentInvocation } from "../agent-invocation.js";
import type { RunOptions } from "../options.js";
import { queueSettings, runsQueue } from "../queue/settings.js";
import type { WorkflowDeps } from "./deps.js";
import { runKnobs } from "./run-knobs.js";

export interface Validated {
  git: Git;
  facts: RepoFacts;
  invocation: AgentInvocation;
  /** NAME=VALUE lines for the agent's environment; only ever written to a child's stdin. */
  credentials: { name: string; value: string }[];
  target: Target;
}

export async function validateRun(
  deps: WorkflowDeps,
  options: RunOptions,
  signal?: AbortSignal,
): Promise<Validated> {
  const { validated, targetChecked } = await beginValidation(deps, options, signal);
  await targetChecked;
  return validated;
}

/**
 * The local checks, answered; the target's (azlin: one `list`, seconds on a real one) still under
 * way in `targetChecked`, for a caller that packages meanwhile. A local problem is the one
 * reported, whatever the target's check says; the caller awaits `targetChecked` before anything
 * is recorded, provisioned or uploaded, so its failure stops the run as before.
 */
export async function beginValidation(
  deps: WorkflowDeps,
  options: RunOptions,
  signal?: AbortSignal,
): Promise<{ validated: Validated; targetChecked: Promise<void> }> {
  const target = deps.target(options.target);
  // The queue's settings and the run's knobs are read where a run is launched, which for a
  // detached run is a worker the user no longer watches: a bad AMPLIHACK_REMOTE_* value must
  // fail here, before anything.
  if (runsQueue(target, options)) queueSettings(deps.env, options.maxVms);
  runKnobs(deps.env);
  timeoutSeconds(options, deps.env);
  const localFailed = new AbortController();
  const targetChecked = target.validate(
    signal ? AbortSignal.any([signal, localFailed.signal]) : localFailed.signal,
  );
  targetChecked.catch(() => {});
  const local = await checkLocal(deps, options).catch((err) => {
    localFailed.abort(err); // nothing waits for the target's answer then
    throw err;
  });
  return { validated: { ...local, target }, targetChecked };
}

/** The repository, the .claude/ directory and the credentials: all read here, nothing spent. */
async function checkLocal(deps: WorkflowDeps, options: RunOptions): Promise<Omit<Validated, "target">> {
  const facts = await readRepoFacts(deps.cwd, deps.runner);
  const git = createGit(facts.root, deps.runner);
  try {
    await access(join(facts.root, ".claude"));
  } catch {
    throw new RemoteError(
      "no-claude-dir",
      `No .claude/ directory in ${facts.root}.`,
      "amplihack needs the project's .claude/ directory; create it (mkdir .claude) or run from the project root that has one.",
    );
  }
  const invocation = agentInvocation(options);
  const credentials = forwardedValues(deps.env, options.forwardEnv);
  for (const c of credentials) {
    if (/[\r\n\0]/.test(c.value)) {
      throw new RemoteError(
        "no-credential",
        `${c.name} contains a line break or NUL byte.`,
        `Set ${c.name} to the bare key value.`,
      );
    }
  }
  if (invocation.isDefaultAgent && !hasClaudeAccess(deps.env)) {
    throw new RemoteError(
      "no-credential",
      "No Claude credential is set (ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN); the amplihack agent needs one on the VM.",
      "export ANTHROPIC_API_KEY=... or, with a Claude subscription, CLAUDE_CODE_OAUTH_TOKEN=... from `claude setup-token` (it reaches the agent through its environment only); or use --agent-command for another agent.",
    );
  }
  return { git, facts, invocation, credentials };
}
