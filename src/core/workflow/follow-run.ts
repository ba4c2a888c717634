/**
 * Stage 5, watching: follows the run on the machine until the runner says it is done, over one
 * watcher stream (watch-run.ts), polling only as a fallback. The timeout is enforced on the
 * machine; this only notices a runner that died (heartbeat stale) or a machine that stopped
 * answering, and reports progress meanwhile.
 */

import { parseRemoteStatus, type RemoteStatus, statusScript, tailScript } from "../../remote/protocol.js";
import type { Machine } from "../../targets/types.js";
import { RemoteError } from "../../util/errors.js";
import { sanitizeTerminalText } from "../../util/terminal-text.js";
import type { Progress } from "../progress.js";
import {
  noteResultsChecksum,
  type OpenedStream,
  STALE_HEARTBEAT_S,
  sleep,
  type WatchOptions,
  watchRun,
} from "./watch-run.js";

export interface FollowOptions {
  /** Seconds between status queries when streaming is not possible. */
  pollSeconds: number;
  /** Give up following (the run goes on) after this long without a "done". */
  deadlineMs: number;
  signal?: AbortSignal;
  /** Seconds between the watcher's heartbeats (tests shorten it). */
  beatSeconds?: number;
  /** Have the results (up to this size) come over the stream at the end; absent: RESULTS_OVER_STREAM_MAX. */
  resultsMaxBytes?: number;
  /** The watcher stream the start left open (exec), taken as the first connection. */
  opened?: OpenedStream | null;
}

const TAIL_MARK = "\n@@amplihack-remote-tail@@\n";
const MAX_CONSECUTIVE_FAILURES = 5;
/**
 * Results up to this size come home over the watcher's stream at the run's end (no copy of their
 * own: a connection fewer, seconds on a real VM); larger ones are copied with `azlin cp`.
 */
export const RESULTS_OVER_STREAM_MAX = 32 * 1024 * 1024;

export async function readStatus(
  machine: Machine,
  runId: string,
  signal?: AbortSignal,
): Promise<{ status: RemoteStatus; tail: string }> {
  const r = await machine.exec(
    `${statusScript(runId)}; printf '${TAIL_MARK.replace(/\n/g, "\\n")}'; ${tailScript(runId, 600)}`,
    {
      signal,
      timeoutMs: 120_000,
    },
  );
  if (r.exitCode !== 0) {
    throw new RemoteError(
      "remote-failed",
      `Status query on ${machine.name} failed (exit ${r.exitCode}): ${r.stderr.trim()}`,
      "Retry `amplihack-remote status`.",
    );
  }
  const at = r.stdout.indexOf(TAIL_MARK);
  const head = at >= 0 ? r.stdout.slice(0, at) : r.stdout;
  // The agent's log is the machine's text: no escape sequence of it reaches a terminal.
  const tail = at >= 0 ? sanitizeTerminalText(r.stdout.slice(at + TAIL_MARK.length)) : "";
  return { status: parseRemoteStatus(head), tail };
}

/**
 * Follows a run to its end: over one watcher stream (phase changes and the log's last line as
 * they happen, the agent's exit noticed within a second), polling only when streaming cannot work.
 */
