/**
 * One context archive serves every run of a batch (and is uploaded once per machine); what differs
 * between the runs travels on the start command's stdin, in one line ahead of the credentials, so
 * the prompt is never on a command line: this run's id (appended to params.sh) and its agent argv
 * (agent.argv). start.sh reads the line back.
 */
import { shellQuote } from "../util/shell-quote.js";
import { incomingArchive, runDir } from "./protocol.js";

export const RUN_FILES_TAG = "AR-RUN-FILES";

export function runFilesLine(runId: string, argv: readonly string[]): string {
  const params = `AR_RUN_ID=${shellQuote(runId)}\nAR_SESSION=${shellQuote(`ar-${runId}`)}\n`;
  const argvFile = argv.map((a) => `${a}\0`).join("");
  const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
  return `${RUN_FILES_TAG} ${b64(params)} ${b64(argvFile)}\n`;
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
