/**
 * `output RUN`: the tail of the agent's log, redacted. From the machine while the run lives, from
 * the retrieved logs once it is home.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { runDir, tailScript } from "../../remote/protocol.js";
import { redactText } from "../../secrets/index.js";
import type { Machine } from "../../targets/types.js";
import { credentialValues } from "../../util/credentials.js";
import { RemoteError } from "../../util/errors.js";
import { shellQuote } from "../../util/shell-quote.js";
import { sanitizeTerminalText } from "../../util/terminal-text.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { sleep, watchRun } from "../workflow/watch-run.js";
import { attachLease, loadRun } from "./refresh-run.js";

export async function runOutput(
  deps: WorkflowDeps,
  runId: string,
  options: { lines: number; signal?: AbortSignal },
): Promise<{ runId: string; text: string; source: "machine" | "retrieved-logs"; bytes: number }> {
  const record = await loadRun(deps, runId);
  const known = credentialValues(deps.env);
  const lines = Math.max(1, Math.min(options.lines, 10_000));
  const local = record.summary?.logsDir ? join(record.summary.logsDir, "agent.log") : null;
  if (local && existsSync(local)) {
    const content = await readFile(local, "utf8");
    return {
      runId: record.id,
      text: lastLines(redactText(content, known), lines),
      source: "retrieved-logs",
      bytes: Buffer.byteLength(content),
    };
  }
  if (!record.startedAt) {
    throw new RemoteError(
      "usage",
      `Run ${record.id} has no output: it never started (${record.status}).`,
      record.error?.remedy ?? "Start it again.",
    );
  }
  const lease = await attachLease(deps, record);
  // ~200 bytes a line is generous for agent logs; lastLines trims to the exact count.
  const log = shellQuote(`${runDir(record.id)}/agent.log`);
  const script = `wc -c < ${log} 2>/dev/null || echo 0; ${tailScript(record.id, lines * 400)}`;
  const r = await lease.machine.exec(script, { signal: options.signal, timeoutMs: 120_000 });
  if (r.exitCode !== 0) {
    throw new RemoteError(
      "remote-failed",
      `Could not read the log of ${record.id}: ${r.stderr.trim()}`,
      "Retry, or retrieve the run first.",
    );
  }
  const newline = r.stdout.indexOf("\n");
  const bytes = Number(r.stdout.slice(0, newline)) || 0;
  const text = sanitizeTerminalText(r.stdout.slice(newline + 1)); // the machine's text

  return { runId: record.id, text: lastLines(redactText(text, known), lines), source: "machine", bytes };
}

function lastLines(text: string, n: number): string {
  const lines = text.replace(/\n$/, "").split("\n");
  return lines.slice(-n).join("\n");
}

/**
 * Streams the agent's log as it grows, by byte offset (the log only ever grows), until the run
 * finishes or `signal` aborts: over one watcher stream that sends each line as the agent writes
 * it (a dropped link resumes at the last byte received), polling only when streaming cannot work.
 * Each line is sanitised and redacted before it is handed on.
 */
export async function followOutput(
  deps: WorkflowDeps,
  runId: string,
  onChunk: (text: string) => void,
  options: { fromByte?: number; pollMs?: number; signal?: AbortSignal; beatSeconds?: number } = {},
): Promise<void> {
  const record = await loadRun(deps, runId);
  const known = credentialValues(deps.env);
  const lease = await attachLease(deps, record);
  const show = (text: string) => onChunk(redactText(sanitizeTerminalText(text), known));
  let outcome: Awaited<ReturnType<typeof watchRun>>;
  try {
    outcome = await watchRun(
      lease.machine,
      record.id,
      { onLogLine: (line) => show(`${line}\n`) },
      { fromByte: options.fromByte ?? 0, signal: options.signal, beatSeconds: options.beatSeconds },
    );
  } catch (err) {
    if (options.signal?.aborted) return;
    throw err;
  }
  if (outcome.kind === "done") return;
  await pollOutput(lease.machine, record.id, show, {
    ...options,
    fromByte: outcome.logBytesReceived ?? options.fromByte ?? 0,
  });
}

/** The fallback: one connection per poll, from the last byte shown. */
async function pollOutput(
  machine: Machine,
  runId: string,
  show: (text: string) => void,
  options: { fromByte: number; pollMs?: number; signal?: AbortSignal },
): Promise<void> {
  const dir = runDir(runId);
  let offset = options.fromByte;
  for (;;) {
    const script = `f=${shellQuote(`${dir}/agent.log`)}; s=$(wc -c < "$f" 2>/dev/null || echo 0); echo "$s"; [ -f ${shellQuote(`${dir}/exit_code`)} ] && echo done || echo live; if [ "$s" -gt ${offset} ]; then tail -c +${offset + 1} "$f" | head -c $((s - ${offset})); fi`;
    const r = await machine.exec(script, { signal: options.signal, timeoutMs: 120_000 }).catch((e) => {
      if (options.signal?.aborted) return null;
      throw e;
    });
    if (!r) return;
    const [sizeLine, stateLine, ...rest] = r.stdout.split("\n");
    const size = Number(sizeLine);
    if (size > offset) {
      show(rest.join("\n"));
      offset = size;
    }
    if (stateLine === "done" || options.signal?.aborted) return;
    await sleep(options.pollMs ?? 2000, options.signal);
  }
}
