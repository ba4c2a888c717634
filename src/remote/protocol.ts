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
export const START_EXIT = {
  checksumMismatch: 20,
  runnerDidNotStart: 21,
  cannotDetach: 22,
  claimFailed: 23,
} as const;

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
    case START_EXIT.claimFailed:
      return {
        why: `the machine could not be claimed for the run${said ? ` (${said})` : ""}`,
        remedy: "Run the command again; another machine will be used.",
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
 * Where a run's archive lands when it is copied up: a plain name in the home directory, which
 * always exists (scp cannot make directories, and a connection to make one costs seconds). The
 * start script checks it and moves it into the run directory.
 */
export const incomingArchive = (runId: string) => `.amplihack-remote-incoming-${runId}.tar.gz`;

/**
 * Verifies the uploaded archive against the sha256 we computed, then extracts and launches; one
 * connection for what was three (make the directory, verify the upload, start). The archive is
 * taken from where the upload left it (incomingArchive), or is in the run directory already (a
 * sibling run's upload linked there). The checksum is checked before a byte of it is trusted; a
 * mismatching archive is removed, so a retry uploads afresh. `claim` (a lease's deferred claim)
 * runs first and stops the start when it fails.
 *
 * With `watch` (the arguments of src/remote/watch.sh, from src/remote/watch.ts) the connection
 * does not end with the start: it prints STARTED_RECORD once the run is started (also when an
 * earlier connection started it) and goes on as the run's watcher, so a caller that follows the
 * run (`exec`) spends one connection on both. A start that fails exits as without `watch`.
 */
export function startScript(runId: string, sha256: string, claim?: string, watch?: string): string {
  const dir = shellQuote(runDir(runId));
  const incoming = shellQuote(incomingArchive(runId));
  // The claim runs in a subshell of its own (its exits and locks end there); its stdout is not ours.
  const claimed = claim
    ? [
        `if ! ( ${claim}
) >/dev/null; then exit ${START_EXIT.claimFailed}; fi`,
      ]
    : [];
  const watcher =
    watch === undefined ? null : `echo '${STARTED_RECORD}'; exec bash remote/watch.sh . ${watch}`;
  return [
    ...claimed,
    "set -e",
    // A start whose connection dropped after the runner was launched is not launched twice.
    watcher
      ? `if [ -f ${dir}/holder ]; then cd ${dir}; ${watcher}; fi`
      : `if [ -f ${dir}/holder ]; then echo "started (already)"; exit 0; fi`,
    `[ -d ${dir} ] || mkdir -p ${dir}`,
    `if [ -f ${incoming} ]; then mv -f ${incoming} ${dir}/${ARCHIVE_NAME}; fi`,
    `cd ${dir}`,
    `if ! printf '%s  %s\\n' ${sha256} ${ARCHIVE_NAME} | sha256sum -c --status 2>/dev/null; then rm -f ${ARCHIVE_NAME}; echo "checksum mismatch for ${ARCHIVE_NAME}" >&2; exit ${START_EXIT.checksumMismatch}; fi`,
    // The whole archive, once: start.sh reads what it needs from the run directory.
    `tar -xzf ${ARCHIVE_NAME} --no-same-owner --no-same-permissions`,
    // Read by this shell, not a new bash: a batch pays every process once per run.
    ...(watcher ? ["( . remote/start.sh ) >/dev/null", watcher] : [". remote/start.sh"]),
  ].join("\n");
}

/** The line a start that goes on watching prints once the run is started (before any watch record). */
export const STARTED_RECORD = "S started";

/** Commits a machine's repository cache holds for a project (tips; their history is there too). */
export function cacheProbeScript(repoKey: string, limit = 500): string {
  const cache = shellQuote(`${AREA}/cache/${repoKey}.git`);
  return `git -C ${cache} for-each-ref --format='%(objectname)' refs/runs/ 2>/dev/null | sort -u | head -n ${limit}`;
}

export function statusScript(runId: string): string {
  const dir = shellQuote(runDir(runId));
  return `if [ -f ${dir}/remote/status.sh ]; then bash ${dir}/remote/status.sh ${dir}; else echo '{"exists":false}'; fi`;
}

/** Many runs' status in one connection: one "<run id> TAB <status json>" line each. */
export function statusesScript(runIds: readonly string[]): string {
  return runIds.map((id) => `printf '%s\\t' ${shellQuote(id)}; ${statusScript(id)}`).join("\n");
}

/** The lines of statusesScript by run id; a line that is not a well-formed status is left out. */
export function parseStatuses(stdout: string): Map<string, RemoteStatus> {
  const out = new Map<string, RemoteStatus>();
  for (const line of stdout.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab <= 0) continue;
    try {
      out.set(line.slice(0, tab), remoteStatusSchema.parse(JSON.parse(line.slice(tab + 1))));
    } catch {
      // The machine's text is untrusted: what does not parse is as if unsaid.
    }
  }
  return out;
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
    /** sha256 of results.tar.gz once the run is done (absent from older runs' scripts). */
    resultsSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .nullable()
      .optional(),
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
