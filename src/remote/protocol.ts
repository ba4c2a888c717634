/**
 * The local side of the protocol spoken with src/remote/*.sh: where a run lives on a machine, the
 * command lines that start, watch and stop it, and the shape of what they print. Both targets run
 * exactly these commands, the local one in a sandbox directory, the azlin one through ssh.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { shellQuote } from "../util/shell-quote.js";

/** Our area in the machine's home directory; runs and slots live under it. */
export const AREA = ".amplihack-remote";
export const runDir = (runId: string) => `${AREA}/runs/${runId}`;
export const ARCHIVE_NAME = "context.tar.gz";
export const RESULTS_NAME = "results.tar.gz";

/** The scripts ship inside the archive; find them next to this module (source) or the bundle. */
export function remoteScriptsDir(): string {
  const candidates = [new URL("./", import.meta.url), new URL("../src/remote/", import.meta.url)];
  for (const url of candidates) {
    const dir = fileURLToPath(url);
    if (existsSync(`${dir}runner.sh`)) return dir;
  }
  throw new Error("amplihack-remote is installed without its remote scripts (src/remote/*.sh)");
}

/** Exit codes of the start script that mean something specific. */
export const START_EXIT = { checksumMismatch: 20, runnerDidNotStart: 21, cannotDetach: 22 } as const;

/** What a failed start script means and what to do about it, by its exit code. */
export function describeStartFailure(
  exitCode: number,
  stderr: string,
  howToReach: string,
): { why: string; remedy: string } {
  const said = stderr.trim();
  switch (exitCode) {
    case START_EXIT.checksumMismatch:
      return {
        why: "the uploaded archive's sha256 does not match what was sent",
        remedy: "The upload was damaged in transit; run again (the archive is sent anew).",
      };
    case START_EXIT.runnerDidNotStart:
      return {
        why: said || "the runner did not start",
        remedy: `Read runner.log in the run's directory on the machine (${howToReach}) for why the runner died.`,
      };
    case START_EXIT.cannotDetach:
      return {
        why: said || "neither tmux nor setsid could detach the run",
        remedy: "Install tmux or setsid (util-linux) on the machine.",
      };
    default:
      return {
        why: said || `exit ${exitCode}`,
        remedy: `The start script failed before the agent ran; the run's files are on the machine (${howToReach}).`,
      };
  }
}

/**
 * Verifies the uploaded archive against the sha256 we computed, then extracts and launches.
 * The checksum is checked before a single byte of the archive is trusted.
 */
export function startScript(runId: string, sha256: string): string {
  const dir = shellQuote(runDir(runId));
  return [
    "set -e",
    `cd ${dir}`,
    `if ! printf '%s  %s\\n' ${sha256} ${ARCHIVE_NAME} | sha256sum -c --status; then echo "checksum mismatch for ${ARCHIVE_NAME}" >&2; exit ${START_EXIT.checksumMismatch}; fi`,
    `tar -xzf ${ARCHIVE_NAME} --no-same-owner remote`,
    "exec bash remote/start.sh",
  ].join("\n");
}

export function prepareScript(runId: string): string {
  return `mkdir -p ${shellQuote(runDir(runId))}`;
}

/** Commits a machine's repository cache holds for a project (tips; their history is there too). */
export function cacheProbeScript(repoKey: string, limit = 500): string {
  const cache = shellQuote(`${AREA}/cache/${repoKey}.git`);
  return `git -C ${cache} for-each-ref --format='%(objectname)' refs/runs/ 2>/dev/null | sort -u | head -n ${limit}`;
}

export function statusScript(runId: string): string {
  const dir = shellQuote(runDir(runId));
  return `if [ -f ${dir}/remote/status.sh ]; then bash ${dir}/remote/status.sh ${dir}; else echo '{"exists":false}'; fi`;
}

export function killScript(runId: string): string {
  const dir = shellQuote(runDir(runId));
  return `bash ${dir}/remote/kill.sh ${dir}`;
}

/** The last `bytes` of the agent's log (already redacted of credential values on the machine). */
export function tailScript(runId: string, bytes: number): string {
  return `tail -c ${Math.max(0, Math.floor(bytes))} ${shellQuote(runDir(runId))}/agent.log 2>/dev/null || true`;
}

export const remoteStatusSchema = z.union([
  z.object({ exists: z.literal(false) }),
  z.object({
    exists: z.literal(true),
    phase: z.enum(["starting", "setup", "running", "collecting", "done"]),
    exitCode: z.number().int().nullable(),
    outcome: z.enum(["succeeded", "failed", "timed-out", "killed", "setup-failed"]).nullable(),
    heartbeatAge: z.number().nullable(),
    logBytes: z.number(),
    startedAt: z.number().nullable(),
    now: z.number(),
  }),
]);
export type RemoteStatus = z.infer<typeof remoteStatusSchema>;

export function parseRemoteStatus(stdout: string): RemoteStatus {
  const line = stdout.trim().split("\n").pop() ?? "";
  return remoteStatusSchema.parse(JSON.parse(line));
}

/** result.json written by runner.sh at the end of a run. */
export const runResultSchema = z.object({
  runId: z.string(),
  status: z.enum(["succeeded", "failed", "timed-out", "killed", "setup-failed"]),
  exitCode: z.number().int().nullable(),
  startedAt: z.number().nullable(),
  endedAt: z.number(),
  hasBundle: z.boolean(),
});
export type RunResult = z.infer<typeof runResultSchema>;
