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
import { cleanup, makeRepo, tempDir, write } from "../support/repo.js";

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
});
