/**
 * Which runs can be continued, decided from the run records and the user's repository before
 * anything is packaged: each refusal names what is wrong and what to do next.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveParent } from "../../../src/core/continue/resolve-parent.js";
import { runChain } from "../../../src/core/continue/run-chain.js";
import type { WorkflowDeps } from "../../../src/core/workflow/deps.js";
import { newRunRecord, type RunRecord } from "../../../src/state/run-record.js";
import type { RunSummary } from "../../../src/state/run-summary.js";
import { StateStore } from "../../../src/state/store.js";
import { rejection } from "../../support/fault-support.js";
import { cleanup, git, makeRepo, tempDir } from "../../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

function setup() {
  const repo = makeRepo();
  const state = tempDir("ar-state-");
  dirs.push(repo, state);
  const store = new StateStore(join(state, "state.json"));
  const deps = { store, cwd: repo, env: {} } as unknown as WorkflowDeps;
  const head = git(repo, "rev-parse", "HEAD").trim();
  const put = (id: string, extra: Partial<RunRecord> = {}) =>
    store.putRun(newRunRecord({ id, repo, target: "local", command: "auto", promptPreview: "x", ...extra }));
  return { repo, store, deps, head, put };
}

function summaryWith(runId: string, commit: string, kept: boolean): RunSummary {
  return {
    runId,
    status: "succeeded",
    exitCode: 0,
    target: "local",
    vm: "local",
    durationSeconds: 1,
    branches: [
      {
        branch: "main",
        status: "updated",
        commit,
        runRef: `refs/remotes/remote-exec/${runId}/main`,
        aliasRef: null,
        newCommits: [{ sha: commit, subject: "x" }],
        filesChanged: ["a"],
        local: null,
      },
    ],
    logsDir: null,
    agentTail: "",
    release: { deleted: !kept, kept, message: "" },
    next: [],
    warnings: [],
  };
}

describe("resolveParent", () => {
  it("a run still running: says so and how to wait for it", async () => {
    const s = setup();
    await s.put("r-running", { status: "running", startedAt: new Date().toISOString() });
    const e = await rejection(resolveParent(s.deps, "r-running"));
    expect(e.message).toBe("Run r-running is still running: it has no results to continue from yet.");
    expect(e.remedy).toContain("amplihack-remote status r-running --wait 110");
    expect(e.exitCode).toBe(2);
  });

  it("a run that ended but is not home yet: retrieve it (keeping its VM) first", async () => {
    const s = setup();
    await s.put("r-ended", { status: "succeeded", startedAt: new Date().toISOString() });
    const e = await rejection(resolveParent(s.deps, "r-ended"));
    expect(e.message).toContain("its results are not home yet");
    expect(e.remedy).toContain("amplihack-remote retrieve r-ended --keep-vm");
  });

  it("a run that never started, and one that brought nothing home: nothing to continue from", async () => {
    const s = setup();
    await s.put("r-blocked", { status: "blocked" });
    expect((await rejection(resolveParent(s.deps, "r-blocked"))).message).toContain("never started");
    const empty = summaryWith("r-empty", s.head, false);
    empty.branches[0].status = "unchanged";
    await s.put("r-empty", { status: "succeeded", startedAt: "t", summary: empty });
    expect((await rejection(resolveParent(s.deps, "r-empty"))).message).toContain(
      "brought no new commits home",
    );
  });

  it("a run home with its ref: starts from the ref's commit now, on its kept machine", async () => {
    const s = setup();
    git(s.repo, "update-ref", "refs/remotes/remote-exec/r-home/main", s.head);
    await s.put("r-home", {
      status: "succeeded",
      startedAt: "t",
      vm: { name: "vm-1", created: true, deleted: false },
      summary: summaryWith("r-home", s.head, true),
    });
    const p = await resolveParent(s.deps, "home");
    expect(p).toMatchObject({ branch: "main", commit: s.head, keptVm: "vm-1" });
    expect(p.record.id).toBe("r-home");
  });

  it("the chain follows parent ids back to the first run", async () => {
    const s = setup();
    await s.put("a");
    await s.put("b", { parentRunId: "a" });
    await s.put("c", { parentRunId: "b" });
    expect(await runChain(s.store, "c")).toEqual(["a", "b", "c"]);
    expect(await runChain(s.store, "a")).toEqual(["a"]);
  });
});
