/**
 * Issue 12 end to end on the local target (real git, bash, tar, the real runner scripts): nothing
 * the agent made is lost, the user's .git is never written by a run, and what comes back from the
 * machine is treated as hostile input.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, rmSync, statSync, symlinkSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { formatSummary } from "../../src/core/workflow/summary.js";
import { connect, textOf } from "../mcp/support.js";
import { runCli } from "../support/cli.js";
import { rejection, until } from "../support/fault-support.js";
import { executeRun, localDeps, localOptions } from "../support/local-run.js";
import { cleanup, commitFile, git, makeRepo, tempDir, userStateHash, write } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

function setup() {
  const repo = makeRepo();
  const state = tempDir("ar-state-");
  const bin = tempDir("ar-agent-");
  dirs.push(repo, state, bin);
  return { repo, state, bin };
}

/** An agent for this test: a bash script that runs in the run's workspace. */
function agent(bin: string, body: string): string {
  const path = join(bin, "agent.sh");
  write(bin, "agent.sh", `#!/usr/bin/env bash\nset -u\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const opts = (agentPath: string, prompt = "do it") => localOptions(prompt, { agentCommand: [agentPath] });

/** Every file under .git/objects and every ref: what "the user's .git is never written" means. */
function gitStore(repo: string): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else files.push(`${abs.slice(repo.length)} ${statSync(abs).size}`);
    }
  };
  walk(join(repo, ".git", "objects"));
  return `${files.join("\n")}\n${git(repo, "for-each-ref", "--format=%(refname) %(objectname)")}`;
}

const ESC = "\x1b";

describe("item 1: the agent's uncommitted work comes home", () => {
  it("records modified, deleted and untracked files as one labelled commit on top of the agent's, leaving ignored files and the agent's index alone", async () => {
    const { repo, state, bin } = setup();
    commitFile(repo, "doomed.txt", "delete me\n");
    const path = agent(
      bin,
      [
        "echo committed > a.txt && git add a.txt && git commit -qm 'agent: a'",
        "echo changed > src/app.txt", // modified
        "git rm -q doomed.txt", // deleted, and staged in the agent's own index
        "echo fresh > new.txt", // untracked
        "echo secret-build > ignored.txt", // ignored by .gitignore
      ].join("\n"),
    );
    const { deps } = localDeps(repo, state);
    const summary = await executeRun(deps, opts(path));

    expect(summary.status).toBe("succeeded");
    const main = summary.branches.find((b) => b.branch === "main");
    expect(main?.newCommits.map((c) => [c.subject, Boolean(c.uncommitted)])).toEqual([
      [`amplihack-remote: uncommitted work left by the agent (run ${summary.runId})`, true],
      ["agent: a", false],
    ]);
    const tip = "remote-exec/main";
    expect(git(repo, "show", `${tip}:src/app.txt`)).toBe("changed\n");
    expect(git(repo, "show", `${tip}:new.txt`)).toBe("fresh\n");
    expect(() => git(repo, "show", `${tip}:doomed.txt`)).toThrow();
    expect(() => git(repo, "show", `${tip}:ignored.txt`)).toThrow();
    // The .claude files the runner copied in are not the agent's work.
    expect(main?.filesChanged).toEqual(["a.txt", "doomed.txt", "new.txt", "src/app.txt"]);
    expect(git(repo, "log", "-1", "--format=%an <%ae>%n%B", tip)).toContain(
      "amplihack-remote <amplihack-remote@localhost>",
    );
    expect(git(repo, "log", "-1", "--format=%B", tip)).toContain(
      `Amplihack-Remote-Uncommitted-Work: ${summary.runId}`,
    );
    expect(formatSummary(summary)).toContain("holds the work the agent left uncommitted");
  });

  it("brings home what a timed-out agent left uncommitted, and a detached HEAD's work", async () => {
    const { repo, state, bin } = setup();
    const path = agent(bin, "git checkout -q --detach\necho half-done > wip.txt\nsleep 120");
    const { deps } = localDeps(repo, state, { AMPLIHACK_REMOTE_TIMEOUT_SECONDS: "2" });
    const summary = await executeRun(deps, opts(path));

    expect(summary.status).toBe("timed-out");
    const kept = summary.branches.find((b) => b.branch === `amplihack-remote/detached-${summary.runId}`);
    expect(kept?.newCommits.map((c) => c.uncommitted)).toEqual([true]);
    expect(git(repo, "show", `${kept?.runRef}:wip.txt`)).toBe("half-done\n");
  });

  it("brings home what a killed (cancelled) agent left uncommitted", async () => {
    const { repo, state, bin } = setup();
    const marker = join(bin, "started");
    const path = agent(bin, `echo unsaved > draft.txt\ntouch '${marker}'\nsleep 120`);
    const { deps } = localDeps(repo, state);
    const controller = new AbortController();
    const run = executeRun(deps, opts(path), controller.signal);
    await until(() => existsSync(marker), "the agent to start");
    controller.abort();
    const summary = await run;

    expect(summary.status).toBe("killed");
    expect(git(repo, "show", "remote-exec/main:draft.txt")).toBe("unsaved\n");
  });

  it("says so plainly when the agent left nothing: no commit is made", async () => {
    const { repo, state, bin } = setup();
    const path = agent(bin, "true");
    const { deps } = localDeps(repo, state);
    const summary = await executeRun(deps, opts(path));
    expect(summary.branches).toEqual([]);
  });
});

/** A blob-less clone (`work`/partial) of a fresh repository whose first README blob stays on the server. */
function partialClone(): { repo: string; work: string; clone: string; state: string } {
  const { repo, state } = setup();
  commitFile(repo, "README.md", "# changed\n");
  git(repo, "config", "uploadpack.allowFilter", "true");
  const work = tempDir("ar-clones-");
  dirs.push(work);
  git(work, "clone", "-q", "--filter=blob:none", `file://${repo}`, "partial");
  return { repo, work, clone: join(work, "partial"), state };
}

describe("item 3: repositories that cannot work are refused before anything billable", () => {
  it("refuses a shallow clone and a partial clone at validate, with the remedy", async () => {
    const { repo, work, state } = partialClone();
    git(work, "clone", "-q", "--depth=1", `file://${repo}`, "shallow");
    for (const [name, remedy] of [
      ["shallow", /git fetch --unshallow/],
      ["partial", /git fetch --refetch.*git config --unset remote\.origin\.promisor/],
    ] as const) {
      const { deps, calls } = localDeps(join(work, name), state);
      const err = await rejection(executeRun(deps, localOptions("x")));
      expect(err.message).toContain(name === "shallow" ? "shallow clone" : "partial clone");
      expect(err.remedy).toMatch(remedy);
      // Refused at validate: no bundle was made, no run recorded.
      expect(calls.some((c) => c.args.includes("bundle"))).toBe(false);
      expect(Object.keys((await deps.store.read()).runs)).toEqual([]);
    }
  });

  it("runs once the partial clone is made whole by the remedy it gave, though git leaves its packs marked .promisor", async () => {
    const { clone, state } = partialClone();
    const refused = await rejection(executeRun(localDeps(clone, state).deps, localOptions("x")));
    const remedy = /`([^`]+)`/.exec(refused.remedy ?? "")?.[1];
    expect(remedy).toBeDefined();
    execFileSync("bash", ["-c", remedy as string], { cwd: clone, stdio: "ignore" });
    expect(readdirSync(join(clone, ".git", "objects", "pack")).some((f) => f.endsWith(".promisor"))).toBe(
      true,
    );

    const summary = await executeRun(localDeps(clone, state).deps, localOptions("whole again"));
    expect(summary.status, JSON.stringify(summary.error)).toBe("succeeded");
  });

  it("says objects are missing, and how to fetch them, when a partial clone's promisor setting was removed without fetching", async () => {
    const { clone, state } = partialClone();
    git(clone, "config", "--unset", "remote.origin.promisor");
    git(clone, "config", "--unset", "remote.origin.partialclonefilter");
    const err = await rejection(executeRun(localDeps(clone, state).deps, localOptions("x")));
    expect(err.code, err.message).toBe("not-a-repo");
    expect(err.message).toContain("missing blob");
    expect(err.remedy).toContain("git fetch --refetch origin");
  });

  it("runs for a user without user.name/user.email, with a fallback identity said in the summary", async () => {
    const { repo, state } = setup();
    const home = tempDir("ar-home-");
    dirs.push(home);
    git(repo, "config", "user.useConfigOnly", "true"); // no guessing from the host name
    write(repo, "dirty.txt", "uncommitted\n");
    const env = {
      AMPLIHACK_REMOTE_STATE_DIR: state,
      AMPLIHACK_REMOTE_POLL_SECONDS: "0.3",
      HOME: home,
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_CONFIG_NOSYSTEM: "1",
      // The suite gives every test an identity through the environment; this user has none.
      GIT_AUTHOR_NAME: undefined,
      GIT_AUTHOR_EMAIL: undefined,
      GIT_COMMITTER_NAME: undefined,
      GIT_COMMITTER_EMAIL: undefined,
    };
    const agentPath = localOptions("x").agentCommand?.[0] as string;
    const r = await runCli(["exec", "--target", "local", "--agent-command", agentPath, "auto", "hello"], {
      cwd: repo,
      env,
    });
    expect(r.stderr + r.stdout).toContain("no user.name/user.email");
    expect(r.code).toBe(0);
    expect(git(repo, "show", "remote-exec/main:dirty.txt")).toBe("uncommitted\n");
    expect(git(repo, "log", "-1", "--format=%an", "remote-exec/main~1")).toBe("amplihack-remote\n");
  });

  it("warns about a merge in progress before its conflict markers ship", async () => {
    const { repo, state, bin } = setup();
    git(repo, "checkout", "-q", "-b", "other");
    commitFile(repo, "src/app.txt", "theirs\n");
    git(repo, "checkout", "-q", "main");
    commitFile(repo, "src/app.txt", "ours\n");
    expect(() => git(repo, "merge", "-q", "other")).toThrow();
    const { deps, events } = localDeps(repo, state);
    const summary = await executeRun(deps, opts(agent(bin, "true")));
    const said = /a merge is in progress.*conflict markers included/;
    expect(summary.warnings.some((w) => said.test(w))).toBe(true);
    expect(events.some((e) => e.stage === "validate" && said.test(e.message))).toBe(true);
  });
});

describe("item 4: the user's repository never grows", () => {
  it("refuses an oversize untracked file before hashing it, leaving .git exactly as it was", async () => {
    const { repo, state } = setup();
    // A sparse 600 MB file: its size is what the file system says, no disk needed.
    git(repo, "config", "core.bigFileThreshold", "1m");
    write(repo, "huge.bin", "");
    truncateSync(join(repo, "huge.bin"), 600 * 1024 * 1024);
    const before = gitStore(repo);
    const { deps } = localDeps(repo, state);
    const err = await rejection(executeRun(deps, localOptions("x", { maxSizeMb: 100 })));
    expect(err.code).toBe("too-large");
    expect(err.message).toContain("huge.bin (600.0 MB)");
    expect(gitStore(repo)).toBe(before);
  });

  it("a run with uncommitted work writes no object and no ref into the user's .git when nothing comes back", async () => {
    const { repo, state, bin } = setup();
    write(repo, "src/app.txt", "dirty\n");
    write(repo, "untracked.txt", "new\n");
    const before = gitStore(repo);
    const stateBefore = userStateHash(repo);
    const { deps } = localDeps(repo, state);
    const summary = await executeRun(deps, opts(agent(bin, "true")));
    expect(summary.status).toBe("succeeded");
    expect(summary.snapshotCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(gitStore(repo)).toBe(before);
    expect(userStateHash(repo)).toBe(stateBefore);
  });
});

describe("item 5: what comes back from the machine is untrusted", () => {
  it("refuses branch names that are not plain, quotes what it prints, and strips escape sequences (CLI)", async () => {
    const { repo, state, bin } = setup();
    const pwned = join(bin, "pwned");
    // Names git itself accepts but a shell would run (git refuses spaces, so $IFS stands in).
    const hostile = [`$(touch\${IFS}${pwned})`, "a;b", "x`id`", "-rf"];
    const path = agent(
      bin,
      [
        `printf x > t.txt && git add t.txt && git commit -qm $'title \\e]0;pwned\\a\\e[2J\\e[31mred\\e[0m'`,
        ...hostile.map((b) => `git update-ref 'refs/heads/${b}' HEAD`),
        "git branch ok/plain-1.2",
        "printf 'log line \\e[2J with a clear-screen\\n'",
      ].join("\n"),
    );
    const r = await runCli(["exec", "--target", "local", "--agent-command", path, "auto", "go"], {
      cwd: repo,
      env: { AMPLIHACK_REMOTE_STATE_DIR: state, AMPLIHACK_REMOTE_POLL_SECONDS: "0.3" },
    });
    expect(r.code).toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).not.toContain(ESC);
    expect(out).toContain("title red"); // the words stay, the sequences go
    for (const name of hostile) expect(out).toContain(`Refused the branch ${JSON.stringify(name)}`);
    expect(out).toContain("git merge remote-exec/main");
    expect(out).toContain("git merge remote-exec/ok/plain-1.2");
    const refs = git(repo, "for-each-ref", "--format=%(refname)", "refs/remotes/remote-exec");
    expect(refs).not.toMatch(/touch|;|`|\/-rf/);
    // Every printed command, pasted into a shell as it is, runs git and nothing else.
    const pasted = out.split("\n").filter((l) => l.trim().startsWith("git merge "));
    expect(pasted.length).toBe(2);
    for (const line of pasted) execFileSync("bash", ["-c", line.trim()], { cwd: repo, stdio: "ignore" });
    expect(existsSync(pwned)).toBe(false);
  });

  it("refuses a branch whose commits hold a forwarded credential, imports none of its objects, and says so loudly", async () => {
    const { repo, state, bin } = setup();
    const path = agent(
      bin,
      'printf "%s\\n" "$ANTHROPIC_API_KEY" > leaked.txt && git add leaked.txt && git commit -qm leak\ngit checkout -q -b clean-work HEAD~1 && echo ok > ok.txt && git add ok.txt && git commit -qm clean',
    );
    const { deps } = localDeps(repo, state);
    const summary = await executeRun(deps, opts(path));
    const text = formatSummary(summary);
    expect(text).toMatch(/REFUSED branch main: .*leaked\.txt.*ANTHROPIC_API_KEY/);
    expect(summary.branches.map((b) => b.branch)).toEqual(["clean-work"]);
    expect(git(repo, "for-each-ref", "--format=%(refname)", "refs/remotes/remote-exec")).not.toContain(
      "/main",
    );
    // The credential's blob is not in the user's object store.
    const key = process.env.ANTHROPIC_API_KEY as string;
    const oid = execFileSync("git", ["hash-object", "--stdin"], {
      cwd: repo,
      input: `${key}\n`,
      encoding: "utf8",
    }).trim();
    expect(() => git(repo, "cat-file", "-e", oid)).toThrow();
  });
});

