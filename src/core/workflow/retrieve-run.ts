/**
 * Stages 6-7: bring the results home. The results archive is extracted refusing anything unsafe,
 * its bundle is fetched into refs/remotes/remote-exec/, and the logs (redacted) are copied to
 * .claude/runtime/logs/remote/<run-id>/. Idempotent: retrieving twice gives the same refs.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { createGit } from "../../git/git.js";
import { type BranchResult, integrateResults, type TagResult } from "../../git/integrate.js";
import { dropWipRef } from "../../git/wip-snapshot.js";
import { safeExtract } from "../../package/safe-extract.js";
import { RESULTS_NAME, type RunResult, runDir, runResultSchema } from "../../remote/protocol.js";
import { redactText } from "../../secrets/index.js";
import type { RunRecord } from "../../state/run-record.js";
import type { Machine } from "../../targets/types.js";
import { credentialValues } from "../../util/credentials.js";
import { RemoteError } from "../../util/errors.js";
import type { Runner } from "../../util/run.js";
import { makeScratchDir } from "../../util/scratch-dirs.js";
import { sanitizeTerminalText } from "../../util/terminal-text.js";
import { setupWarnings } from "./setup-warnings.js";
import { secretVet } from "./vet-incoming.js";

export interface Retrieved {
  result: RunResult;
  branches: BranchResult[];
  /** Tags the agent made, under refs/remotes/remote-exec/<run-id>/tags/. */
  tags: TagResult[];
  /** What did not come home (refused, deleted, rewritten), for the summary. */
  warnings: string[];
  logsDir: string;
  /** The last lines of the agent's log, redacted, for the summary. */
  agentTail: string;
}

export const LOGS_SUBDIR = join(".claude", "runtime", "logs", "remote");

/** The results archive, here and unpacked, not yet imported: `dispose` removes the unpacked copy. */
export interface Fetched {
  result: RunResult;
  /** The archive as it came from the machine (or from where it was kept). */
  archive: string;
  extracted: string;
  dispose(): Promise<void>;
}

/**
 * Stage 6: the results archive home and unpacked, refusing anything unsafe. An archive kept here
 * after an earlier import failed (`kept`, core/finish/kept-results.ts) is used instead of the
 * machine's, which may be gone.
 */
export async function fetchResults(input: {
  machine: Machine;
  record: RunRecord;
  kept?: string;
  signal?: AbortSignal;
}): Promise<Fetched> {
  const { machine, record } = input;
  const work = await makeScratchDir("results");
  const dispose = () => rm(work, { recursive: true, force: true });
  try {
    let archive = join(work, RESULTS_NAME);
    if (input.kept && existsSync(input.kept)) archive = input.kept;
    else await machine.download(`${runDir(record.id)}/${RESULTS_NAME}`, archive, input.signal);
    const extracted = join(work, "x");
    await safeExtract(archive, extracted);
    const result = runResultSchema.parse(JSON.parse(await readFile(join(extracted, "result.json"), "utf8")));
    if (result.runId !== record.id) {
      throw new RemoteError(
        "unsafe-archive",
        `The results archive belongs to run ${result.runId}, not ${record.id}.`,
        "Inspect the machine by hand.",
      );
    }
    return { result, archive, extracted, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/**
 * Stage 7: what was fetched into the user's repository: the commits vetted and imported, the
 * logs copied redacted. Leaves the unpacked archive for the caller to dispose.
 */
export async function importResults(
  fetched: Fetched,
  input: { record: RunRecord; runner: Runner; env: NodeJS.ProcessEnv },
): Promise<Retrieved> {
  const { record } = input;
  const { result, extracted } = fetched;
  const git = createGit(record.repo, input.runner);
  const bundle = join(extracted, "results.bundle");
  const refsFile = join(extracted, "refs.txt");
  const known = credentialValues(input.env);
  const logsDir = join(record.repo, LOGS_SUBDIR, record.id);
  // The logs are copied while the commits are vetted and imported: files here, git processes
  // there. Both settle before the extracted files are removed.
  const [integrated, copied] = await Promise.allSettled([
    integrateResults({
      git,
      bundleFile: result.hasBundle && existsSync(bundle) ? bundle : null,
      runId: record.id,
      shipped: record.shippedHeads,
      // A run whose setup failed never had the shipped refs in place: what its workspace lists
      // says nothing of what an agent deleted (runners before this one still sent it).
      finalRefs:
        result.status !== "setup-failed" && existsSync(refsFile)
          ? parseRefs(await readFile(refsFile, "utf8"))
          : null,
      vet: secretVet({ allowlistRoot: record.repo, env: input.env }),
      // The WIP pin kept the snapshot alive as the results' prerequisite; the fetched refs do now.
      afterImport: () => dropWipRef(git, record.id),
    }),
    copyLogsRedacted(join(extracted, "logs"), logsDir, known).then(() =>
      // Our logs never show up in `git status` of the user's repository.
      writeFile(join(record.repo, LOGS_SUBDIR, ".gitignore"), "*\n"),
    ),
  ]);
  if (integrated.status === "rejected") throw integrated.reason;
  if (copied.status === "rejected") throw copied.reason;
  const { branches, tags, warnings } = integrated.value;
  const agentLog = join(logsDir, "agent.log");
  const agentTail = existsSync(agentLog) ? lastLines(await readFile(agentLog, "utf8"), 20) : "";
  const runnerLog = join(logsDir, "runner.log");
  if (existsSync(runnerLog)) warnings.push(...setupWarnings(await readFile(runnerLog, "utf8")));
  return { result, branches, tags, warnings, logsDir, agentTail };
}

async function copyLogsRedacted(from: string, to: string, known: string[]): Promise<void> {
  if (!existsSync(from)) return;
  await mkdir(to, { recursive: true });
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const src = join(dir, entry.name);
      const dest = join(to, relative(from, src));
      if (entry.isDirectory()) {
        await mkdir(dest, { recursive: true });
        await walk(src);
      } else if (entry.isFile()) {
        // Only text is kept, redacted and without escape sequences (a user will `cat` these): a
        // binary file cannot be checked for credentials.
        const data = await readFile(src);
        if (!data.subarray(0, 8000).includes(0))
          await writeFile(dest, sanitizeTerminalText(redactText(data.toString("utf8"), known)));
      }
    }
  };
  await walk(from);
}

/** refs.txt: "<object> <ref>" lines written by runner.sh. */
function parseRefs(text: string): { ref: string; commit: string }[] {
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => ({ commit: line.slice(0, line.indexOf(" ")), ref: line.slice(line.indexOf(" ") + 1) }));
}

function lastLines(text: string, n: number): string {
  const lines = text.trimEnd().split("\n");
  return lines.slice(-n).join("\n");
}
