/**
 * remote_execute: start a run. Detached by default (returns with the run id once the checks and the
 * secret gate pass; a worker process acquires, uploads and starts, so no call outlives Claude
 * Code's patience); with `wait: true` the whole run inside
 * this call, streaming progress, stopping the agent and still bringing its work home on cancel.
 */
import { z } from "zod";
import { attemptsExitCode } from "../../core/attempts/attempt-exit.js";
import { executeAttempts } from "../../core/attempts/execute-attempts.js";
import { formatAttempts } from "../../core/attempts/format-attempts.js";
import { formatChain, runChain } from "../../core/continue/run-chain.js";
import type { RunOptionsInput } from "../../core/options.js";
import { formatPlan, planRun, type RunPlan } from "../../core/plan/plan-run.js";
import { startDetached } from "../../core/runs/start-detached.js";
import { MAX_WAIT_SECONDS } from "../../core/runs/wait-for-change.js";
import { attemptsViewSchema } from "../../core/views/attempts.js";
import { chainSchema } from "../../core/views/continue.js";
import { runSummarySchema } from "../../core/views/run-summary.js";
import { executeRun } from "../../core/workflow/execute-run.js";
import { formatSummary } from "../../core/workflow/summary.js";
import { type ErrorCode, RemoteError } from "../../util/errors.js";
import { defineTool } from "../define-tool.js";
import { progressNotifier } from "../progress.js";
import { repoPathInput, runOptionsInput } from "../schemas/run-options.js";

