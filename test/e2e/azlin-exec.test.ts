import { afterAll, describe, expect } from "vitest";
import type { RunOptionsInput } from "../../src/core/options.js";
import { executeRun } from "../../src/core/workflow/execute-run.js";
import { TAG } from "../../src/targets/azlin/tags.js";
import { azlinModes, useAzlinRuns } from "../support/azlin-run.js";
import { RECORDING_AGENT } from "../support/local-run.js";
import { git, userStateHash } from "../support/repo.js";
import { sshdForTests } from "../support/sshd.js";

const sshd = await sshdForTests();
afterAll(async () => {
  await sshd?.stop();
});

const SECRET = `sk-ant-api03-e2e${"Q".repeat(40)}`;

describe.each(azlinModes(sshd))("exec on the azlin target ($mode)", (mode) => {
  const { ssh } = mode;
  const { test, setup: setupRun } = useAzlinRuns(mode);
  const setup = () => setupRun({ ANTHROPIC_API_KEY: SECRET });

  const options = (prompt: string, extra: Partial<RunOptionsInput> = {}): RunOptionsInput => ({
    command: "auto",
    prompt,
    target: "azlin",
    agentCommand: [RECORDING_AGENT],
    ...extra,
  });

  test("a fresh VM: the agent's commit comes home, the VM is deleted, the key is on no command line", async () => {
    const { fake, repo, deps, calls } = await setup();
    const before = userStateHash(repo);
    const summary = await executeRun(deps, options("implement it"));

    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe("succeeded");
    expect(summary.vm).toMatch(/^amplihack-e2e-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(summary.release).toMatchObject({ deleted: true });
    expect(git(repo, "show", "remote-exec/main:notes.txt")).toBe("implement it\n");
    expect(git(repo, "show", "remote-exec/main:.agent-record/env")).toContain("has_key=yes");
    expect(userStateHash(repo)).toBe(before);
    expect(fake.state().vms).toEqual({});
    const record = await deps.store.getRun(summary.runId);
    expect(record?.vm).toMatchObject({ name: summary.vm, created: true, deleted: true });

    // The credential travelled on stdin only.
    expect(JSON.stringify(fake.argvLog())).not.toContain(SECRET);
    expect(JSON.stringify(calls)).not.toContain(SECRET);
    if (ssh) expect(ssh.log()).not.toContain(SECRET);
    const subs = fake.argvs().map((a) => a[0]);
    expect(subs.indexOf("new")).toBeLessThan(subs.indexOf("cp"));
    expect(subs.at(-1)).toBe("kill");
  });

  test("a kept VM is reused by the next run, which leaves it up", async () => {
    const { fake, repo, deps } = await setup();
    const first = await executeRun(deps, options("first task", { keepVm: true }));
    expect(first.status).toBe("succeeded");
    expect(first.release).toMatchObject({ deleted: false, kept: true });
    expect(first.release?.message).toContain(`azlin connect ${first.vm}`);
    expect(fake.vm(first.vm!)?.tags[TAG.run]).toBe(first.runId);

    const second = await executeRun(deps, options("second task"));
    expect(second.status).toBe("succeeded");
    expect(second.vm).toBe(first.vm);
    expect(second.release).toMatchObject({ deleted: false, kept: true });
    expect(fake.argvs().filter((a) => a[0] === "new")).toHaveLength(1);
    expect(fake.vm(first.vm!)).toBeDefined();
    expect(git(repo, "show", `remote-exec/${second.runId}/main:notes.txt`)).toBe("second task\n");
  });

  test("a failing agent keeps the VM it created and says how to reach it", async () => {
    const { fake, deps } = await setup();
    const summary = await executeRun(deps, options("fail on purpose"));
    expect(summary.status).toBe("failed");
    expect(summary.exitCode).toBe(3);
    expect(summary.release).toMatchObject({ deleted: false, kept: true });
    expect(summary.warnings.join("\n")).toContain(`azlin connect ${summary.vm}`);
    expect(fake.vm(summary.vm!)).toBeDefined();
  });

  test("hands the prompt to the agent byte for byte across the VM boundary", async () => {
    const { repo, deps } = await setup();
    const prompt = `it's "quoted" $(touch /tmp/pwned-azlin) \`whoami\` $HOME \\ back\nnew line\ttab émoji ✓ 日本 ; rm -rf / #\n`;
    const summary = await executeRun(deps, options(prompt));
    expect(summary.status).toBe("succeeded");
    const argv = git(repo, "show", "remote-exec/main:.agent-record/argv").split("\0");
    expect(argv[argv.length - 2]).toBe(prompt);
  });
});
