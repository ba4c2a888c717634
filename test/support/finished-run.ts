/**
 * A finished, retrieved run recorded in a state directory, as `status` leaves one: what the
 * session hook and `status --watch` announce.
 */
import { join } from "node:path";
import { newRunRecord, type RunRecord } from "../../src/state/run-record.js";
import type { RunSummary } from "../../src/state/run-summary.js";
import { StateStore } from "../../src/state/store.js";

export function finishedRun(repo: string, id: string, over: Partial<RunRecord> = {}): RunRecord {
  const summary: RunSummary = {
    runId: id,
    status: "succeeded",
    exitCode: 0,
    target: "azlin",
    vm: "amplihack-alex-20261202-001122-ab12",
    durationSeconds: 812,
    branches: [
      {
        branch: "main",
        status: "updated",
        commit: "1".repeat(40),
        runRef: `refs/remotes/remote-exec/${id}/main`,
        aliasRef: "refs/remotes/remote-exec/main",
        newCommits: [{ sha: "1".repeat(40), subject: "add the parser" }],
        filesChanged: ["src/parser.ts"],
        local: { exists: true, ahead: 0, behind: 1, fastForward: true },
      },
    ],
    logsDir: join(repo, ".claude/runtime/logs/remote", id),
    agentTail: "",
    release: { deleted: true, kept: false, message: "deleted" },
    next: [`git merge remote-exec/${id}/main`],
    warnings: [],
    agentSpendUsd: 0.4321,
  };
  return newRunRecord({
    id,
    repo,
    target: "azlin",
    command: "auto",
    promptPreview: "write the parser",
    status: "succeeded",
    startedAt: new Date(Date.now() - 900_000).toISOString(),
    endedAt: new Date().toISOString(),
    exitCode: 0,
    detached: true,
    summary,
    ...over,
  });
}

export async function recordRuns(stateDir: string, ...records: RunRecord[]): Promise<StateStore> {
  const store = new StateStore(join(stateDir, "state.json"));
  for (const r of records) await store.putRun(r);
  return store;
}
