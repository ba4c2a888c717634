/**
 * The detached-run commands: start, status, output, kill, retrieve. Each is a thin adapter over
 * src/core/runs/: parse, call, print, return an exit code.
 */

import type { z } from "zod";
import { ensureStateDir } from "../../core/app/kit.js";
import { finishedAttempts } from "../../core/attempts/attempt-group.js";
import { formatAttempts } from "../../core/attempts/format-attempts.js";
import { summaryExitCode } from "../../core/exit-code.js";
import type { RunOptionsInput } from "../../core/options.js";
import { killRun } from "../../core/runs/kill-run.js";
import { retrieveDetached } from "../../core/runs/retrieve-detached.js";
import { followOutput, runOutput } from "../../core/runs/run-output.js";
import { startDetached } from "../../core/runs/start-detached.js";
import { waitForChange } from "../../core/runs/wait-for-change.js";
import { attemptsStatusField } from "../../core/views/attempts.js";
import { runOutputViewSchema } from "../../core/views/run-output.js";
import { runSummarySchema } from "../../core/views/run-summary.js";
import { runStatusViewSchema, runViewJson, runViewSchema } from "../../core/views/run-view.js";
import { startViewSchema } from "../../core/views/start.js";
import { costSoFarByVm, costSoFarText } from "../../core/vm-inventory.js";
import { formatElapsed } from "../../core/workflow/follow-run.js";
import { formatSummary } from "../../core/workflow/summary.js";
import { ExitCode } from "../../util/errors.js";
import { cliDeps, cliKit } from "../deps.js";
import { printJson, printText } from "../print.js";
import { progressRenderer } from "../render-progress.js";
import { stdoutGone, writeOut } from "../stdio.js";

/** The text, or with --json the data as its view schema has it. */
function print(json: boolean, schema: z.ZodType, data: unknown, text: string): void {
  if (json) printJson(schema, data);
  else printText(text);
}

export async function startCommand(
  base: Omit<RunOptionsInput, "prompt">,
  prompts: string[],
  opts: { json: boolean; autoRetrieve: boolean; signal: AbortSignal },
): Promise<number> {
  await ensureStateDir(); // an unusable environment is refused before anything starts
  const progress = progressRenderer({ json: opts.json });
  const outcomes = await startDetached(cliDeps(progress.listener), base, prompts, opts);
  progress.done();
  const text = outcomes
    .map((o) =>
      o.ok
        ? `${o.state === "launching" ? "launching" : "started"} ${o.runId} ${o.vm ? `on ${o.vm}` : "(getting a machine in the background)"}  "${o.prompt.split("\n")[0].slice(0, 60)}"`
        : `FAILED  ${o.runId}  ${o.error?.message}\n        → ${o.error?.remedy}`,
    )
    .concat(
      outcomes.some((o) => o.ok)
        ? [
            "Follow with: amplihack-remote status --wait 60   |   amplihack-remote output RUN --follow",
            ...(outcomes[0].workerLog ? [`The launch worker logs to ${outcomes[0].workerLog}`] : []),
          ]
        : [],
    )
    .join("\n");
  print(opts.json, startViewSchema, { runs: outcomes }, text);
  return outcomes.every((o) => o.ok) ? ExitCode.ok : ExitCode.runFailed;
}

