/**
 * What continuing changes in a run: it runs where the earlier run ran (its target; its VM when that
 * was kept), starts from the earlier run's result commit on the same branch, and tells the runner
 * which run it continues so the agent's session can be carried over there (src/remote/runner.sh,
 * "continuing an earlier run").
 */
import { RemoteError } from "../../util/errors.js";
import { type AgentInvocation, RESUME_ARG } from "../agent-invocation.js";
import type { RunOptions } from "../options.js";
import type { Parent } from "./resolve-parent.js";

/** The run's options as continuing makes them: the full parent id, its target, its kept VM. */
export function continuedOptions(options: RunOptions, parent: Parent): RunOptions {
  const target = parent.record.target;
  const onKeptVm = target === "azlin" && parent.keptVm !== null && !options.vmName;
  return {
    ...options,
    continueFrom: parent.record.id,
    target,
    ...(onKeptVm ? { vmName: parent.keptVm ?? undefined } : {}),
  };
}

/** Where the package starts the agent: the earlier run's result, on its branch. */
export function continuedStart(parent: Parent): { commit: string; branch: string } {
  return { commit: parent.commit, branch: parent.branch };
}

/** runner.sh's parameters for continuing; the resume argument when the default agent was given it. */
export function continueParams(parent: Parent, agent: AgentInvocation): Record<string, string> {
  const resumes = agent.isDefaultAgent && agent.argv.includes(RESUME_ARG);
  return { AR_CONTINUE_FROM: parent.record.id, ...(resumes ? { AR_RESUME_ARG: RESUME_ARG } : {}) };
}

/** The result commits live in the repository the earlier run came from, and only there. */
export function refuseOtherRepo(parent: Parent, root: string): void {
  if (parent.record.repo === root) return;
  throw new RemoteError(
    "usage",
    `Run ${parent.record.id} belongs to ${parent.record.repo}, not to ${root}: its results are there.`,
    `Continue it from that repository (cd ${parent.record.repo}).`,
  );
}
