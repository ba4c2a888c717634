/**
 * Stage 5, watching: polls the run's status on the machine until the runner says it is done.
 * The timeout is enforced on the machine; this loop only notices a runner that died (heartbeat
 * stale) or a machine that stopped answering, and reports progress meanwhile.
 */

import { parseRemoteStatus, type RemoteStatus, statusScript, tailScript } from "../../remote/protocol.js";
import type { Machine } from "../../targets/types.js";
import { RemoteError } from "../../util/errors.js";
import { sanitizeTerminalText } from "../../util/terminal-text.js";
import type { Progress } from "../progress.js";

export interface FollowOptions {
  pollSeconds: number;
  /** Give up following (the run goes on) after this long without a "done". */
  deadlineMs: number;
  signal?: AbortSignal;
  /** Extra work per poll (e.g. redacting and showing the tail). */
  onTail?: (tail: string) => void;
}

const TAIL_MARK = "\n@@amplihack-remote-tail@@\n";
/** A heartbeat older than this means the runner is gone (machine rebooted, process killed). */
const STALE_HEARTBEAT_S = 90;
const MAX_CONSECUTIVE_FAILURES = 5;

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

export async function followRun(
  machine: Machine,
  runId: string,
  progress: Progress,
  options: FollowOptions,
): Promise<RemoteStatus & { exists: true }> {
  const started = Date.now();
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
      if (status.phase === "done") return status;
      if (status.heartbeatAge !== null && status.heartbeatAge > STALE_HEARTBEAT_S) {
        throw new RemoteError(
          "remote-failed",
          `The run on ${machine.name} stopped reporting (last heartbeat ${status.heartbeatAge}s ago, phase ${status.phase}).`,
          `The machine may have rebooted. Inspect it: ${machine.howToReach}`,
        );
      }
      const elapsed = Math.round((Date.now() - started) / 1000);
      const lastLine = tail.trimEnd().split("\n").pop()?.slice(0, 120) ?? "";
      options.onTail?.(tail);
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
    if (Date.now() - started > options.deadlineMs) {
      throw new RemoteError(
        "remote-failed",
        `The run on ${machine.name} did not finish within the expected time; it keeps its own timeout there.`,
        `Check it with \`amplihack-remote status ${runId}\`.`,
        { details: { resumable: true } },
      );
    }
    await sleep(options.pollSeconds * 1000, options.signal);
  }
}

export function formatElapsed(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m}m${String(s).padStart(2, "0")}s` : `${s}s`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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