export async function statusCommand(
  runId: string | undefined,
  opts: { json: boolean; waitSeconds?: number; signal?: AbortSignal },
): Promise<number> {
  const { entries } = await waitForChange(cliDeps(), runId, {
    waitSeconds: opts.waitSeconds ?? 0,
    signal: opts.signal,
  });
  // Best of N: the status of an attempt is that of its group, with the table once all are home.
  const attempts = runId
    ? await finishedAttempts(
        cliDeps(),
        entries.map((e) => e.record),
      )
    : null;
  if (opts.json) {
    printJson(runStatusViewSchema.extend({ attempts: attemptsStatusField }), {
      runs: entries.map((e) => ({
        ...runViewJson(e, e.retrievedNow),
        retrieveError: e.retrieveError ?? null,
      })),
      attempts,
    });
    return ExitCode.ok;
  }
  if (entries.length === 0) {
    printText(
      "No runs yet. Start one with `amplihack-remote start PROMPT` or `amplihack-remote exec auto PROMPT`.",
    );
    return ExitCode.ok;
  }
  // Every line that names a running VM of ours names what it has cost so far.
  const onVm = entries.filter((e) => e.record.target === "azlin" && e.record.vm && !e.record.vm.deleted);
  const costs = await costSoFarByVm(
    cliKit().fleet(),
    onVm.filter((e) => e.record.status === "running").map((e) => e.record.vm!.name),
  );
  const rows = entries.map((e) => {
    const j = runViewJson(e);
    const elapsed = j.elapsedSeconds !== null ? formatElapsed(j.elapsedSeconds) : "-";
    const extra = [
      j.phase && (j.status === "running" || j.status === "pending") ? j.phase : "",
      j.exitCode !== null ? `exit ${j.exitCode}` : "",
      j.status === "running" ? costSoFarText(costs, j.vm) : "",
      j.retrieved ? "retrieved" : "",
      j.queue
        ? `#${j.queue.position} in queue: ${j.queue.reason}${j.queue.resume ? `. ${j.queue.resume}` : ""}`
        : "",
      j.unreachable ? `unreachable: ${j.unreachable}` : "",
      e.retrieveError ? `retrieve failed: ${e.retrieveError}` : "",
      j.error && (j.status === "error" || j.status === "running")
        ? `${j.error.message} → ${j.error.remedy}`
        : "",
    ].filter(Boolean);
    return `${j.runId}  ${j.status.padEnd(10)} ${elapsed.padStart(7)}  ${(j.vm ?? j.target).padEnd(28)} ${j.prompt.slice(0, 40).padEnd(40)} ${extra.join(", ")}`;
  });
  printText(
    [`RUN                   STATUS     ELAPSED  MACHINE                      PROMPT`, ...rows].join("\n"),
  );
  for (const e of entries) if (e.retrievedNow) printText(`\n${formatSummary(e.retrievedNow)}`);
  if (attempts) printText(`\n${formatAttempts(attempts)}`);
  return ExitCode.ok;
}

export async function outputCommand(
  runId: string,
  opts: { lines: number; follow: boolean; json: boolean; signal: AbortSignal },
): Promise<number> {
  const deps = cliDeps();
  if (!opts.follow) {
    const out = await runOutput(deps, runId, { lines: opts.lines });
    print(opts.json, runOutputViewSchema, out, out.text);
    return ExitCode.ok;
  }
  // --follow: the last lines first, then everything new until the run ends (or Ctrl-C).
  const first = await runOutput(deps, runId, { lines: opts.lines });
  if (first.text) writeOut(`${first.text}\n`);
  if (first.source === "retrieved-logs") return ExitCode.ok;
  // Following is only printing: once nobody reads (`| head`, a pager quit), stop.
  await followOutput(deps, runId, writeOut, {
    fromByte: first.bytes,
    signal: AbortSignal.any([opts.signal, stdoutGone()]),
  });
  return ExitCode.ok;
}

export async function killCommand(runId: string, opts: { json: boolean }): Promise<number> {
  const view = await killRun(cliDeps(), runId);
  print(
    opts.json,
    runViewSchema,
    runViewJson(view),
    `${view.record.id}: ${view.record.status}. Its partial work can be fetched with: amplihack-remote retrieve ${view.record.id}`,
  );
  return ExitCode.ok;
}

export async function retrieveCommand(
  runId: string,
  opts: { json: boolean; keepVm: boolean },
): Promise<number> {
  const summary = await retrieveDetached(cliDeps(), runId, { keepVm: opts.keepVm });
  print(opts.json, runSummarySchema, summary, formatSummary(summary));
  return summaryExitCode(summary);
}
