/**
 * One context archive serves every run of a batch (and is uploaded once per machine); what differs
 * between the runs travels on the start command's stdin, in one line ahead of the credentials, so
 * the prompt is never on a command line: this run's id (appended to params.sh) and its agent argv
 * (agent.argv). start.sh reads the line back.
 */
import { shellQuote } from "../util/shell-quote.js";
import { incomingArchive, runDir } from "./protocol.js";

export const RUN_FILES_TAG = "AR-RUN-FILES";

/**
 * The run id goes as it is (core/run-id.ts: [a-z0-9-], which start.sh checks before writing it into
 * params.sh); the argv as base64, since a prompt may hold any byte. One decoder per run: a batch's
 * runs start side by side, and each process is paid once per run.
 */
export function runFilesLine(runId: string, argv: readonly string[]): string {
  if (!/^[a-z0-9-]+$/.test(runId)) throw new Error(`not a run id: ${JSON.stringify(runId)}`);
  const argvFile = argv.map((a) => `${a}\0`).join("");
  return `${RUN_FILES_TAG} ${runId} ${Buffer.from(argvFile, "utf8").toString("base64")}\n`;
}

/**
 * Gives `runId` the archive another run of the batch already uploaded to this machine: a hard link
 * (a copy across file systems) of where that upload is now, still incoming or already moved into
 * its run's directory by its start; the start command then checks its sha256 as for any upload.
 */
export function shareArchiveScript(fromRunId: string, runId: string, archiveName: string): string {
  const sources = [incomingArchive(fromRunId), `${runDir(fromRunId)}/${archiveName}`].map(shellQuote);
  const to = shellQuote(`${runDir(runId)}/${archiveName}`);
  const tries = sources.flatMap((from) => [`ln -f ${from} ${to}`, `cp -f ${from} ${to}`]);
  const dir = shellQuote(runDir(runId));
  return `set -e\n[ -d ${dir} ] || mkdir -p ${dir}\n{ ${tries.join(" || ")}; } 2>/dev/null`;
}
