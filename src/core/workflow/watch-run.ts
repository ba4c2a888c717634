/**
 * Follows a run over one long-lived connection: the watcher (src/remote/watch.sh) prints phase
 * changes, heartbeats and, when asked, the agent's new log bytes as they happen, and ends with the
 * run. A dropped link is reopened with backoff and resumes at the last byte received; a link that
 * keeps failing without delivering anything hands over to polling (the caller's fallback).
 */

import { createHash } from "node:crypto";
import { RESULTS_NAME, type RemoteStatus, runDir } from "../../remote/protocol.js";
import {
  LogLines,
  parseWatchLine,
  ResultsCopy,
  type WatchRequest,
  watchCommand,
} from "../../remote/watch.js";
import type { Machine, StreamExecResult } from "../../targets/types.js";
import { RemoteError } from "../../util/errors.js";

/** A heartbeat older than this means the runner is gone (machine rebooted, process killed). */
export const STALE_HEARTBEAT_S = 90;

export interface WatchHandlers {
  onPhase?: (phase: string) => void;
  onBeat?: (beat: { heartbeatAge: number | null; logBytes: number }) => void;
  /** Each whole line of agent.log, once, as the machine wrote it (untrusted: sanitise before showing). */
  onLogLine?: (line: string) => void;
  /** A stream dropped and is being reopened (tests and progress lines see it). */
  onReconnect?: (attempt: number, why: string) => void;
}

/**
 * A watcher stream already open (a start that went on watching: start-then-follow.ts), for
 * watchRun to take as its first connection.
 */
export interface OpenedStream {
  /**
   * Hands the stream's lines to `onLine` (those that came while nobody listened first) and
   * settles as machine.stream does; `signal` ends it. Once only.
   */
  adopt(onLine: (line: string) => void, signal: AbortSignal): Promise<StreamExecResult>;
}

export interface WatchOptions {
  /** Send the log from this byte (negative: that many bytes before its end); absent: no log. */
  fromByte?: number;
  signal?: AbortSignal;
  beatSeconds?: number;
  /** Consecutive connections that deliver nothing before giving up on streaming. */
  maxFailures?: number;
  /** Waits before reopening the n-th time; the last repeats. */
  backoffMs?: readonly number[];
  /**
   * Have the watcher send the results archive (up to this many bytes) before its end record, for
   * the machine to hand to the retrieval instead of a copy of its own (one azlin call fewer).
   */
  resultsMaxBytes?: number;
  /** A watcher stream the start left open (start-then-follow.ts): the first connection, none opened. */
  opened?: OpenedStream | null;
}

export type WatchOutcome =
  | { kind: "done"; status: RemoteStatus & { exists: true }; connections: number }
  /** Streaming is not possible (an older run without the watcher, or links that keep failing): poll. */
  | { kind: "poll"; why: string; logBytesReceived: number | null; connections: number };

const DEFAULT_BACKOFF_MS = [500, 1_000, 2_000, 4_000, 8_000] as const;

