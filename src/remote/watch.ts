/**
 * The local side of src/remote/watch.sh: the command that starts the watcher in a run's directory
 * and the records it prints. Everything here comes from the machine and is untrusted: a line
 * that is not a well-formed record is ignored, never trusted.
 */

import { shellQuote } from "../util/shell-quote.js";
import { type RemoteStatus, remoteStatusSchema, runDir } from "./protocol.js";

/** Printed instead of records by a machine whose run predates the watcher: poll that run instead. */
export const NO_WATCHER = "X no-watcher";

export interface WatchRequest {
  /** Send agent.log from this byte on; negative: from that many bytes before its current end. */
  fromByte: number;
  wantLog: boolean;
  /** Seconds between heartbeat records (they keep the link busy and prove the runner alive). */
  beatSeconds: number;
  /** Send the results archive before the end record when it is at most this large (0: never). */
  resultsMaxBytes?: number;
}

export function watchCommand(runId: string, request: WatchRequest): string {
  const dir = shellQuote(runDir(runId));
  return `if [ -f ${dir}/remote/watch.sh ]; then exec bash ${dir}/remote/watch.sh ${dir} ${watchArgs(request)}; else echo '${NO_WATCHER}'; fi`;
}

/** watch.sh's arguments after the run directory (a start that goes on watching passes them too). */
export function watchArgs(request: WatchRequest): string {
  return [
    Math.trunc(request.fromByte),
    request.wantLog ? 1 : 0,
    Math.max(1, Math.trunc(request.beatSeconds)),
    Math.max(0, Math.trunc(request.resultsMaxBytes ?? 0)),
  ].join(" ");
}

export type WatchRecord =
  | { kind: "phase"; phase: string }
  | { kind: "beat"; now: number; heartbeatAge: number | null; logBytes: number }
  | { kind: "log"; offset: number; data: Buffer }
  | { kind: "end"; status: RemoteStatus }
  | { kind: "results"; bytes: number }
  | { kind: "results-data"; data: Buffer }
  | { kind: "no-watcher" };

const PHASES = new Set(["starting", "setup", "running", "collecting", "done"]);

/** One line of the watcher's output as a record, or null when it is not one. */
export function parseWatchLine(line: string): WatchRecord | null {
  if (line === NO_WATCHER) return { kind: "no-watcher" };
  const space = line.indexOf(" ");
  const tag = line.slice(0, space);
  const rest = line.slice(space + 1);
  switch (tag) {
    case "P":
      return PHASES.has(rest) ? { kind: "phase", phase: rest } : null;
    case "H": {
      const m = /^(\d+) (\d+|-) (\d+)$/.exec(rest);
      if (!m) return null;
      return {
        kind: "beat",
        now: Number(m[1]),
        heartbeatAge: m[2] === "-" ? null : Number(m[2]),
        logBytes: Number(m[3]),
      };
    }
    case "L": {
      const m = /^(\d+) ([A-Za-z0-9+/=]*)$/.exec(rest);
      return m ? { kind: "log", offset: Number(m[1]), data: Buffer.from(m[2], "base64") } : null;
    }
    case "R":
      return /^\d+$/.test(rest) ? { kind: "results", bytes: Number(rest) } : null;
    case "D":
      return /^[A-Za-z0-9+/=]*$/.test(rest)
        ? { kind: "results-data", data: Buffer.from(rest, "base64") }
        : null;
    case "E": {
      try {
        return { kind: "end", status: remoteStatusSchema.parse(JSON.parse(rest)) };
      } catch {
        return null;
      }
    }
    default:
      return null;
  }
}

/**
 * Turns the log records of one or more connections into whole lines, each delivered once: bytes
 * already received are skipped (a reopened stream resumes at `received`), and a line is handed
 * on only when its newline has arrived.
 */
export class LogLines {
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    /** Bytes of agent.log received so far (where the next connection resumes), or null: not known yet. */
    public received: number | null,
    private readonly onLine: (line: string) => void,
  ) {}

  add(offset: number, data: Buffer): void {
    // The first record of a tail request tells where the log is; a partial first line is kept
    // (it is the end of a line we never saw the start of).
    if (this.received === null) this.received = offset;
    const end = offset + data.length;
    if (end <= this.received) return;
    if (offset > this.received) {
      // A gap cannot come from our watcher (it starts where we ask); resync rather than guess.
      this.pending = Buffer.alloc(0);
      this.received = offset;
    }
    const fresh = data.subarray(this.received - offset);
    this.received = end;
    let buf = Buffer.concat([this.pending, fresh]);
    let at = buf.indexOf(0x0a);
    while (at >= 0) {
      this.onLine(buf.subarray(0, at).toString("utf8"));
      buf = buf.subarray(at + 1);
      at = buf.indexOf(0x0a);
    }
    this.pending = Buffer.from(buf);
  }

  /** The run is over: a last line without its newline is still a line. */
  flush(): void {
    if (this.pending.length > 0) this.onLine(this.pending.toString("utf8"));
    this.pending = Buffer.alloc(0);
  }
}

/**
 * The results archive as one connection's watcher sent it (an R record, then D records): handed
 * over only when exactly the announced bytes came and no more than the caller asked for (the
 * machine is untrusted: it cannot make us hold more). The caller still checks its sha256.
 */
export class ResultsCopy {
  private parts: Buffer[] = [];
  private bytes = 0;
  private expected: number | null = null;

  constructor(private readonly maxBytes: number) {}

  start(bytes: number): void {
    this.parts = [];
    this.bytes = 0;
    this.expected = bytes <= this.maxBytes ? bytes : null;
  }

  add(data: Buffer): void {
    if (this.expected === null) return;
    this.bytes += data.length;
    if (this.bytes > this.expected) this.start(Number.POSITIVE_INFINITY);
    else this.parts.push(data);
  }

  /** The whole archive, or null when none (or not all of it) came. */
  take(): Buffer | null {
    if (this.expected === null || this.bytes !== this.expected) return null;
    const whole = Buffer.concat(this.parts);
    this.start(Number.POSITIVE_INFINITY);
    return whole;
  }
}