describe("item 5 through the MCP tool", () => {
  it("returns sanitised subjects and names, and a refused leak, in remote_execute's result", async () => {
    const { bin } = setup();
    const path = agent(
      bin,
      [
        `printf x > t.txt && git add t.txt && git commit -qm $'subject \\e]0;pwned\\a\\e[2Jend'`,
        "git update-ref 'refs/heads/a;b' HEAD",
        'git checkout -q -b leak && printf "%s\\n" "$ANTHROPIC_API_KEY" > k.txt && git add k.txt && git commit -qm leak',
      ].join("\n"),
    );
    const mcp = await connect();
    try {
      const result = await mcp.call("remote_execute", {
        command: "auto",
        prompt: "go",
        target: "local",
        agentCommand: [path],
        wait: true,
      });
      const json = JSON.stringify(result.structuredContent);
      for (const text of [json, textOf(result)]) {
        expect(text).not.toContain(ESC);
        expect(text).not.toContain("\\u001b");
        expect(text).toContain("subject end");
        expect(text).toMatch(/Refused the branch \\?"a;b\\?"/);
        expect(text).toContain("REFUSED branch leak");
      }
    } finally {
      await mcp.close();
    }
  });
});

describe("item 7: results are never dropped silently", () => {
  it("brings tags home under the run's namespace and reports deleted branches and rewritten history", async () => {
    const { repo, state, bin } = setup();
    git(repo, "branch", "feature");
    git(repo, "tag", "v1");
    const path = agent(
      bin,
      [
        "git branch -D feature -q",
        "git commit -q --amend -m 'rewritten initial commit'",
        "git tag light && git tag -a annotated -m 'an annotated tag'",
        "git tag -f v1 HEAD >/dev/null", // a user tag moved by the agent
      ].join("\n"),
    );
    const { deps } = localDeps(repo, state);
    const summary = await executeRun(deps, opts(path));
    const text = formatSummary(summary);

    expect(summary.tags?.map((t) => t.tag).sort()).toEqual(["annotated", "light", "v1"]);
    expect(git(repo, "cat-file", "-t", `refs/remotes/remote-exec/${summary.runId}/tags/annotated`)).toBe(
      "tag\n",
    );
    // The user's own tag is untouched; the agent's v1 is beside it, not over it.
    expect(git(repo, "rev-parse", "v1").trim()).toBe(git(repo, "rev-parse", "main").trim());
    expect(text).toContain(`remote-exec/${summary.runId}/tags/light`);
    expect(text).toContain('The agent deleted the branch "feature"');
    expect(text).toContain("The agent rewrote the history of main");
    expect(summary.branches.find((b) => b.branch === "main")?.rewritten).toBe(true);
  });
});

describe("item 11: a .claude that is a symbolic link out of the repository is not followed", () => {
  it("ships none of the files behind it", async () => {
    const { repo, state, bin } = setup();
    const outside = tempDir("ar-outside-");
    dirs.push(outside);
    write(outside, "private.md", "laptop-only notes\n");
    rmSync(join(repo, ".claude"), { recursive: true });
    git(repo, "rm", "-q", "-r", "--cached", ".claude");
    git(repo, "commit", "-q", "-m", "no .claude");
    symlinkSync(outside, join(repo, ".claude"));
    // On the local target the "machine" is this host, where the link would resolve: what shipped
    // is what the run directory received (claude-dir/), which is what the agent looks at.
    const path = agent(bin, "ls -R ../claude-dir > seen.txt 2>&1; git add seen.txt; git commit -qm seen");
    const { deps, events } = localDeps(repo, state);
    const summary = await executeRun(deps, opts(path));
    expect(summary.status).toBe("succeeded");
    expect(git(repo, "show", "remote-exec/main:seen.txt")).toContain("No such file or directory");
    expect(events.some((e) => /symbolic link that leads out of the repository/.test(e.message))).toBe(true);
  });
});