export const remoteExecute = defineTool({
  name: "remote_execute",
  title: "Run an agent task remotely",
  description: [
    "Runs an amplihack task (or any agent command) on a remote Azure VM via azlin, or on the local sandbox target,",
    "and brings the agent's commits home as git refs under refs/remotes/remote-exec/ (never touching your working tree, index or branches).",
    "By default (wait: false) it returns within seconds, once the checks and the secret gate pass, with a runId; getting a VM (minutes),",
    "uploading and starting go on in the background. Follow it with remote_status and its waitSeconds (a wait that returns when the run moves on),",
    "then collect it with retrieve_results. wait: true follows the whole run inside this call (only for short tasks).",
    "Everything that ships is scanned for secrets first; a finding blocks the upload.",
  ].join(" "),
  input: {
    ...runOptionsInput,
    wait: z
      .boolean()
      .default(false)
      .describe(
        "Follow the run to its end inside this call, with progress notifications (default false: start detached and return)",
      ),
    autoRetrieve: z
      .boolean()
      .default(true)
      .describe("Detached runs: bring the results home as soon as remote_status sees the run finished"),
    dryRun: z
      .boolean()
      .default(false)
      .describe(
        "Only plan: validate, size and scan what would ship, say which VM would be reused or created and the worst-case VM cost; start nothing and bill nothing",
      ),
    repoPath: repoPathInput,
  },
  output: {
    mode: z.enum(["detached", "waited", "plan"]),
    runId: z.string(),
    status: z
      .string()
      .describe(
        "pending for a detached start (its launch goes on in the background); the run's outcome when waited",
      ),
    phase: z
      .string()
      .nullable()
      .describe(
        "A detached start's launch phase: queued, then acquiring, uploading, starting (see remote_status)",
      ),
    vm: z
      .string()
      .nullable()
      .describe(
        "The machine the run is on (local for the local target); null while a detached start is still getting one",
      ),
    summary: runSummarySchema.nullable().describe("The run's results, when waited"),
    next: z.array(z.string()).describe("What to do next"),
    plan: z.record(z.string(), z.unknown()).optional().describe("dryRun: what the run would do and cost"),
    chain: chainSchema
      .optional()
      .describe("continueFrom: the runs this one continues, oldest first, then this run"),
    runIds: z
      .array(z.string())
      .optional()
      .describe(
        "attempts: every attempt's run id (runId is the first, and names the group in remote_status)",
      ),
    attempts: attemptsViewSchema
      .nullable()
      .optional()
      .describe(
        "attempts with wait: the table to choose from (status, commits, files, lines, check exit code)",
      ),
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },

  async run(args, { context, signal, extra }) {
    const { wait, autoRetrieve, repoPath, dryRun, ...options } = args;
    if (dryRun)
      return planResult(await planRun(context.deps({ repo: repoPath }), context.fleet, options, signal));
    const notifier = progressNotifier(extra, context.heartbeatMs);
    const deps = context.deps({ onProgress: notifier.listener, repo: repoPath });
    try {
      if (wait && options.attempts) {
        const { view, summaries } = await executeAttempts(deps, options as RunOptionsInput, signal);
        const first = summaries[0];
        return {
          structured: {
            mode: "waited" as const,
            runId: view.group,
            status: attemptsExitCode(view) === 0 ? "succeeded" : "failed",
            phase: null,
            vm: first ? (first.vm ?? first.target) : null,
            summary: null,
            next: [`git merge remote-exec/<run-id>/<branch> with the chosen attempt's ref from the table`],
            runIds: view.rows.map((r) => r.runId),
            attempts: view,
          },
          text: [...summaries.map(formatSummary), formatAttempts(view)].join("\n\n"),
        };
      }
      if (wait) {
        const summary = await executeRun(deps, options as RunOptionsInput, signal);
        const chain = options.continueFrom ? await runChain(deps.store, summary.runId) : null;
        return {
          structured: {
            mode: "waited" as const,
            runId: summary.runId,
            status: summary.status,
            phase: null,
            vm: summary.vm ?? summary.target,
            summary,
            next: summary.next,
            ...(chain ? { chain } : {}),
          },
          text: `${chain ? `Chain: ${formatChain(chain)}\n` : ""}${formatSummary(summary)}`,
          isError: summary.status === "error",
        };
      }
      const { prompt, ...base } = options;
      const outcomes = await startDetached(deps, base, [prompt], { autoRetrieve, signal });
      const outcome = outcomes.find((o) => !o.ok) ?? outcomes[0];
      if (!outcome.ok) {
        const e = outcome.error ?? { code: "internal", message: "The run did not start.", remedy: "Retry." };
        throw new RemoteError(e.code as ErrorCode, e.message, e.remedy, {
          details: { runId: outcome.runId },
        });
      }
      const next = [
        `remote_status {"runId":"${outcome.runId}","waitSeconds":${MAX_WAIT_SECONDS}} returns as soon as the run moves on (phase or status); call it again until the status is no longer pending or running`,
        `remote_output {"runId":"${outcome.runId}"} shows the agent's log once it runs`,
        `retrieve_results {"runId":"${outcome.runId}"} once it has finished (remote_status brings the results home by itself unless autoRetrieve is false)`,
      ];
      const launching = outcome.state === "launching";
      return {
        structured: {
          mode: "detached" as const,
          runId: outcome.runId,
          status: launching ? "pending" : "running",
          phase: launching ? "queued" : null,
          vm: outcome.vm,
          summary: null,
          next,
          ...(options.attempts ? { runIds: outcomes.map((o) => o.runId) } : {}),
        },
        text: [
          launching
            ? `Run ${outcome.runId} passed the checks and the secret gate; a background worker is now getting a machine, uploading and starting the agent. The run survives this session.`
            : `Started run ${outcome.runId} on ${outcome.vm}; it runs detached and survives this session.`,
          "Next:",
          ...next.map((n) => `  ${n}`),
        ].join("\n"),
      };
    } finally {
      notifier.stop();
    }
  },
});

/** dryRun's answer: the plan, and nothing started. */
function planResult(plan: RunPlan) {
  return {
    structured: {
      mode: "plan" as const,
      runId: "",
      status: plan.gate.blocked || !plan.upload.fits ? "would-be-refused" : "planned",
      phase: null,
      vm: plan.machine.vm,
      summary: null,
      next: ["remote_execute with the same arguments and dryRun: false starts it"],
      plan: plan as unknown as Record<string, unknown>,
    },
    text: formatPlan(plan),
  };
}