export async function followRun(
  machine: Machine,
  runId: string,
  progress: Progress,
  options: FollowOptions,
): Promise<RemoteStatus & { exists: true }> {
  const started = Date.now();
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(deadlineError(machine, runId)),
    Math.max(0, options.deadlineMs),
  );
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  let phase = "starting";
  let lastLine = "";
  let shownAt = 0;
  const show = (force: boolean) => {
    const now = Date.now();
    if (!force && now - shownAt < 1_000) return;
    shownAt = now;
    const elapsed = formatElapsed(Math.round((now - started) / 1000));
    progress.report("execute", `${phase} ${elapsed}${lastLine ? ` · ${lastLine}` : ""}`);
  };
  try {
    const outcome = await watchRun(
      machine,
      runId,
      {
        onPhase: (p) => {
          phase = p;
          show(true);
        },
        onBeat: () => show(false),
        onLogLine: (line) => {
          // The agent's log is the machine's text: no escape sequence of it reaches a terminal.
          const clean = sanitizeTerminalText(line).trim();
          if (!clean) return;
          lastLine = clean.slice(0, 120);
          show(false);
        },
        onReconnect: (_n, why) =>
          progress.report("execute", `${phase}: reconnecting to ${machine.name} (${why})`),
      },
      { ...followWatch(options), signal, opened: options.opened },
    );
    if (outcome.kind === "done") return outcome.status;
    progress.report("execute", `${phase}: polling ${machine.name} (${outcome.why})`);
    return await pollRun(machine, runId, progress, { ...options, signal, started });
  } catch (err) {
    if (deadline.signal.aborted && !options.signal?.aborted) throw deadline.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** What following asks the watcher for: the log's recent lines on, heartbeats, the results at the end. */
export function followWatch(options: Pick<FollowOptions, "beatSeconds" | "resultsMaxBytes">): WatchOptions {
  return {
    fromByte: -600,
    beatSeconds: options.beatSeconds,
    resultsMaxBytes: options.resultsMaxBytes ?? RESULTS_OVER_STREAM_MAX,
  };
}

function deadlineError(machine: Machine, runId: string): RemoteError {
  return new RemoteError(
    "remote-failed",
    `The run on ${machine.name} did not finish within the expected time; it keeps its own timeout there.`,
    `Check it with \`amplihack-remote status ${runId}\`.`,
    { details: { resumable: true } },
  );
}

/** The fallback: one status query per poll, for runs without the watcher or links that keep failing. */
async function pollRun(
  machine: Machine,
  runId: string,
  progress: Progress,
  options: FollowOptions & { started: number },
): Promise<RemoteStatus & { exists: true }> {
  const started = options.started;
  let failures = 0;
  let lastError: unknown;
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error("aborted");
    try {
      const { status, tail } = await readStatus(machine, runId, options.signal);
      failures = 0;
      if (!status.exists) {
        throw new RemoteError(
          "remote-failed",
          `The run directory of ${runId} is gone from ${machine.name}.`,
          "The machine may have been replaced; check `amplihack-remote vms`.",
        );
      }
      if (status.phase === "done") {
        noteResultsChecksum(machine, runId, status);
        return status;
      }
      if (status.heartbeatAge !== null && status.heartbeatAge > STALE_HEARTBEAT_S) {
        throw new RemoteError(
          "remote-failed",
          `The run on ${machine.name} stopped reporting (last heartbeat ${status.heartbeatAge}s ago, phase ${status.phase}).`,
          `The machine may have rebooted. Inspect it: ${machine.howToReach}`,
        );
      }
      const elapsed = Math.round((Date.now() - started) / 1000);
      const lastLine = tail.trimEnd().split("\n").pop()?.slice(0, 120) ?? "";
      progress.report(
        "execute",
        `${status.phase} ${formatElapsed(elapsed)}${lastLine ? ` · ${lastLine}` : ""}`,
      );
    } catch (err) {
      if (err instanceof RemoteError && err.code === "remote-failed") throw err;
      if (options.signal?.aborted) throw options.signal.reason ?? err;
      // A dropped ssh connection mid-run is expected on long runs: retry a few times.
      lastError = err;
      failures += 1;
      if (failures >= MAX_CONSECUTIVE_FAILURES) {
        throw new RemoteError(
          "remote-failed",
          `Lost contact with ${machine.name} while the run was going (${(err as Error).message}). The run itself continues there.`,
          `Follow it later with \`amplihack-remote status ${runId}\` and \`amplihack-remote retrieve ${runId}\`.`,
          { cause: lastError, details: { resumable: true } },
        );
      }
    }
    await sleep(options.pollSeconds * 1000, options.signal);
  }
}

export function formatElapsed(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m}m${String(s).padStart(2, "0")}s` : `${s}s`;
}
