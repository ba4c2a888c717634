/**
 * Issue 16: a batch larger than the quota waits its turn. The fake azlin enforces a regional vCPU
 * quota that holds two Standard_D2s_v3 VMs (test/fake-azlin/quota.mjs). Through the real CLI and
 * its launch worker: eight prompts all succeed, never on more than two VMs at once, each under its
 * own ref; with the launch worker killed once the first two run, `status` resumes the queue; a
 * queued run can be killed; and quota that never frees fails the queue with the quota remedy.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, onTestFinished } from "vitest";
import { runStatus } from "../../src/core/runs/run-status.js";
import { runViewJson } from "../../src/core/views/run-view.js";
import type { WorkflowDeps } from "../../src/core/workflow/deps.js";
import type { RunRecord } from "../../src/state/run-record.js";
import { sweepScratchDirs } from "../../src/util/scratch-dirs.js";
import { connect } from "../mcp/support.js";
import { useAzlinRuns } from "../support/azlin-run.js";
import { runCli } from "../support/cli.js";
import type { FakeAzlin } from "../support/fake-azlin.js";
import { cliEnvFor, processAlive, until } from "../support/fault-support.js";
import { RECORDING_AGENT } from "../support/local-run.js";
import { git } from "../support/repo.js";
import { TEST_TIMEOUT_MS } from "../support/waits.js";

const SECRET = `sk-ant-api03-queue${"Q".repeat(40)}`;
const SIZE = "Standard_D2s_v3";
/** A refused run tries again soon even when nothing of ours freed (the default is a minute). */
type RemoteErrorJson = { code: string; message: string; remedy: string };

const QUEUE_ENV = { ANTHROPIC_API_KEY: SECRET, AMPLIHACK_REMOTE_QUEUE_RETRY_SECONDS: "2" };

/** The most VMs that existed at once, replayed from the fake's argv log (a VM counts from its `new`). */
function maxConcurrentFromLog(fake: FakeAzlin, created: Set<string>): number {
  let now = 0;
  let max = 0;
  for (const { argv } of fake.argvLog()) {
    if (argv[0] === "new" && created.has(argv[argv.indexOf("--name") + 1])) max = Math.max(max, ++now);
    if ((argv[0] === "kill" || argv[0] === "destroy") && created.has(argv[1])) now -= 1;
  }
  return max;
}

/** Watches the fake's VMs while a batch runs: every name seen and the most at once. */
function watchVms(fake: FakeAzlin) {
  let max = 0;
  const seen = new Set<string>();
  const timer = setInterval(() => {
    const names = Object.keys(fake.state().vms);
    for (const n of names) seen.add(n);
    max = Math.max(max, names.length);
  }, 50);
  return { stop: () => clearInterval(timer), max: () => max, seen };
}

const records = async (deps: WorkflowDeps): Promise<RunRecord[]> =>
  Object.values((await deps.store.read()).runs);

async function startBatch(
  s: { repo: string; fake: FakeAzlin; state: string },
  prompts: string[],
  extra = {},
  flags: string[] = [],
) {
  const started = await runCli(
    [
      "start",
      ...flags,
      ...prompts,
      "--target",
      "azlin",
      "--vm-size",
      SIZE,
      "--agent-command",
      RECORDING_AGENT,
      "--json",
    ],
    { cwd: s.repo, env: cliEnvFor(s, { ...QUEUE_ENV, ...extra }) },
  );
  expect(started.code, started.stderr).toBe(0);
  return (JSON.parse(started.stdout) as { runs: { runId: string; prompt: string }[] }).runs;
}