export async function watchRun(
  machine: Machine,
  runId: string,
  handlers: WatchHandlers,
  options: WatchOptions = {},
): Promise<WatchOutcome> {
  const first = firstWatchRequest(machine, options);
  const { beatSeconds, wantLog, resultsMaxBytes } = first;
  const maxFailures = options.maxFailures ?? 5;
  const backoff = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const log = new LogLines(
    options.fromByte === undefined || options.fromByte < 0 ? null : options.fromByte,
    (line) => handlers.onLogLine?.(line),
  );
  let failures = 0;
  let connections = 0;
  let lastPhase: string | null = null;
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error("aborted");
    let end: (RemoteStatus & { exists: true }) | null = null;
    let gone = false;
    let noWatcher = false;
    let heard = false;
    let fatal: RemoteError | null = null;
    // A link can die silently (a half-open TCP connection): no record for three beats means dead.
    const link = new AbortController();
    let silence: NodeJS.Timeout | undefined;
    const listen = () => {
      clearTimeout(silence);
      silence = setTimeout(
        () => link.abort(new Error("no heartbeat from the watcher")),
        (3 * beatSeconds + 30) * 1000,
      );
    };
    const stop = () => link.abort(options.signal?.reason);
    options.signal?.addEventListener("abort", stop, { once: true });
    const fromByte = !wantLog ? 0 : (log.received ?? first.fromByte);
    const results = new ResultsCopy(resultsMaxBytes);
    let why = "";
    connections += 1;
    listen();
    const opened = connections === 1 ? options.opened : null;
    try {
      const onLine = (line: string) => {
        const record = parseWatchLine(line);
        if (!record) return;
        heard = true;
        listen();
        switch (record.kind) {
          case "no-watcher":
            noWatcher = true;
            return;
          case "phase":
            if (record.phase !== lastPhase) handlers.onPhase?.(record.phase);
            lastPhase = record.phase;
            return;
          case "beat":
            if (
              record.heartbeatAge !== null &&
              record.heartbeatAge > STALE_HEARTBEAT_S &&
              lastPhase !== "done"
            ) {
              fatal = new RemoteError(
                "remote-failed",
                `The run on ${machine.name} stopped reporting (last heartbeat ${record.heartbeatAge}s ago, phase ${lastPhase ?? "unknown"}).`,
                `The machine may have rebooted. Inspect it: ${machine.howToReach}`,
              );
              link.abort(fatal);
              return;
            }
            handlers.onBeat?.(record);
            return;
          case "log":
            log.add(record.offset, record.data);
            return;
          case "results":
            results.start(record.bytes);
            return;
          case "results-data":
            results.add(record.data);
            return;
          case "end":
            if (record.status.exists) end = record.status;
            else gone = true;
            return;
        }
      };
      await (opened
        ? opened.adopt(onLine, link.signal)
        : machine.stream(watchCommand(runId, { ...first, fromByte }), onLine, { signal: link.signal }));
    } catch (err) {
      why = (err as Error).message;
    } finally {
      clearTimeout(silence);
      options.signal?.removeEventListener("abort", stop);
    }
    if (fatal) throw fatal;
    if (options.signal?.aborted) throw options.signal.reason ?? new Error("aborted");
    if (gone) {
      throw new RemoteError(
        "remote-failed",
        `The run directory of ${runId} is gone from ${machine.name}.`,
        "The machine may have been replaced; check `amplihack-remote vms`.",
      );
    }
    if (end) {
      log.flush();
      noteResultsChecksum(machine, runId, end);
      keepResults(machine, runId, end, results.take());
      return { kind: "done", status: end, connections };
    }
    if (noWatcher)
      return {
        kind: "poll",
        why: "the run predates the watcher",
        logBytesReceived: log.received,
        connections,
      };
    if (heard) failures = 0;
    failures += 1;
    if (!why)
      why = link.signal.aborted
        ? String((link.signal.reason as Error)?.message ?? "link silent")
        : "the stream ended early";
    if (failures >= maxFailures) {
      return {
        kind: "poll",
        why: `the stream kept failing (${why})`,
        logBytesReceived: log.received,
        connections,
      };
    }
    handlers.onReconnect?.(connections, why);
    await sleep(backoff[Math.min(failures - 1, backoff.length - 1)] ?? 1_000, options.signal);
  }
}

/**
 * What the first connection asks the watcher for (a start that goes on watching asks the same):
 * the log from `fromByte` when asked, heartbeats, and the results when the machine can keep them
 * (a local sandbox copies them at no cost).
 */
export function firstWatchRequest(
  machine: Machine,
  options: WatchOptions,
): WatchRequest & { resultsMaxBytes: number } {
  return {
    fromByte: options.fromByte ?? 0,
    wantLog: options.fromByte !== undefined,
    beatSeconds: options.beatSeconds ?? 15,
    resultsMaxBytes: machine.rememberDownload ? (options.resultsMaxBytes ?? 0) : 0,
  };
}

/** The final status's results checksum, kept by the machine so the retrieval need not ask for it. */
export function noteResultsChecksum(machine: Machine, runId: string, status: RemoteStatus): void {
  if (status.exists && status.resultsSha256)
    machine.rememberChecksum?.(`${runDir(runId)}/${RESULTS_NAME}`, status.resultsSha256);
}

/** The archive the watcher sent, kept by the machine for the retrieval when it is the one the run made. */
function keepResults(machine: Machine, runId: string, status: RemoteStatus, archive: Buffer | null): void {
  if (!archive || !status.exists || !status.resultsSha256) return;
  if (createHash("sha256").update(archive).digest("hex") !== status.resultsSha256) return;
  machine.rememberDownload?.(`${runDir(runId)}/${RESULTS_NAME}`, archive);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Waits (at most `timeoutMs`) for the run's next phase change or its end, over one watcher
 * connection: what a status call that waits needs, at the cost of one azlin call. Resolves to the
 * phase seen last (`done` when the run ended), or null when the watcher cannot run there (poll).
 */
export async function waitForPhaseChange(
  machine: Machine,
  runId: string,
  options: {
    timeoutMs: number;
    signal?: AbortSignal;
    /** The phase the caller saw last: a stream that opens on another one is a change already. */
    since?: string;
  },
): Promise<{ phase: string; changed: boolean } | null> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(new Error("wait over")), options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let first: string | null = options.since ?? null;
  let last: string | null = null;
  try {
    const outcome = await watchRun(
      machine,
      runId,
      {
        onPhase: (phase) => {
          last = phase;
          if (first === null) first = phase;
          else if (phase !== first) stop.abort(new Error("changed"));
        },
      },
      { signal, maxFailures: 2 },
    );
    if (outcome.kind === "poll") return null;
    return { phase: "done", changed: first !== "done" };
  } catch (err) {
    if (!stop.signal.aborted || options.signal?.aborted) throw err;
    return last === null ? null : { phase: last, changed: first !== last };
  } finally {
    clearTimeout(timer);
  }
}
