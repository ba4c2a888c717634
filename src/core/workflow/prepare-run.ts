/**
 * The synchronous half of a start: validate, record, package and gate. Cheap checks and the secret
 * gate run here, so their failures reach the caller at once with their remedies; nothing has cost
 * money yet. A batch of prompts is validated once and packaged once: the runs differ only in their
 * prompt, which travels apart from the shared archive (src/remote/run-files.ts).
 */
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { buildContext, type ContextPackage } from "../../package/build-context.js";
import { newRunRecord, type RunRecord } from "../../state/run-record.js";
import { RemoteError } from "../../util/errors.js";
import { agentInvocation } from "../agent-invocation.js";
import { checkParams } from "../attempts/check-params.js";
import {
  continuedOptions,
  continuedStart,
  continueParams,
  refuseOtherRepo,
} from "../continue/continued-run.js";
import { resolveParent } from "../continue/resolve-parent.js";
import type { RunOptions } from "../options.js";
import type { Progress } from "../progress.js";
import type { WorkflowDeps } from "./deps.js";
import { beginValidation, type Validated } from "./validate.js";

export interface PreparedRun {
  runId: string;
  options: RunOptions;
  /** The agent's argv for this run's prompt (the shared archive holds the first run's). */
  argv: string[];
}

export interface PreparedBatch {
  runs: PreparedRun[];
  validated: Validated;
  pkg: ContextPackage;
}

export async function prepareBatch(
  deps: WorkflowDeps,
  asked: { runId: string; options: RunOptions }[],
  progress: Progress,
  signal?: AbortSignal,
): Promise<PreparedBatch> {
  // A continued run (core/continue/) starts from an earlier run's result, where that run ran.
  const asked0 = asked[0].options;
  const parent = asked0.continueFrom ? await resolveParent(deps, asked0.continueFrom) : null;
  const runs = parent ? asked.map((r) => ({ ...r, options: continuedOptions(r.options, parent) })) : asked;
  const first = runs[0].options;
  progress.report("validate", "checking the repository, credentials and target");
  // The temporary directories of our killed processes (a package is the whole history) go while
  // this one starts; never fails, and only awaited once this batch is packaged.
  const swept = deps.launcher?.sweep() ?? Promise.resolve(0);
  const { validated, targetChecked } = await beginValidation(deps, first, signal);
  if (parent) refuseOtherRepo(parent, validated.facts.root);
  for (const w of validated.facts.warnings) progress.report("validate", `warning: ${w}`);
  // Packaging and the secret gate only read the user's repository: they run while the target's
  // check is answered. That check still decides first: until it passes nothing is recorded, and
  // its failure is the one reported (the package made meanwhile is dropped).
  const packagingStopped = new AbortController();
  progress.report("package", "packaging the repository, uncommitted work and .claude/");
  const packaged = buildContext({
    git: validated.git,
    facts: validated.facts,
    runId: runs[0].runId,
    options: first,
    agent: {
      argv: validated.invocation.argv,
      ensureTooling: validated.invocation.isDefaultAgent && validated.target.needsAgentTooling,
    },
    cwd: deps.cwd,
    start: parent ? continuedStart(parent) : undefined,
    extraParams: {
      ...checkParams(first, deps.env),
      ...(parent ? continueParams(parent, validated.invocation) : {}),
    },
    cacheDir: deps.scanCacheDir,
    // Kept bundles live beside the scan cache, in the state directory (package/bundle-cache.ts).
    packageCacheDir: deps.scanCacheDir && join(dirname(deps.scanCacheDir), "package-cache"),
    env: deps.env,
    signal: signal ? AbortSignal.any([signal, packagingStopped.signal]) : packagingStopped.signal,
    onProgress: (m) => progress.report("scan", m),
  });
  packaged.catch(() => {});
  try {
    await targetChecked;
  } catch (err) {
    packagingStopped.abort(err);
    await packaged.then((pkg) => rm(pkg.dir, { recursive: true, force: true })).catch(() => {});
    throw err;
  }
  // One write of the state file for the whole batch: each write takes its lock.
  const records = runs.map(({ runId, options }, i) =>
    newRunRecord({
      id: runId,
      repo: validated.facts.root,
      target: options.target,
      command: options.command,
      promptPreview: preview(options.prompt),
      keepVm: options.keepVm,
      // Only an agent that takes the cap gets it (agent-invocation.ts): the summary says so.
      maxBudgetUsd: validated.invocation.isDefaultAgent ? (options.maxBudgetUsd ?? null) : null,
      driverPid: process.pid,
      parentRunId: parent?.record.id ?? null,
      // Best of N: the attempts share the first run's id as their group (core/attempts/).
      attemptGroup: options.attempts ? runs[0].runId : null,
      attempt: options.attempts ? i + 1 : null,
    }),
  );
  try {
    await deps.store.update((state) => {
      for (const record of records) state.runs[record.id] = record;
    });
  } catch (err) {
    await packaged.then((pkg) => rm(pkg.dir, { recursive: true, force: true })).catch(() => {});
    throw err;
  }
  let pkg: ContextPackage;
  try {
    pkg = await packaged;
  } catch (err) {
    const e = err instanceof RemoteError ? err : null;
    await patchAll(deps, runs, {
      status: e?.code === "secret-found" ? "blocked" : "error",
      endedAt: new Date().toISOString(),
      error: e ? { code: e.code, message: firstLine(e.message), remedy: e.remedy } : null,
    });
    throw err;
  }
  try {
    await patchAll(deps, runs, { shippedHeads: pkg.manifest.heads });
  } catch (err) {
    await rm(pkg.dir, { recursive: true, force: true });
    throw err;
  }
  await swept;
  return {
    runs: runs.map(({ runId, options }) => ({ runId, options, argv: agentInvocation(options).argv })),
    validated,
    pkg,
  };
}

/** The same patch to every run of the batch, in one write of the state file. */
async function patchAll(
  deps: WorkflowDeps,
  runs: { runId: string }[],
  patch: Partial<RunRecord>,
): Promise<void> {
  await deps.store.update((state) => {
    const at = new Date().toISOString();
    for (const { runId } of runs) {
      const current = state.runs[runId];
      if (current) state.runs[runId] = { ...current, ...patch, updatedAt: at };
    }
  });
}

function preview(prompt: string): string {
  const line = prompt.trim().split("\n")[0];
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

export const firstLine = (s: string) => s.split("\n")[0];
