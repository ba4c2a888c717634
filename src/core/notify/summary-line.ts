/**
 * One line that says how a finished run ended, and the commands that bring its work into the
 * user's branches: what a session hook, `status --watch` and a notify command hand on. Every part
 * is sanitised (the VM named the branches and wrote the subjects) and redacted (the user's prompt
 * may quote a credential), so the line is safe to show anywhere.
 */
import { redactText } from "../../secrets/redact.js";
import type { RunRecord } from "../../state/run-record.js";
import { credentialValues } from "../../util/credentials.js";
import { sanitizeLine } from "../../util/terminal-text.js";
import { formatUsd } from "../plan/agent-spend.js";

export interface RunAnnouncement {
  runId: string;
  repo: string;
  status: string;
  /** One line: the run, how it ended, what came back. */
  line: string;
  /** Shell commands, in order, that merge the results (or fetch them first when not home yet). */
  next: string[];
}

const clean = (text: string, known: string[]) => redactText(sanitizeLine(text), known);

export function announceRun(record: RunRecord, env: NodeJS.ProcessEnv = process.env): RunAnnouncement {
  const known = credentialValues(env);
  const s = record.summary;
  const what = `Run ${record.id} (${record.command} "${record.promptPreview.slice(0, 60)}")`;
  let outcome: string;
  let next: string[];
  if (s) {
    const changed = s.branches.filter((b) => b.status !== "unchanged");
    const commits = changed.reduce((n, b) => n + b.newCommits.length, 0);
    const where = changed.map((b) => b.runRef.replace("refs/remotes/", "")).join(", ");
    outcome = [
      `${s.status}${s.exitCode !== null ? ` (agent exit ${s.exitCode})` : ""}`,
      commits > 0 ? `${commits} new commit(s) in ${where}` : "no new commits",
      typeof s.agentSpendUsd === "number"
        ? `agent spent ${formatUsd(s.agentSpendUsd)}${typeof s.agentBudgetUsd === "number" ? ` of ${formatUsd(s.agentBudgetUsd)}` : ""}`
        : "",
      s.error ? s.error.message : "",
    ]
      .filter(Boolean)
      .join(", ");
    next = s.next;
  } else {
    outcome = `${record.status}${record.exitCode !== null ? ` (agent exit ${record.exitCode})` : ""}, ${
      record.error ? record.error.message : "its results are not home yet"
    }`;
    next = record.startedAt && record.status !== "error" ? [`amplihack-remote retrieve ${record.id}`] : [];
  }
  return {
    runId: record.id,
    repo: record.repo,
    status: s?.status ?? record.status,
    line: clean(`${what} ${outcome}.`, known),
    next: next.map((n) => clean(n, known)),
  };
}
