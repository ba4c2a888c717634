/**
 * The whole loop on the local target, through real git, tar, bash and tmux: validate, package,
 * run the agent, retrieve, integrate into remote-exec/.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { STASH_COMMAND } from "../../src/core/finish/merge-advice.js";
import { formatSummary } from "../../src/core/workflow/summary.js";
import { RemoteError } from "../../src/util/errors.js";
import { executeRun, localDeps, localOptions } from "../support/local-run.js";
import { cleanup, commitFile, git, makeRepo, tempDir, userStateHash, write } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

function setup() {
  const repo = makeRepo();
  const state = tempDir("ar-state-");
  dirs.push(repo, state);
  return { repo, state };
}

/** Reads a file as committed on a ref. */
const show = (repo: string, spec: string) => git(repo, "show", spec);

describe("exec on the local target", () => {
  it("ships every branch, tag and the uncommitted work, and brings the agent's commit home", async () => {
    const { repo, state } = setup();
    git(repo, "checkout", "-q", "-b", "feature");
    commitFile(repo, "feature.txt", "feature\n");
    git(repo, "tag", "v1");
    git(repo, "checkout", "-q", "main");
    write(repo, "src/app.txt", "hello, dirty\n"); // tracked change
    write(repo, "untracked.txt", "new file\n"); // untracked, not ignored
    write(repo, "ignored.txt", "ignored\n"); // ignored: must not ship
    git(repo, "add", "README.md"); // something staged, to prove the index is left alone
    const before = userStateHash(repo);

    const { deps } = localDeps(repo, state);
    const summary = await executeRun(deps, localOptions("implement it"));

    expect(summary.status).toBe("succeeded");
    expect(summary.exitCode).toBe(0);
    expect(userStateHash(repo)).toBe(before);
    const main = summary.branches.find((b) => b.branch === "main");
    expect(main?.status).toBe("updated");
    // The WIP snapshot is the agent's starting point: the agent saw the dirty change...
    expect(show(repo, "remote-exec/main:src/app.txt")).toBe("hello, dirty\n");
    expect(show(repo, "remote-exec/main:untracked.txt")).toBe("new file\n");
    expect(() => show(repo, "remote-exec/main:ignored.txt")).toThrow();
    // ...and the other branch and the tag were there too.
    const seen = show(repo, "remote-exec/main:.agent-record/env");
    expect(seen).toContain("branch=main");
    expect(seen).toContain("command=auto");
    expect(seen).toContain("max_turns=10");
    // Only the run's new commit is reported, not the whole history (WIP snapshot excluded).
    expect(main?.newCommits.map((c) => c.subject)).toEqual(["agent commit"]);
    expect(main?.filesChanged.sort()).toEqual([
      ".agent-record/argv",
      ".agent-record/env",
      ".agent-record/status",
      "notes.txt",
    ]);
    expect(main?.local).toMatchObject({ exists: true, behind: 0 });
    expect(git(repo, "rev-parse", `refs/remotes/remote-exec/${summary.runId}/main`).trim()).toBe(
      main?.commit,
    );
    expect(summary.next).toEqual([STASH_COMMAND, "git merge remote-exec/main"]);
    // The summary says the snapshot of uncommitted work rides along under the agent's commits.
    expect(summary.snapshotCommit).toBe(git(repo, "rev-parse", "remote-exec/main~1").trim());
    expect(formatSummary(summary)).toContain(`went along as commit ${summary.snapshotCommit?.slice(0, 8)}`);
    // Logs landed per run, and the machine's run directory is gone.
    expect(readFileSync(join(summary.logsDir!, "agent.log"), "utf8")).toContain("done");
    expect(summary.logsDir).toBe(join(repo, ".claude/runtime/logs/remote", summary.runId));
    expect(git(repo, "status", "--porcelain", ".claude/runtime")).toBe("");
    expect(existsSync(join(state, "local-target/.amplihack-remote/runs", summary.runId))).toBe(false);
    // The state record tells the story.
    const record = await deps.store.getRun(summary.runId);
    expect(record).toMatchObject({ status: "succeeded", exitCode: 0, summary: expect.any(Object) });
    expect(record?.shippedHeads.map((h) => h.ref)).toEqual(
      expect.arrayContaining(["refs/heads/main", "refs/heads/feature", "refs/tags/v1"]),
    );
    // The WIP pin is gone once the results are home.
    expect(git(repo, "for-each-ref", "refs/amplihack-remote")).toBe("");
  });

  it("treats a run with no new commits as a normal outcome", async () => {
    const { repo, state } = setup();
    const { deps } = localDeps(repo, state);
    const summary = await executeRun(deps, localOptions("noop nothing to do"));
    expect(summary.status).toBe("succeeded");
    expect(summary.branches).toEqual([]);
    expect(summary.next).toEqual([]);
  });

  it("runs twice on the same branch: the alias moves (forced) and both runs stay addressable", async () => {
    const { repo, state } = setup();
    const { deps } = localDeps(repo, state);
    const first = await executeRun(deps, localOptions("first task"));
    const second = await executeRun(deps, localOptions("second task"));
    expect(first.status).toBe("succeeded");
    expect(second.status).toBe("succeeded");
    const a = git(repo, "rev-parse", `remote-exec/${first.runId}/main`).trim();
    const b = git(repo, "rev-parse", `remote-exec/${second.runId}/main`).trim();
    expect(a).not.toBe(b);
    // The second run did not build on the first (both started from the user's main): not a fast-forward.
    expect(git(repo, "rev-parse", "remote-exec/main").trim()).toBe(b);
    expect(show(repo, `${a}:notes.txt`)).toBe("first task\n");
    expect(show(repo, `${b}:notes.txt`)).toBe("second task\n");
  });

  it("reports a setup that failed on a damaged object without saying the agent deleted refs", async () => {
    const { repo, state } = setup();
    git(repo, "tag", "v1");
    // A loose object stored under an id its content does not hash to (a damaged clone; found on a
    // mirror with a stand-in blob): the bundle ships it under its real id, so the machine's fetch
    // finds the named one missing and setup fails before any agent runs.
    const fakeId = "9ec4f3d49403e8b9dd46885031a92e23af3828b9";
    const dir = join(repo, git(repo, "rev-parse", "--git-path", "objects").trim(), fakeId.slice(0, 2));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, fakeId.slice(2)), deflateSync(Buffer.from("blob 0\0")));
    const run = (args: string[], input?: string) =>
      execFileSync("git", args, { cwd: repo, input, encoding: "utf8" }).trim();
    const tree = run(["mktree"], `100644 blob ${fakeId}\tbroken.bin\n`);
    const commit = run(["commit-tree", tree, "-p", "HEAD", "-m", "damaged"]);
    git(repo, "update-ref", "refs/heads/damaged", commit);

    const { deps } = localDeps(repo, state);
    const summary = await executeRun(deps, localOptions("never runs"));
    expect(summary.status).toBe("setup-failed");
    // The runner's workspace never held the shipped refs: nothing was deleted by anyone.
    expect(summary.warnings.filter((w) => w.includes("deleted the"))).toEqual([]);
    expect(formatSummary(summary)).not.toContain("deleted the");
  });

  it("reports a failing agent, with its exit code and logs", async () => {
    const { repo, state } = setup();
    const { deps } = localDeps(repo, state);
    const summary = await executeRun(deps, localOptions("fail on purpose"));
    expect(summary.status).toBe("failed");
    expect(summary.exitCode).toBe(3);
    expect(readFileSync(join(summary.logsDir!, "agent.log"), "utf8")).toContain("agent failing on purpose");
    expect((await deps.store.getRun(summary.runId))?.status).toBe("failed");
  });

  it("stops the agent at the timeout and still brings back its partial commits and logs", async () => {
    const { repo, state } = setup();
    const { deps } = localDeps(repo, state, { AMPLIHACK_REMOTE_TIMEOUT_SECONDS: "3" });
    const summary = await executeRun(deps, localOptions("slow task", { keepVm: false }));
    // timed-out, not succeeded: the agent's 120 s sleep was cut short (no wall-clock margin needed).
    expect(summary.status).toBe("timed-out");
    expect(summary.exitCode).toBe(124);
    expect(summary.branches[0]?.newCommits.map((c) => c.subject)).toEqual([
      "partial work before the timeout",
    ]);
    expect(readFileSync(join(summary.logsDir!, "agent.log"), "utf8")).toContain("sleeping");
  });

  it("hands the prompt to the agent byte for byte", async () => {
    const { repo, state } = setup();
    const prompt = `it's "quoted" $(touch /tmp/pwned-ar) \`whoami\` $HOME \\ back\nnew line\ttab émoji ✓ 日本 ; rm -rf / #\n`;
    const { deps } = localDeps(repo, state);
    const summary = await executeRun(deps, localOptions(prompt));
    expect(summary.status).toBe("succeeded");
    const argv = show(repo, "remote-exec/main:.agent-record/argv").split("\0");
    expect(argv[argv.length - 2]).toBe(prompt); // last element before the trailing NUL
    expect(existsSync("/tmp/pwned-ar")).toBe(false);
  });

  it("brings back a branch the agent created", async () => {
    const { repo, state } = setup();
    const { deps } = localDeps(repo, state);
    const summary = await executeRun(deps, localOptions("branch please"));
    const feature = summary.branches.find((b) => b.branch === "agent/feature");
    expect(feature).toMatchObject({ status: "new", aliasRef: "refs/remotes/remote-exec/agent/feature" });
    expect(feature?.local).toMatchObject({ exists: false });
  });

  it("passes the credential through the environment only, and redacts it from logs", async () => {
    const { repo, state } = setup();
    const key = `sk-ant-api03-${"Zq9".repeat(30)}AA`;
    const { deps, calls } = localDeps(repo, state, { ANTHROPIC_API_KEY: key });
    const summary = await executeRun(deps, localOptions("leak the key please"));
    expect(summary.status).toBe("succeeded");
    for (const call of calls) expect(JSON.stringify(call)).not.toContain(key);
    for (const f of readdirSync(summary.logsDir!, { recursive: true }) as string[]) {
      const p = join(summary.logsDir!, f);
      if (statSync(p).isFile()) expect(readFileSync(p, "utf8")).not.toContain(key);
    }
    expect(readFileSync(join(summary.logsDir!, "agent.log"), "utf8")).toContain("[REDACTED]");
    expect(readFileSync(join(state, "state.json"), "utf8")).not.toContain(key);
    expect(JSON.stringify(summary)).not.toContain(key);
  });

  it("refuses bad options before any work, naming the rule", async () => {
    const { repo, state } = setup();
    const { deps, calls } = localDeps(repo, state);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ prompt: "   " }, /PROMPT must not be blank/],
      [{ command: "deploy" }, /COMMAND must be one of: auto, ultrathink, analyze, fix/],
      [{ maxTurns: 51 }, /--max-turns must be between 1 and 50/],
      [{ timeoutMinutes: 4 }, /--timeout must be between 5 and 480 minutes/],
      [{ vmName: "bad name;rm" }, /--vm-name must be/],
      [{ region: "east us" }, /--region must be/],
    ];
    for (const [patch, message] of cases) {
      const err = await executeRun(deps, { ...localOptions("task"), ...patch } as never).catch((e) => e);
      expect(err).toBeInstanceOf(RemoteError);
      expect(err.message).toMatch(message);
      expect(err.exitCode).toBe(2);
    }
    expect(calls).toEqual([]);
  });

  it("refuses a repository without .claude/ or commits, and a missing key for amplihack", async () => {
    const { repo, state } = setup();
    const { deps } = localDeps(repo, state, { ANTHROPIC_API_KEY: "" });
    const noKey = await executeRun(deps, { command: "auto", prompt: "x", target: "local" }).catch((e) => e);
    expect(noKey.code).toBe("no-credential");
    git(repo, "rm", "-q", "-r", "--cached", ".claude");
    cleanup(join(repo, ".claude"));
    const noClaude = await executeRun(deps, localOptions("x")).catch((e) => e);
    expect(noClaude.code).toBe("no-claude-dir");
    const empty = tempDir("ar-empty-");
    dirs.push(empty);
    git(empty, "init", "-q");
    const noCommit = await executeRun(localDeps(empty, state).deps, localOptions("x")).catch((e) => e);
    expect(noCommit.code).toBe("no-commits");
  });

  describe("the secret gate", () => {
    // Synthesised at test time, never a realistic literal in the repository.
    const fakeKey = () =>
      `sk-ant-api03-${Array.from({ length: 93 }, (_, i) => "AbCdEfGhJkLmNpQrStUvWxYz23456789"[(i * 7 + 3) % 32]).join("")}AA`;

    it("blocks a key that lives only in history, naming the commit, and uploads nothing", async () => {
      const { repo, state } = setup();
      const key = fakeKey();
      const leaked = commitFile(repo, "config.py", `ANTHROPIC_API_KEY = "${key}"\n`, "add config");
      git(repo, "rm", "-q", "config.py");
      git(repo, "commit", "-q", "-m", "remove config");
      const { deps } = localDeps(repo, state);
      const err = await executeRun(deps, localOptions("task")).catch((e) => e);
      expect(err.code).toBe("secret-found");
      expect(err.exitCode).toBe(3);
      expect(err.message).toContain("config.py");
      expect(err.message).toContain(leaked.slice(0, 7));
      expect(err.message).not.toContain(key);
      expect(existsSync(join(state, "local-target", ".amplihack-remote", "runs"))).toBe(false);
      const [record] = Object.values((await deps.store.read()).runs);
      expect(record.status).toBe("blocked");
      expect(git(repo, "for-each-ref", "refs/amplihack-remote")).toBe("");
    });

    it("blocks a key in an untracked .claude/ file", async () => {
      const { repo, state } = setup();
      const key = fakeKey();
      write(repo, ".claude/settings.local.json", `{ "env": { "ANTHROPIC_API_KEY": "${key}" } }\n`);
      const { deps } = localDeps(repo, state);
      const err = await executeRun(deps, localOptions("task")).catch((e) => e);
      expect(err.code).toBe("secret-found");
      expect(err.message).toContain(".claude/settings.local.json");
      expect(err.message).not.toContain(key);
    });

    it("does not ship excluded files at all (a .env inside .claude/)", async () => {
      const { repo, state } = setup();
      write(repo, ".claude/tools/.env", `TOKEN=${fakeKey()}\n`);
      const { deps } = localDeps(repo, state);
      const summary = await executeRun(deps, localOptions("task"));
      expect(summary.status).toBe("succeeded");
    });
  });
});
