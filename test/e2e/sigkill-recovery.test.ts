/**
 * Issue 7, cell 9 of the fault matrix: the local `exec` process SIGKILLed (no handler, no
 * `finally`) at each stage, then what a user does next from another terminal: `status`, then
 * `retrieve` and `cleanup`. Nothing may be lost: the VM is on record and found, the run's commits
 * come home, and the VM is deleted in the end.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { runDir } from "../../src/remote/protocol.js";
import { useAzlinRuns } from "../support/azlin-run.js";
import { runCli, startCli } from "../support/cli.js";
import {
  processAlive as alive,
  cliEnvFor,
  commitsHome,
  expectNoUntrackedVm,
  until,
  waitForOutput,
} from "../support/fault-support.js";
import { RECORDING_AGENT } from "../support/local-run.js";
import { userStateHash } from "../support/repo.js";

describe("fault matrix: the exec process SIGKILLed, then status and cleanup (CLI, direct)", () => {
  const { test, setup } = useAzlinRuns({ ssh: null, skip: false });

  async function cli(faults: string, env: Record<string, string> = {}) {
    const s = await setup();
    if (faults) s.fake.setFaults(faults);
    const cliEnv = cliEnvFor(s, env);
    const opts = { cwd: s.repo, env: cliEnv };
    return {
      ...s,
      before: userStateHash(s.repo),
      exec: (prompt: string) =>
        startCli(["exec", "--target", "azlin", "--agent-command", RECORDING_AGENT, "auto", prompt], opts),
      run: (...args: string[]) => runCli(args, opts),
    };
  }

  test("9a. killed while provisioning: status marks the run error and names the VM; cleanup NAME deletes it", async () => {
    const { fake, repo, deps, exec, run, before } = await cli("new:slow:2");
    const execRun = exec("never started");
    const [, name] = await waitForOutput(execRun, /acquire: provisioning VM (\S+)/);
    // Killed once `azlin new` is under way (the progress line comes just before it starts).
    await until(() => fake.argvs().some((a) => a[0] === "new"), "azlin new to start");
    execRun.child.kill("SIGKILL");
    const killed = await execRun.done;
    expect(killed.signal).toBe("SIGKILL");

    // The orphaned `azlin new` carries on, as Azure would: the VM appears with nobody to use it.
    const newCall = fake.argvLog().find((r) => r.argv[0] === "new");
    expect(newCall?.argv).toContain(name);
    await until(() => !alive(newCall!.pid), "the orphaned azlin new to finish");
    expect(fake.vm(name)).toBeDefined();

    // It is on record before `new` started, under a run still pending with a dead driver.
    const [pending] = Object.values((await deps.store.read()).runs);
    expect(pending).toMatchObject({ status: "pending", driverPid: execRun.child.pid });
    expect(pending.vm).toEqual({ name, created: true, deleted: false });
    await expectNoUntrackedVm(fake, deps);

    const status = await run("status");
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(pending.id);
    expect(status.stdout).toMatch(/\berror\b/);
    expect(status.stdout).toMatch(/died (before the agent started|while acquiring)/);
    // ... and what to do about the VM it left.
    expect(status.stdout).toContain(`amplihack-remote cleanup ${name}`);
    const record = await deps.store.getRun(pending.id);
    expect(record).toMatchObject({ status: "error", driverPid: null });
    expect(record?.error).toMatchObject({ code: "interrupted" });
    expect(record?.error?.remedy).toContain(`amplihack-remote cleanup ${name}`);
    const json = JSON.parse((await run("status", pending.id, "--json")).stdout);
    expect(json.runs[0]).toMatchObject({ runId: pending.id, status: "error", vm: name });
    expect(json.runs[0].error.remedy).toContain(`amplihack-remote cleanup ${name}`);

    // Never tagged (tags come after the slot), so the reaper passes it by; `vms` shows it, and
    // the name deletes it.
    const vms = await run("vms");
    expect(vms.stdout).toContain(`${name} (untagged)`);
    expect(vms.stdout).toContain("`amplihack-remote cleanup NAME` deletes it");
    const cleanup = await run("cleanup", name);
    expect(cleanup.code).toBe(0);
    expect(cleanup.stdout).toMatch(new RegExp(`${name}\\s+deleted`));
    expect(fake.vm(name)).toBeUndefined();
    expect(fake.state().vms).toEqual({});
    // The record follows: its VM is gone.
    expect((await deps.store.getRun(pending.id))?.vm).toEqual({ name, created: true, deleted: true });
    expect(userStateHash(repo)).toBe(before);
  });

  test("9b. killed during the run: status follows and adopts it, brings its work home once done; the reaper deletes the VM", async () => {
    // The agent must still be running when `status` first looks, which takes a CLI start: on a
    // loaded machine that is many seconds, so the machine's timeout is set well beyond it.
    const { fake, repo, deps, exec, run, before } = await cli("", { AMPLIHACK_REMOTE_TIMEOUT_SECONDS: "90" });
    const execRun = exec("slow task");
    await waitForOutput(execRun, /sleeping/);
    execRun.child.kill("SIGKILL");
    await execRun.done;

    const [running] = Object.values((await deps.store.read()).runs);
    const name = running.vm!.name;
    expect(running).toMatchObject({ status: "running", driverPid: execRun.child.pid });
    expect(running.vm).toEqual({ name, created: true, deleted: false });
    expect(fake.vm(name)).toBeDefined();
    await expectNoUntrackedVm(fake, deps);

    // The run goes on without its driver, and status follows it.
    const during = await run("status", running.id, "--json");
    expect(during.code).toBe(0);
    expect(JSON.parse(during.stdout).runs[0]).toMatchObject({ status: "running", phase: "running" });
    // ... and, its driver being dead, adopts it as a detached run.
    expect(await deps.store.getRun(running.id)).toMatchObject({ detached: true, driverPid: null });

    const exitFile = join(fake.vmHome(name), runDir(running.id), "exit_code");
    await until(() => existsSync(exitFile), "the run to hit its timeout on the VM");

    // Finished there, not home yet: deleting the VM now would lose the partial commit, and
    // cleanup refuses while the run holds its slot.
    const early = await run("cleanup", name);
    expect(early.code).toBe(5);
    expect(early.stdout).toMatch(new RegExp(`${name}\\s+skipped .*busy with run ${running.id}`));
    expect(fake.vm(name)).toBeDefined();

    // status adopted the driverless run: now it sees it finished and brings it home. The agent
    // did not succeed, so the VM is kept, and the summary says how to delete it.
    const after = await run("status", running.id);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(new RegExp(`${running.id}\\s+timed-out .*exit 124`));
    expect(after.stdout).toContain("partial work before the timeout");
    expect(after.stdout).toContain(`amplihack-remote cleanup ${name}`);
    expect(commitsHome(repo, running.id)).toEqual(["partial work before the timeout"]);
    const home = await deps.store.getRun(running.id);
    expect(home).toMatchObject({
      status: "timed-out",
      exitCode: 124,
      summary: expect.any(Object),
      driverPid: null,
    });
    expect(home?.vm).toEqual({ name, created: true, deleted: false });
    expect(fake.vm(name)).toBeDefined();
    await expectNoUntrackedVm(fake, deps);

    // retrieve afterwards gives the same summary (idempotent).
    const retrieved = await run("retrieve", running.id);
    expect(retrieved.code).toBe(6);
    expect(retrieved.stdout).toContain("partial work before the timeout");

    // Tagged and idle now: the reaper finds it by itself, and the record follows.
    const cleanup = await run("cleanup", "--older-than", "0");
    expect(cleanup.code).toBe(0);
    expect(cleanup.stdout).toMatch(new RegExp(`${name}\\s+deleted`));
    expect(fake.vm(name)).toBeUndefined();
    expect(fake.state().vms).toEqual({});
    expect((await deps.store.getRun(running.id))?.vm).toEqual({ name, created: true, deleted: true });
    expect(userStateHash(repo)).toBe(before);
  });
  test("9c. killed while retrieving: status adopts the finished run, brings it home and deletes the VM", async () => {
    const { fake, repo, deps, exec, run, before } = await cli("cp:slow:2");
    const execRun = exec("quick task");
    await waitForOutput(execRun, /retrieve: /);
    execRun.child.kill("SIGKILL");
    await execRun.done;
    await until(() => fake.argvLog().every((r) => !alive(r.pid)), "the fake's processes to end");

    const [orphan] = Object.values((await deps.store.read()).runs);
    const name = orphan.vm!.name;
    expect(orphan).toMatchObject({ status: "running", summary: null, driverPid: execRun.child.pid });
    expect(orphan.vm).toEqual({ name, created: true, deleted: false });
    expect(fake.vm(name)).toBeDefined();
    await expectNoUntrackedVm(fake, deps);
    expect(commitsHome(repo, orphan.id)).toEqual([]);

    fake.setFaults("");
    const status = await run("status");
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`${orphan.id}\\s+succeeded`));
    expect(status.stdout).toContain("Deleted VM");
    expect(commitsHome(repo, orphan.id)).toEqual(["agent commit"]);
    expect(await deps.store.getRun(orphan.id)).toMatchObject({
      status: "succeeded",
      summary: expect.any(Object),
      vm: { name, created: true, deleted: true },
    });
    expect(fake.state().vms).toEqual({});
    expect(userStateHash(repo)).toBe(before);
  });
});
