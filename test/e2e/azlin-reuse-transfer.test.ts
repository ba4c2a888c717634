/**
 * On a reused VM only what it lacks is sent: the second run's archive carries a thin bundle (or
 * none at all) and the VM restores every shipped ref from its repository cache.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect } from "vitest";
import type { RunOptionsInput } from "../../src/core/options.js";
import { executeRun } from "../../src/core/workflow/execute-run.js";
import { azlinModes, useAzlinRuns } from "../support/azlin-run.js";
import { RECORDING_AGENT } from "../support/local-run.js";
import { commitFile, git, write } from "../support/repo.js";
import { sshdForTests } from "../support/sshd.js";

const sshd = await sshdForTests();
afterAll(async () => {
  await sshd?.stop();
});

describe.each(azlinModes(sshd))("thin uploads to a reused VM ($mode)", (mode) => {
  const { test, setup } = useAzlinRuns(mode, { user: "reuse" });

  test("sends only new objects, and nothing but refs when nothing is new", async () => {
    const { fake, repo, deps } = await setup();
    // Some history worth not sending twice.
    for (let i = 0; i < 30; i++)
      commitFile(repo, `data/file${i}.txt`, `${randomBytes(10_000).toString("hex")}\n`);
    git(repo, "checkout", "-q", "-b", "side");
    commitFile(repo, "side.txt", "side\n");
    git(repo, "checkout", "-q", "main");
    const options = (prompt: string): RunOptionsInput => ({
      command: "auto",
      prompt,
      target: "azlin",
      agentCommand: [RECORDING_AGENT],
      keepVm: true,
    });
    const uploaded = (vm: string, runId: string) =>
      statSync(join(fake.vmHome(vm), ".amplihack-remote", "runs", runId, "context.tar.gz")).size;

    const first = await executeRun(deps, options("first"));
    expect(first.status).toBe("succeeded");
    commitFile(repo, "new.txt", "one new file\n");
    const second = await executeRun(deps, options("second"));
    expect(second.status).toBe("succeeded");
    expect(second.vm).toBe(first.vm);
    const third = await executeRun(deps, options("noop nothing changed"));
    expect(third.status).toBe("succeeded");

    const full = uploaded(first.vm!, first.runId);
    const thin = uploaded(second.vm!, second.runId);
    const none = uploaded(third.vm!, third.runId);
    expect(thin).toBeLessThan(full / 3);
    expect(none).toBeLessThanOrEqual(thin);
    // The reused VM still restored every shipped ref: the agent's work sits on the new commit,
    // and the other branch was there to see.
    expect(git(repo, "show", `remote-exec/${second.runId}/main:new.txt`)).toBe("one new file\n");
    expect(git(repo, "log", "--format=%s", "-1", `remote-exec/${second.runId}/main`).trim()).toBe(
      "agent commit",
    );
  });

  test("a VM named with --vm-name gets a thin upload too, its cache asked in the claim's connection", async () => {
    const { fake, repo, deps } = await setup();
    for (let i = 0; i < 30; i++)
      commitFile(repo, `data/file${i}.txt`, `${randomBytes(10_000).toString("hex")}\n`);
    const first = await executeRun(deps, {
      command: "auto",
      prompt: "first",
      target: "azlin",
      agentCommand: [RECORDING_AGENT],
      keepVm: true,
    });
    expect(first.status).toBe("succeeded");
    commitFile(repo, "new.txt", "one new file\n");
    const before = fake.argvs().length;
    const named = await executeRun(deps, {
      command: "auto",
      prompt: "named",
      target: "azlin",
      agentCommand: [RECORDING_AGENT],
      vmName: first.vm!,
    });
    expect(named.status).toBe("succeeded");
    expect(named.vm).toBe(first.vm);
    const size = (runId: string) =>
      statSync(join(fake.vmHome(first.vm!), ".amplihack-remote", "runs", runId, "context.tar.gz")).size;
    expect(size(named.runId)).toBeLessThan(size(first.runId) / 3);
    // No connection of its own for the probe: show, the claim, cp, the start, the release.
    expect(
      fake
        .argvs()
        .slice(before)
        .filter((a) => a[0] === "connect"),
    ).toHaveLength(3);
    expect(git(repo, "show", `remote-exec/${named.runId}/main:new.txt`)).toBe("one new file\n");
  });

  test("a thin upload whose bundle leaves HEAD out (its commit is on the VM already) still starts", async () => {
    const { fake, repo, deps } = await setup();
    const options = (prompt: string): RunOptionsInput => ({
      command: "auto",
      prompt,
      target: "azlin",
      agentCommand: [RECORDING_AGENT],
      keepVm: true,
    });
    // The tip the thin bundle will name as a prerequisite has a subject that ends like a HEAD line.
    write(repo, "tip.txt", "tip\n");
    git(repo, "add", "tip.txt");
    git(repo, "commit", "-qm", "point at HEAD");
    const first = await executeRun(deps, options("first"));
    expect(first.status).toBe("succeeded");
    // New work on another branch only: HEAD (main) is where the VM's cache has it, so the thin
    // bundle carries the other branch and not HEAD.
    git(repo, "branch", "other");
    git(repo, "checkout", "-q", "other");
    commitFile(repo, "other.txt", "other\n");
    git(repo, "checkout", "-q", "main");
    // And an annotated tag made since, on a commit the VM has: its tag object is new.
    git(repo, "tag", "-a", "-m", "release", "v-known", "HEAD");
    const second = await executeRun(deps, options("second"));
    expect(second.vm).toBe(first.vm);
    expect(second.agentTail).not.toMatch(/setup failed/);
    expect(second.status).toBe("succeeded");
    // The VM restored both: the run's refs, as its cache holds them now, are the user's.
    const cache = join(fake.vmHome(first.vm!), ".amplihack-remote", "cache");
    const [bare] = readdirSync(cache).filter((n) => n.endsWith(".git"));
    // The VM's own user owns its cache (ssh mode): read it as safe.
    const held = execFileSync(
      "git",
      [
        "-c",
        "safe.directory=*",
        "--git-dir",
        join(cache, bare),
        "for-each-ref",
        "--format=%(objectname) %(refname)",
        `refs/runs/${second.runId}/`,
      ],
      { encoding: "utf8" },
    );
    expect(held).toContain(`${git(repo, "rev-parse", "other").trim()} refs/runs/${second.runId}/heads/other`);
    expect(held).toContain(
      `${git(repo, "rev-parse", "v-known").trim()} refs/runs/${second.runId}/tags/v-known`,
    );
    expect(fake.vm(first.vm!)).toBeDefined();
  });
});
