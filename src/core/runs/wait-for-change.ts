/**
 * A bounded long poll over `status`: returns as soon as any run's status or phase differs from what
 * the first look saw (or a finished run came home), or when the wait is over, or on cancel. A
 * pending run is read from the state file alone (cheap, so it is looked at every second); a running
 * one is followed over its watcher stream, and polled at the target's own interval only where no
 * stream can run.
 */
import { FINISHED } from "../../state/run-record.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { sleep, waitForPhaseChange } from "../workflow/watch-run.js";
import { attachLease } from "./refresh-run.js";
import { runStatus, type StatusEntry } from "./run-status.js";

/** Well under the 120 s after which Claude Code moves a tool call to the background. */
export const MAX_WAIT_SECONDS = 110;

export interface WaitOptions {
  waitSeconds: number;
  autoRetrieve?: boolean;
  signal?: AbortSignal;
  /** Called after each look that saw no change, with the seconds waited so far. */
  onWaiting?: (entries: StatusEntry[], waitedSeconds: number) => void;
}

export async function waitForChange(
  deps: WorkflowDeps,
  runId: string | undefined,
  options: WaitOptions,
): Promise<{ entries: StatusEntry[]; changed: boolean; waitedSeconds: number }> {
  const look = () => runStatus(deps, runId, { autoRetrieve: options.autoRetrieve, signal: options.signal });
  const started = Date.now();
  const waited = () => Math.round((Date.now() - started) / 1000);
  const first = await look();
  const before = fingerprint(first);
  const budgetMs = Math.min(Math.max(options.waitSeconds, 0), MAX_WAIT_SECONDS) * 1000;
  let entries = first;
  while (entries.some(isActive) && Date.now() - started < budgetMs && !options.signal?.aborted) {
    const remaining = budgetMs - (Date.now() - started);
    // Running runs are followed over their watcher streams (a change is seen within a second, at
    // one connection per run); only where no stream can run is the machine polled.
    if (!(await streamUntilChange(deps, entries, remaining, options.signal))) {
      const left = budgetMs - (Date.now() - started);
      if (left > 0) await sleep(Math.min(intervalMs(deps, entries), left), options.signal);
    }
    if (options.signal?.aborted) break;
    entries = await look();
    if (fingerprint(entries) !== before || entries.some((e) => e.retrievedNow)) {
      return { entries, changed: true, waitedSeconds: waited() };
    }
    options.onWaiting?.(entries, waited());
  }
  return { entries, changed: false, waitedSeconds: waited() };
}

const isActive = (e: StatusEntry) => !FINISHED.includes(e.record.status);

/**
 * What counts as a change: a run's status, its launch phase, its machine's phase, or a queued
 * run's place in line (a user waiting on a queue wants to see it move, not only its end).
 */
export function fingerprint(entries: StatusEntry[]): string {
  return entries
    .map(
      (e) =>
        `${e.record.id}:${e.record.status}:${e.record.phase}:${e.live?.phase ?? ""}:${e.record.queue?.position ?? ""}`,
    )
    .join("|");
}

/**
 * Waits, over one watcher stream per running run, until one of them changes phase or the time is
 * up. False when no stream could run (older runs, unreachable machines, nothing running): poll.
 */
async function streamUntilChange(
  deps: WorkflowDeps,
  entries: StatusEntry[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const running = entries.filter((e) => e.record.status === "running" && e.live);
  if (running.length === 0) return false;
  const first = new AbortController();
  const any = signal ? AbortSignal.any([signal, first.signal]) : first.signal;
  try {
    await Promise.any(
      running.map(async (e) => {
        const { machine } = await attachLease(deps, e.record);
        const seen = await waitForPhaseChange(machine, e.record.id, {
          timeoutMs,
          signal: any,
          since: e.live?.phase,
        });
        if (seen === null) throw new Error("no watcher stream");
      }),
    );
    return true;
  } catch {
    return false;
  } finally {
    first.abort(new Error("one run changed"));
  }
}

function intervalMs(deps: WorkflowDeps, entries: StatusEntry[]): number {
  const running = entries.filter((e) => e.record.status === "running");
  if (running.length === 0) return 1000;
  const seconds =
    deps.pollSeconds ?? Math.min(...running.map((e) => deps.target(e.record.target).pollSeconds));
  return Math.max(200, seconds * 1000);
}
