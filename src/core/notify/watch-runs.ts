/**
 * `status --watch`: wait for the next run to end, bring it home on the way (status retrieves
 * finished detached runs), announce it once and hand its summary to a notify command. Whichever
 * comes first, this or the session hook, announces a run; the other then stays quiet about it.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { FINISHED, type RunRecord } from "../../state/run-record.js";
import { runStatus } from "../runs/run-status.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { takeFinished } from "./announce.js";
import type { RunAnnouncement } from "./summary-line.js";

export interface WatchOptions {
  signal?: AbortSignal;
  /** Seconds between looks at the running runs' machines. */
  pollSeconds?: number;
  /** Called once per run that ended, before the watch returns. */
  onEnded?: (announcement: RunAnnouncement, record: RunRecord | undefined) => Promise<void>;
}

/** The runs that ended (none when nothing was running and nothing was left to announce). */
export async function watchRuns(deps: WorkflowDeps, options: WatchOptions = {}): Promise<RunAnnouncement[]> {
  for (;;) {
    const entries = await runStatus(deps, undefined, { signal: options.signal });
    // A finished run whose results are on their way home waits for them; one that cannot come
    // home (error, or no auto-retrieve) is announced as it is.
    const ready = (r: RunRecord) =>
      r.summary !== null || !r.detached || !r.autoRetrieve || r.status === "error" || r.status === "blocked";
    const ended = await takeFinished(deps.store, ready, deps.env);
    if (ended.length > 0) {
      const runs = (await deps.store.read()).runs;
      for (const a of ended) await options.onEnded?.(a, runs[a.runId]);
      return ended;
    }
    const open = entries.some((e) => !FINISHED.includes(e.record.status) || !ready(e.record));
    if (!open) return [];
    await sleep((options.pollSeconds ?? deps.pollSeconds ?? 15) * 1000, undefined, {
      signal: options.signal,
    });
  }
}

/** Runs the user's notify command with the run's summary as JSON on stdin (never on its command line). */
export async function notifyCommand(
  deps: WorkflowDeps,
  command: string,
  announcement: RunAnnouncement,
  record: RunRecord | undefined,
): Promise<{ ok: boolean; message: string }> {
  const payload = { ...announcement, summary: record?.summary ?? null, endedAt: record?.endedAt ?? null };
  const r = await deps.runner("/bin/sh", ["-c", command], {
    input: `${JSON.stringify(payload)}\n`,
    timeoutMs: 60_000,
    env: { AMPLIHACK_REMOTE_RUN_ID: announcement.runId },
  });
  return r.exitCode === 0
    ? { ok: true, message: "" }
    : {
        ok: false,
        message: `the notify command exited ${r.exitCode}: ${r.stderr.trim().split("\n")[0] ?? ""}`,
      };
}
