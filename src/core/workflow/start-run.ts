/**
 * Stages 1-5 up to a running agent, in this process: the synchronous prepare (validate, package
 * behind the secret gate) then the launch (acquire, transfer, start) that a detached start runs in
 * a worker instead (core/launch/). The run id and the VM name are in durable state before any long
 * step, so a process that dies here leaves nothing that `status` and `cleanup` cannot find.
 */
import { rm } from "node:fs/promises";
import type { ContextPackage } from "../../package/build-context.js";
import type { RunRecord } from "../../state/run-record.js";
import type { Lease } from "../../targets/types.js";
import type { RemoteError } from "../../util/errors.js";
import { launchRun } from "../launch/launch-run.js";
import { sharedUploads } from "../launch/shared-upload.js";
import type { RunOptions } from "../options.js";
import type { Progress } from "../progress.js";
import { newRunId } from "../run-id.js";
import type { WorkflowDeps } from "./deps.js";
import { prepareBatch } from "./prepare-run.js";
import type { StartThenFollow } from "./start-then-follow.js";
import type { Validated } from "./validate.js";
import type { OpenedStream } from "./watch-run.js";

export interface StartedRun {
  record: RunRecord;
  lease: Lease;
  validated: Validated;
  pkg: ContextPackage;
  /** With a start that goes on following: its open watcher stream, for the follow to adopt. */
  opened?: OpenedStream | null;
  /** With a start that goes on following: the ownership tags, added beside the follow (launch-run.ts). */
  confirmed?: Promise<RemoteError | null>;
}

export async function startRun(
  deps: WorkflowDeps,
  options: RunOptions,
  progress: Progress,
  signal?: AbortSignal,
  runId: string = newRunId(),
  /** exec: the start's connection goes on to follow the run (start-then-follow.ts). */
  follow?: StartThenFollow,
): Promise<StartedRun> {
  const { runs, validated, pkg } = await prepareBatch(deps, [{ runId, options }], progress, signal);
  try {
    const { record, lease, confirmed } = await launchRun(
      deps,
      {
        run: runs[0],
        target: validated.target,
        uploads: sharedUploads(pkg, validated.git),
        repoGit: validated.git,
        startConnection: follow,
      },
      progress,
      signal,
    );
    return { record, lease, validated, pkg, opened: follow?.take(), confirmed };
  } catch (err) {
    follow?.close();
    await rm(pkg.dir, { recursive: true, force: true });
    throw err;
  }
}
