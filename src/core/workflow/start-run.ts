/**
 * Stages 1-5 up to a running agent: validate, package (behind the secret gate), acquire a
 * machine, transfer and launch. The run id and the VM name are in durable state before any long
 * step, so a process that dies here leaves nothing that `status` and `cleanup` cannot find.
 */
import { rm } from "node:fs/promises";
import { commitsPresent } from "../../git/commits-present.js";
import type { Git } from "../../git/git.js";
import { dropWipRef } from "../../git/wip-snapshot.js";
import { buildContext, type ContextPackage, thinArchive } from "../../package/build-context.js";
import {
  ARCHIVE_NAME,
  cacheProbeScript,
  describeStartFailure,
  prepareScript,
  runDir,
  startScript,
} from "../../remote/protocol.js";
import { newRunRecord, type RunRecord } from "../../state/run-record.js";
import type { Lease, Machine } from "../../targets/types.js";
import { asRemoteError, RemoteError } from "../../util/errors.js";
import type { RunOptions } from "../options.js";
import type { Progress } from "../progress.js";
import { newRunId } from "../run-id.js";
import type { WorkflowDeps } from "./deps.js";
import { type Validated, validateRun } from "./validate.js";

export interface StartedRun {
  record: RunRecord;
  lease: Lease;
  validated: Validated;
  pkg: ContextPackage;
}

export async function startRun(
  deps: WorkflowDeps,
  options: RunOptions,
  progress: Progress,
  signal?: AbortSignal,
  runId: string = newRunId(),
): Promise<StartedRun> {
  progress.report("validate", "checking the repository, credentials and target");
  const validated = await validateRun(deps, options, signal);
  for (const w of validated.facts.warnings) progress.report("validate", `warning: ${w}`);
  const record = newRunRecord({
    id: runId,
    repo: validated.facts.root,
    target: options.target,
    command: options.command,
    promptPreview: preview(options.prompt),
    keepVm: options.keepVm,
    driverPid: process.pid,
  });
  await deps.store.putRun(record);

  let pkg: ContextPackage;
  try {
    progress.report("package", "packaging the repository, uncommitted work and .claude/");
    pkg = await buildContext({
      git: validated.git,
      facts: validated.facts,
      runId,
      options,
      agent: {
        argv: validated.invocation.argv,
        ensureTooling: validated.invocation.isDefaultAgent && validated.target.needsAgentTooling,
      },
      cwd: deps.cwd,
      cacheDir: deps.scanCacheDir,
      env: deps.env,
      signal,
      onProgress: (m) => progress.report("scan", m),
    });
  } catch (err) {
    const e = err instanceof RemoteError ? err : null;
    await deps.store.patchRun(runId, {
      status: e?.code === "secret-found" ? "blocked" : "error",
      endedAt: new Date().toISOString(),
      error: e ? { code: e.code, message: firstLine(e.message), remedy: e.remedy } : null,
    });
    throw err;
  }
  await deps.store.patchRun(runId, { shippedHeads: pkg.manifest.heads });

  let lease: Lease | undefined;
  try {
    progress.report("acquire", `finding or preparing a machine (${validated.target.name})`);
    lease = await validated.target.acquire({
      runId,
      options,
      signal,
      onVmKnown: async (vm) => {
        await deps.store.patchRun(runId, { vm: { name: vm.name, created: vm.created, deleted: false } });
      },
      onProgress: (m) => progress.report("acquire", m),
    });
    const machine = lease.machine;
    await deps.store.patchRun(runId, {
      vm: { name: machine.name, created: lease.created, deleted: false },
    });

    const prep = await machine.exec(prepareScript(runId), { signal });
    if (prep.exitCode !== 0) {
      throw new RemoteError(
        "remote-failed",
        `Could not create the run directory on ${machine.name}: ${prep.stderr.trim()}`,
        "Check the machine's disk space and permissions.",
      );
    }
    // A reused VM already holds earlier runs' objects: send only what it lacks.
    let upload = {
      archivePath: pkg.archivePath,
      archiveSha256: pkg.archiveSha256,
      archiveBytes: pkg.archiveBytes,
    };
    if (lease.reused) {
      const known = await knownCommits(machine, validated.git, pkg.manifest.repoKey, signal);
      if (known.length > 0) upload = await thinArchive(pkg, known);
    }
    const thin = upload.archivePath !== pkg.archivePath;
    progress.report(
      "transfer",
      `uploading ${(upload.archiveBytes / 1024 / 1024).toFixed(2)} MB to ${machine.name}${thin ? " (only what it lacks)" : ""}`,
    );
    await machine.upload(upload.archivePath, `${runDir(runId)}/${ARCHIVE_NAME}`, signal);

    progress.report("execute", "verifying the upload and starting the agent");
    const credentialLines = validated.credentials.map((c) => `${c.name}=${c.value}\n`).join("");
    const started = await machine.exec(startScript(runId, upload.archiveSha256), {
      input: credentialLines,
      signal,
      timeoutMs: 5 * 60_000,
    });
    if (started.exitCode !== 0) {
      const { why, remedy } = describeStartFailure(started.exitCode, started.stderr, machine.howToReach);
      throw new RemoteError("remote-failed", `Could not start the run on ${machine.name}: ${why}`, remedy);
    }
    const running = await deps.store.patchRun(runId, {
      status: "running",
      startedAt: new Date().toISOString(),
    });
    return { record: running, lease, validated, pkg };
  } catch (err) {
    const e = err instanceof RemoteError ? err : null;
    // A failed acquire says what became of the VM it named: never made, or made and deleted.
    const gone = e?.details.vm && (e.details.vmExists === false || e.details.vmDeleted === true);
    await deps.store.update((state) => {
      const r = state.runs[runId];
      if (!r) return;
      r.status = "error";
      r.endedAt = r.updatedAt = new Date().toISOString();
      r.error = e ? { code: e.code, message: firstLine(e.message), remedy: e.remedy } : null;
      if (gone && r.vm && r.vm.name === e?.details.vm) r.vm = { ...r.vm, deleted: true };
    });
    // The run never started: give the machine back now (deleting it only if we made it), and
    // say in the error what became of it, so no one is sent to a VM that is gone or left one billing.
    let thrown = err;
    if (lease) {
      const name = lease.machine.name;
      const outcome = await lease
        .release({ keep: options.keepVm })
        .catch((releaseErr) => ({ deleted: false, kept: false, message: asRemoteError(releaseErr).message }));
      if (outcome.deleted && lease.created) {
        await deps.store.patchRun(runId, { vm: { name, created: true, deleted: true } });
      }
      thrown = withMachineFate(asRemoteError(err), name, lease.created, outcome);
    }
    await rm(pkg.dir, { recursive: true, force: true });
    await dropWipRef(validated.git, runId);
    throw thrown;
  }
}

