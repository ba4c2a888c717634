/**
 * `exec --plan`: validation, size and the secret gate for real, the machine chosen by asking the
 * fleet, the worst case priced; and nothing billable: the fake azlin's argv log shows no new, cp
 * or connect, and no run is recorded.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { createFakeAzlin, type FakeAzlin, hoursAgo } from "../support/fake-azlin.js";
import { finishedRun, recordRuns } from "../support/finished-run.js";
import { cleanup, git, makeRepo, tempDir, write } from "../support/repo.js";

const fakes: FakeAzlin[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.cleanup();
  cleanup(...dirs.splice(0));
});

async function setup() {
  const fake = await createFakeAzlin();
  const repo = makeRepo();
  const state = tempDir("ar-plan-state-");
  fakes.push(fake);
  dirs.push(repo, state);
  const env = {
    ...fake.env,
    AMPLIHACK_REMOTE_STATE_DIR: state,
    AMPLIHACK_REMOTE_RG: "amplihack-test-rg",
    ANTHROPIC_API_KEY: `sk-ant-api03-${"k".repeat(90)}AA`,
  };
  return { fake, repo, state, env };
}

const BILLABLE = new Set(["new", "cp", "connect", "kill", "delete", "tag", "start"]);

describe("amplihack-remote exec --plan", () => {
  it("names the VM of ours it would reuse, the upload, the worst-case cost and the limits; bills nothing", async () => {
    const { fake, repo, state, env } = await setup();
    fake.addVm({
      name: "amplihack-e2e-20261201-230000-ab12",
      vmSize: "Standard_D4s_v3",
      region: "eastus",
      tags: { amplihack_workflow: "true", amplihack_ttl_hours: "24" },
      createdAt: hoursAgo(1),
    });
    const r = await runCli(
      [
        "exec",
        "--plan",
        ...["--vm-size", "Standard_D4s_v3", "--timeout", "90", "--max-turns", "7"],
        ...["--model", "sonnet", "--max-budget-usd", "3"],
        "auto",
        "add a parser",
      ],
      { cwd: repo, env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("nothing billable happened");
    expect(r.stdout).toContain("reuse amplihack-e2e-20261201-230000-ab12 (Standard_D4s_v3, eastus)");
    expect(r.stdout).toContain("at most $0.29 of VM time for the 90-minute timeout at $0.192/h");
    expect(r.stdout).toMatch(/Upload: +0\.0 MB/);
    expect(r.stdout).toContain("the gate passes");
    expect(r.stdout).toContain("up to 7 turns, model: sonnet, spend capped at $3");
    const verbs = fake.argvs().map((a) => a[0]);
    expect(verbs.length).toBeGreaterThan(0); // the fleet was asked
    expect(verbs.filter((v) => BILLABLE.has(v))).toEqual([]);
    expect(Object.keys(fake.state().vms)).toHaveLength(1);
    expect(existsSync(join(state, "state.json"))).toBe(false); // no run was recorded
  });

  it("would create a VM when none of ours fits, and says when the secret gate would refuse (exit 1), as JSON", async () => {
    const { fake, repo, env } = await setup();
    fake.addVm({ name: "someone-elses-vm", vmSize: "Standard_D2s_v3", createdAt: hoursAgo(1) });
    write(repo, "deploy.sh", `export AWS_SECRET_ACCESS_KEY=${"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Rm3Tn2Q"}\n`);
    const r = await runCli(["exec", "--plan", "--json", "--region", "westus2", "fix", "the bug"], {
      cwd: repo,
      env,
    });
    expect(r.code, r.stderr).toBe(1);
    const plan = JSON.parse(r.stdout);
    expect(plan.machine).toMatchObject({ action: "create", vmSize: "Standard_D2s_v3", region: "westus2" });
    expect(plan.cost).toMatchObject({ hourlyUsd: 0.096, worstCaseUsd: 0.19, timeoutMinutes: 120 });
    expect(plan.gate.blocked).toBe(true);
    expect(plan.gate.blocking[0]).toMatch(/^deploy\.sh:1 /);
    expect(plan.agent).toMatchObject({ maxTurns: null, maxBudgetUsd: null });
    expect(fake.argvs().filter((a) => BILLABLE.has(a[0]))).toEqual([]);
  });

  it("best of N: the runs, the VMs they share by capacity, the check, and the cost of all of them", async () => {
    const { fake, repo, env } = await setup();
    const r = await runCli(
      [
        "exec",
        "--plan",
        "--json",
        ...["--attempts", "3", "--vm-size", "Standard_D4s_v3", "--timeout", "60"],
        ...["--check", "npm test", "--check-timeout", "10"],
        "auto",
        "add a parser",
      ],
      { cwd: repo, env },
    );
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    // A 4-vCPU VM holds 2 runs: 3 attempts need 2 VMs, and the worst case bills both.
    expect(plan.runs).toEqual({ count: 3, machines: 2, perMachine: 2 });
    expect(plan.cost).toMatchObject({ hourlyUsd: 0.192, worstCaseUsd: 0.38 });
    expect(plan.check).toEqual({ command: "npm test", timeoutMinutes: 10 });
    const text = await runCli(["exec", "--plan", "--attempts", "3", "--check", "npm test", "auto", "x"], {
      cwd: repo,
      env,
    });
    expect(text.stdout).toContain("3 attempts of the same prompt");
    expect(text.stdout).toContain('Check:   "npm test" after the agent');
    expect(fake.argvs().filter((a) => BILLABLE.has(a[0]))).toEqual([]);
  });

  it("a continuation: refused as the run would be, else planned on the VM the earlier run was kept on", async () => {
    const { fake, repo, state, env } = await setup();
    const unknown = await runCli(["exec", "--plan", "--json", "--continue-from", "nosuchrun", "auto", "x"], {
      cwd: repo,
      env,
    });
    expect(unknown.code).not.toBe(0);
    expect(JSON.parse(unknown.stdout).error.message).toContain("nosuchrun");

    const id = "20261202-010203-abcd";
    const vm = "amplihack-e2e-20261202-010203-abcd";
    fake.addVm({ name: vm, vmSize: "Standard_D4s_v3", region: "eastus", createdAt: hoursAgo(1) });
    git(repo, "update-ref", `refs/remotes/remote-exec/${id}/main`, "HEAD");
    const parent = finishedRun(repo, id, { vm: { name: vm, created: true, deleted: false } });
    parent.summary!.release = { deleted: false, kept: true, message: "kept" };
    await recordRuns(state, parent);
    const r = await runCli(["exec", "--plan", "--json", "--continue-from", id, "auto", "go on"], {
      cwd: repo,
      env,
    });
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.continues).toEqual({
      runId: id,
      branch: "main",
      commit: git(repo, "rev-parse", "HEAD").trim(),
      onKeptVm: true,
    });
    expect(plan.machine).toMatchObject({ action: "named", vm, vmSize: "Standard_D4s_v3", region: "eastus" });
    expect(plan.machine.note).toContain("session resumes");
    expect(fake.argvs().filter((a) => BILLABLE.has(a[0]))).toEqual([]);
    const store = await recordRuns(state);
    expect(Object.keys((await store.read()).runs)).toEqual([id]); // nothing new was recorded
  });
});
