/**
 * The whole loop on the azlin target, through the fake azlin: provision (or reuse) a VM, ship the
 * repository, run the agent there with the same remote scripts as a real VM, bring the commits
 * home, release. Both modes: directly, and across a real sshd with a Unix user per VM.
 */
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { RunOptionsInput } from "../../src/core/options.js";
import type { WorkflowDeps } from "../../src/core/workflow/deps.js";
import { executeRun } from "../../src/core/workflow/execute-run.js";
import { StateStore } from "../../src/state/store.js";
import { TAG } from "../../src/targets/azlin/tags.js";
import { AzlinTarget } from "../../src/targets/azlin/target.js";
import { createTarget } from "../../src/targets/registry.js";
import { recordingRunner } from "../../src/util/run.js";
import { createFakeAzlin, type FakeAzlin } from "../support/fake-azlin.js";
import { RECORDING_AGENT } from "../support/local-run.js";
import { cleanup, git, makeRepo, tempDir, userStateHash } from "../support/repo.js";
import { sshdForTests } from "../support/sshd.js";

const sshd = await sshdForTests();
afterAll(async () => {
  await sshd?.stop();
});

const SECRET = `sk-ant-api03-e2e${"Q".repeat(40)}`;

const modes = [
  { mode: "direct", ssh: null, skip: false },
  { mode: "ssh", ssh: sshd, skip: !sshd },
];

describe.each(modes)("exec on the azlin target ($mode)", ({ ssh, skip }) => {
  const fakes: FakeAzlin[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const f of fakes.splice(0)) await f.cleanup();
    cleanup(...dirs.splice(0));
  });
  const test = skip ? it.skip : it;

  async function setup() {
    const fake = await createFakeAzlin({ ssh });
    fakes.push(fake);
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    const recorded = recordingRunner();
    const target = new AzlinTarget({
      runner: recorded.runner,
      env: { ...fake.env, AMPLIHACK_REMOTE_RG: "amplihack-test-rg" },
      user: "e2e",
      transfer: { minDelayMs: 20 },
    });
    const deps: WorkflowDeps = {
      runner: recorded.runner,
      store: new StateStore(join(state, "state.json")),
      target: (name) =>
        name === "azlin" ? target : createTarget(name, { runner: recorded.runner, stateDir: state }),
      env: { ...process.env, ANTHROPIC_API_KEY: SECRET },
      cwd: repo,
      scanCacheDir: join(state, "scan-cache"),
      pollSeconds: 0.2,
    };
    return { fake, repo, deps, calls: recorded.calls };
  }
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
});