/** The start error, completed with what happened to the machine this run held. */
function withMachineFate(
  e: RemoteError,
  vm: string,
  created: boolean,
  outcome: { deleted: boolean; kept: boolean; message: string },
): RemoteError {
  if (vm === "local") return e;
  const note = outcome.deleted
    ? `The VM ${vm} this run created was deleted.`
    : created && !outcome.kept
      ? `The VM ${vm} this run created could not be deleted and may still be billing: ${outcome.message}`
      : outcome.message;
  const remedy = outcome.deleted
    ? "Run the command again to retry (a new VM will be used); nothing is left behind."
    : created && !outcome.kept
      ? `Delete it with \`amplihack-remote cleanup ${vm}\`, then run the command again.`
      : e.remedy;
  return new RemoteError(e.code, `${e.message}\n${note}`, remedy, {
    cause: e,
    details: { ...e.details, vm, vmDeleted: outcome.deleted },
  });
}

/** Commits the machine's repository cache holds that this repository also has (prerequisites must exist here too). */
async function knownCommits(
  machine: Machine,
  git: Git,
  repoKey: string,
  signal?: AbortSignal,
): Promise<string[]> {
  if (!repoKey) return [];
  const probe = await machine
    .exec(cacheProbeScript(repoKey), { signal, timeoutMs: 120_000 })
    .catch(() => null);
  const candidates =
    probe?.exitCode === 0 ? probe.stdout.split("\n").filter((l) => /^[0-9a-f]{40,64}$/.test(l)) : [];
  return commitsPresent(git, candidates);
}

function preview(prompt: string): string {
  const line = prompt.trim().split("\n")[0];
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

const firstLine = (s: string) => s.split("\n")[0];