describe("a batch larger than the quota waits its turn", () => {
  const { test, setup } = useAzlinRuns({ ssh: null, skip: false }, { user: "queue" });

  test(
    "8 prompts, quota for 2 VMs: all succeed, never more than 2 VMs at once, each under its own ref",
    async () => {
      const s = await setup(QUEUE_ENV);
      s.fake.setQuota(`${SIZE}=4`);
      const watch = watchVms(s.fake);
      const prompts = Array.from({ length: 8 }, (_, i) => `task number ${i + 1}`);
      const runs = await startBatch(s, prompts);
      const deps = s.makeDeps();
      // Some were queued with their place and the quota's numbers as the reason.
      await until(async () => (await records(deps)).some((r) => r.status === "queued"), "a run to be queued");
      const queued = (await records(deps)).find((r) => r.status === "queued")!;
      expect(queued.queue?.reason).toMatch(/^Azure quota: \d+ of 4 cores in use, a VM needs 2|older run/);
      expect(runViewJson({ record: queued, live: null, elapsedSeconds: null }).queue).toMatchObject({
        moving: true,
        resume: null,
      });

      // `status` from this process brings finished runs home while the worker frees VMs too.
      await until(async () => {
        const entries = await runStatus(s.makeDeps());
        return (
          entries.length === 8 && entries.every((e) => e.record.status === "succeeded" && e.record.summary)
        );
      }, "all eight runs home");
      watch.stop();

      const refusals = s.fake.argvs().filter((a) => a[0] === "new").length - watch.seen.size;
      expect(refusals).toBeGreaterThan(0); // Azure said no, and those runs waited instead of failing
      expect(watch.max()).toBeLessThanOrEqual(2);
      expect(maxConcurrentFromLog(s.fake, watch.seen)).toBeLessThanOrEqual(2);
      for (const r of runs) {
        expect(git(s.repo, "show", `remote-exec/${r.runId}/main:notes.txt`)).toBe(`${r.prompt}\n`);
      }
      const final = await records(deps);
      expect(final.every((r) => r.queue === null && !r.acquiring && r.retrievingPid === null)).toBe(true);
      // Each VM was deleted once, by the last run out that made it; one a reused run left is idle.
      const left = Object.keys(s.fake.state().vms);
      expect(final.filter((r) => r.summary?.release?.deleted).length).toBe(watch.seen.size - left.length);
      expect(left.length).toBeLessThanOrEqual(2);
      expect(JSON.stringify(s.fake.argvLog())).not.toContain(SECRET);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "the launch worker killed once the first two run: status resumes the queue and drains it",
    async () => {
      // A temporary directory of its own, swept below as any other process of ours would sweep it;
      // the shared one's sweep would take other tests' packages of killed processes too early.
      const tmp = mkdtempSync(join(tmpdir(), "ar-queue-tmp-"));
      onTestFinished(() => rmSync(tmp, { recursive: true, force: true }));
      const env = { ...QUEUE_ENV, TMPDIR: tmp };
      const s = await setup(env);
      s.fake.setQuota(`${SIZE}=4`);
      const release = join(s.state, "release");
      const watch = watchVms(s.fake);
      // Five: two run, three queue; one of those is killed and two drain in the VMs the first free.
      // (Each queued run is a VM's whole life on the fake, so a busy machine pays per run.)
      const prompts = Array.from({ length: 5 }, (_, i) => `hold ${release}-${i < 2 ? "first" : "rest"}`);
      const runs = await startBatch(s, prompts, { TMPDIR: tmp });
      const deps = s.makeDeps();
      await until(async () => {
        const all = await records(deps);
        return (
          all.filter((r) => r.status === "running").length === 2 &&
          all.filter((r) => r.status === "queued").length === 3
        );
      }, "two runs started and three queued");
      const worker = (await records(deps)).find((r) => r.status === "queued")!.driverPid!;
      process.kill(worker, "SIGKILL");
      await until(() => !processAlive(worker), "the launch worker to die");

      // No process now holds the queue's package; a sweep by a process that keeps its state
      // elsewhere (the plugin beside the CLI, another test here) knows nothing of the job file,
      // yet must leave the package its queued runs will start from.
      const job = (await records(deps)).find((r) => r.status === "queued")!.launchJob!;
      const pkg = (JSON.parse(readFileSync(job, "utf8")) as { pkg: { dir: string } }).pkg.dir;
      await sweepScratchDirs({ root: tmp });
      expect(existsSync(pkg), `${pkg} swept`).toBe(true);

      // Nobody moves the queue now: the views say so, and how to resume it.
      const queued = (await records(deps)).filter((r) => r.status === "queued");
      expect(queued.map((r) => r.queue?.position).sort()).toEqual([1, 2, 3]);
      const view = runViewJson({ record: queued[0], live: null, elapsedSeconds: null });
      expect(view.queue).toMatchObject({ moving: false });
      expect(view.queue?.resume).toContain("amplihack-remote status");

      // `kill` takes one out of the queue; the rest move up.
      const dropped = queued.find((r) => r.queue?.position === 3)!;
      const killed = await runCli(["kill", dropped.id], { cwd: s.repo, env: cliEnvFor(s, env) });
      expect(killed.code, killed.stderr).toBe(0);
      expect((await deps.store.getRun(dropped.id))?.status).toBe("killed");

      // The MCP server's remote_status shows each queued run's place and reason, and (being a live
      // process of ours) takes the queue over: a new launch worker drains it.
      const mcp = await connect({ repo: s.repo, env: cliEnvFor(s, env) });
      try {
        const result = await mcp.call("remote_status", {});
        const views = (result.structuredContent as { runs: { status: string; queue: unknown }[] }).runs;
        const shown = views.filter((v) => v.status === "queued");
        expect(shown.length).toBeGreaterThan(0);
        for (const v of shown) {
          expect(v.queue).toMatchObject({
            position: expect.any(Number),
            // Waiting on Azure's quota itself, or behind an older run that does.
            reason: expect.stringMatching(/quota|ahead of it/),
          });
        }
      } finally {
        await mcp.close();
      }
      // The first two may finish now; `status` shows the queue moving.
      writeFileSync(`${release}-first`, "");
      writeFileSync(`${release}-rest`, "");
      const status = await runCli(["status"], { cwd: s.repo, env: cliEnvFor(s, env) });
      expect(status.code, status.stderr).toBe(0);
      const adopter = (await records(deps)).find((r) => r.status === "queued" || r.status === "pending");
      expect(adopter?.driverPid).not.toBe(worker);

      const ids = runs.map((r) => r.runId).filter((id) => id !== dropped.id);
      await until(async () => {
        const r = await runCli(["status", "--json", "--wait", "20"], {
          cwd: s.repo,
          env: cliEnvFor(s, env),
        });
        const views = (
          JSON.parse(r.stdout) as {
            runs: { runId: string; status: string; retrieved: boolean; error: unknown }[];
          }
        ).runs;
        // A run that ended otherwise will never drain: say how at once, not at the safety net.
        const ended = views.filter((v) => ids.includes(v.runId) && /^(error|failed|killed)$/.test(v.status));
        if (ended.length > 0) throw new Error(`runs ended without succeeding: ${JSON.stringify(ended)}`);
        return ids.every((id) =>
          views.some((v) => v.runId === id && v.status === "succeeded" && v.retrieved),
        );
      }, "status to drain the queue");
      watch.stop();
      expect(watch.max()).toBeLessThanOrEqual(2);
      for (const id of ids) {
        // Each run's work (the agent's record, committed as uncommitted work) is under its own ref.
        expect(git(s.repo, "rev-parse", "--verify", `refs/remotes/remote-exec/${id}/main`)).toMatch(
          /^[0-9a-f]{40}/,
        );
      }
      expect(Object.keys(s.fake.state().vms).length).toBeLessThanOrEqual(2);
      // No package or job file is left behind once the queue is empty.
      await until(
        () => !existsSync(join(s.state, "launch")) || listJobs(s.state).length === 0,
        "job files gone",
      );
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "--max-vms 1 with no quota limit: three prompts queue behind one VM and all succeed",
    async () => {
      const s = await setup(QUEUE_ENV);
      const watch = watchVms(s.fake);
      const runs = await startBatch(s, ["first", "second", "third"], {}, ["--max-vms", "1"]);
      const deps = s.makeDeps();
      await until(
        async () => (await records(deps)).some((r) => r.queue?.waitingFor === "max-vms"),
        "a run to wait for --max-vms",
      );
      const waiting = (await records(deps)).find((r) => r.queue?.waitingFor === "max-vms")!;
      expect(waiting.queue?.reason).toContain("--max-vms 1: your runs hold 1 VM");
      await until(async () => {
        const entries = await runStatus(s.makeDeps());
        return entries.every((e) => e.record.status === "succeeded" && e.record.summary);
      }, "all three runs home");
      watch.stop();
      expect(watch.max()).toBe(1);
      expect(s.fake.argvs().filter((a) => a[0] === "new").length).toBe(watch.seen.size); // never refused
      for (const r of runs)
        expect(git(s.repo, "show", `remote-exec/${r.runId}/main:notes.txt`)).toBe(`${r.prompt}\n`);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "quota held by VMs that are not ours: the runs fail at once with the quota remedy, or after the bound the user set",
    async () => {
      const s = await setup(QUEUE_ENV);
      // Room for one VM of the size, taken by somebody else's VM: nothing of ours will free it.
      s.fake.setQuota(`${SIZE}=2`);
      s.fake.addVm({ name: "someone-elses-vm", vmSize: SIZE });
      const deps = s.makeDeps();
      const failedAll = (n: number) => async () => {
        const all = await records(deps);
        return all.length === n && all.every((r) => r.status === "error");
      };

      // By default nobody waits for quota that is not ours to free: the user hears at once.
      await startBatch(s, ["one"]);
      await until(failedAll(1), "the run to fail at once");
      const [first] = await records(deps);
      expect(first.error?.code).toBe("azlin-quota");
      expect(first.error?.message).toContain("None of the VMs using this quota are ours");
      expect(first.error?.remedy).toContain("request a quota increase");
      expect(first.error?.remedy).toContain("AMPLIHACK_REMOTE_QUEUE_GIVE_UP_MINUTES");
      expect(first.queue).toBeNull();

      // With a bound set, the runs wait in the queue, then give up with the same remedy.
      await startBatch(s, ["two", "three"], { AMPLIHACK_REMOTE_QUEUE_GIVE_UP_MINUTES: "0.02" });
      await until(failedAll(3), "the queued runs to give up");
      const waited = (await records(deps)).filter((r) => r.id !== first.id);
      for (const r of waited) {
        expect(r.error?.code).toBe("azlin-quota");
        expect(r.error?.message).toMatch(
          /Queued for \d+ seconds with no VM of ours to wait for|None of the VMs/,
        );
        expect(r.queue).toBeNull();
      }
      expect(Object.keys(s.fake.state().vms)).toEqual(["someone-elses-vm"]);
      await workersGone(deps);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "a size larger than the region's whole quota is refused at once, never queued",
    async () => {
      const s = await setup(QUEUE_ENV);
      s.fake.setQuota(`${SIZE}=0`);
      await startBatch(s, ["one", "two"], { AMPLIHACK_REMOTE_QUEUE_GIVE_UP_MINUTES: "30" });
      const deps = s.makeDeps();
      await until(async () => {
        const all = await records(deps);
        return all.length === 2 && all.every((r) => r.status === "error");
      }, "both runs to be refused");
      for (const r of await records(deps)) {
        expect(r.error?.code).toBe("azlin-quota");
        expect(r.error?.message).toContain("it can never fit");
        expect(r.error?.remedy).toContain("request a quota increase");
        expect(r.queue).toBeNull();
      }
      expect(s.fake.state().vms).toEqual({});
      await workersGone(deps);
    },
    TEST_TIMEOUT_MS,
  );
});

describe("the queue's settings are checked before anything starts", () => {
  const { test, setup } = useAzlinRuns({ ssh: null, skip: false }, { user: "queue" });

  test(
    "a malformed AMPLIHACK_REMOTE_* value fails `start` itself, with no run recorded and no VM",
    async () => {
      const s = await setup(QUEUE_ENV);
      for (const [name, value] of [
        ["AMPLIHACK_REMOTE_MAX_VMS", "two"],
        ["AMPLIHACK_REMOTE_QUEUE_RETRY_SECONDS", "-1"],
        ["AMPLIHACK_REMOTE_QUEUE_GIVE_UP_MINUTES", "soon"],
      ]) {
        const out = await runCli(
          ["start", "a task", "--target", "azlin", "--agent-command", RECORDING_AGENT, "--json"],
          { cwd: s.repo, env: cliEnvFor(s, { ...QUEUE_ENV, [name]: value }) },
        );
        // `start` answers per prompt: this one failed at validation, before it was launched.
        expect(out.code, out.stderr).toBe(1);
        const [run] = (JSON.parse(out.stdout) as { runs: { state: string; error: RemoteErrorJson }[] }).runs;
        expect(run.state).toBe("failed");
        const error = run.error;
        expect(error.code).toBe("usage");
        expect(error.message).toContain(`${name}=${value}`);
        expect(error.remedy).toContain(name);
      }
      expect(await records(s.makeDeps())).toEqual([]);
      expect(s.fake.argvs().filter((a) => a[0] === "new")).toEqual([]);
      expect(existsSync(join(s.state, "launch")) ? listJobs(s.state) : []).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});

/** The launch workers have exited (they tidy the state directory last): the test may remove it. */
async function workersGone(deps: WorkflowDeps): Promise<void> {
  const pids = (await records(deps)).map((r) => r.driverPid).filter((p): p is number => p !== null);
  await until(async () => pids.every((p) => !processAlive(p)), "the launch workers to exit");
}

function listJobs(state: string): string[] {
  return readdirSync(join(state, "launch")).filter((f) => f.endsWith(".json"));
}
