/**
 * Detached starts: wall time of `start` with 8 prompts against 1 prompt, in the same run, through
 * the azlin target and the fake azlin: at zero latency (goal, issue 14: 8 within 1.5x of 1) and
 * with each fake call made slow to stand for Azure's latency (the question is whether 8 starts
 * overlap). Each pair (1 prompt, then 8) is measured 5 times at zero latency and twice with
 * latency (BENCH_PAIRS overrides both); the median, mean and lowest ratio are printed, and how many
 * cores the machine kept busy during each start: the fake VMs and the fake azlin (a Node process per
 * call, ~90 ms of CPU) share this machine's cores, so the start of 8 is bound by CPU (every core
 * busy) where the start of 1 waits on its chain of calls. That puts the ratio's floor here near 1.3.
 *
 *   npx tsx bench/start-parallel.bench.ts
 *   npx tsx bench/start-parallel.bench.ts --zero         (zero latency only)
 *   npx tsx bench/start-parallel.bench.ts --timeline 8   (one start of 8 prompts: every spawn and progress event, timed)
 *   npx tsx bench/start-parallel.bench.ts --cli          (the built CLI's `start`, what a user waits for: it
 *                                                         returns once the launch is handed to a worker)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createTarget } from "../src/core/app/targets.js";
import { killRun } from "../src/core/runs/kill-run.js";
import { startDetached } from "../src/core/runs/start-detached.js";
import type { WorkflowDeps } from "../src/core/workflow/deps.js";
import { runDir } from "../src/remote/protocol.js";
import { StateStore } from "../src/state/store.js";
import { AzlinTarget } from "../src/targets/azlin/target.js";
import { defaultRunner, type Runner } from "../src/util/run.js";
import { createFakeAzlin } from "../test/support/fake-azlin.js";
import { makeRepo } from "../test/support/repo.js";
import { median, time } from "./support.js";

process.env.GIT_AUTHOR_NAME ??= "b";
process.env.GIT_AUTHOR_EMAIL ??= "b@x";
process.env.GIT_COMMITTER_NAME ??= "b";
process.env.GIT_COMMITTER_EMAIL ??= "b@x";
const agent = resolve("test/fixtures/agents/recording-agent.sh");
// Provisioning dominates a real start: make `new` take 3 s, everything else 0.1 s.
const SLOW = "new:slow:3,list:slow:0.1,show:slow:0.1,tag:slow:0.1,cp:slow:0.1";

/** A line per spawn (start, end) and per progress event, in ms since the start began. */
function timeline() {
  const t0 = performance.now();
  const at = () => (performance.now() - t0).toFixed(0).padStart(6);
  const what = (command: string, args: readonly string[]) =>
    `${command.split("/").pop()} ${args
      .slice(0, 2)
      .map((a) => a.split("\n")[0].slice(0, 40))
      .join(" ")}`;
  let n = 0;
  const runner: Runner = async (command, args, options) => {
    const id = ++n;
    console.log(`${at()} ms  #${id} spawn ${what(command, args)}`);
    const result = await defaultRunner(command, args, options);
    console.log(`${at()} ms  #${id} exit ${result.exitCode}`);
    return result;
  };
  return {
    runner,
    at,
    onProgress: (e: { stage: string; message: string }) =>
      console.log(`${at()} ms  ${e.stage}: ${e.message}`),
  };
}

/**
 * CPU time the whole machine spent busy so far, in ms (Linux's /proc/stat; null elsewhere). Here the
 * fake VMs share the laptop's cores, so a start of 8 that keeps every core busy is bound by CPU,
 * not by waiting: the reading says which of the two a start was.
 */
function machineBusyMs(): number | null {
  try {
    const [user, nice, system, , , irq, softirq] = readFileSync("/proc/stat", "utf8")
      .split("\n")[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return ((user + nice + system + irq + softirq) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

async function measure(
  prompts: number,
  faults: string,
  trace?: ReturnType<typeof timeline>,
): Promise<{ ms: number; vms: number; calls: number; busyMs: number | null }> {
  const work = mkdtempSync(join(tmpdir(), "ar-start-bench-"));
  const repo = makeRepo(mkdtempSync(join(work, "repo-")));
  const fake = await createFakeAzlin({ faults });
  const runner = trace?.runner ?? defaultRunner;
  const target = new AzlinTarget({
    env: { ...fake.env, AMPLIHACK_REMOTE_RG: "amplihack-test-rg" },
    user: "bench",
    runner,
  });
  const deps: WorkflowDeps = {
    runner,
    onProgress: trace?.onProgress,
    store: new StateStore(join(work, "state.json")),
    target: (name) =>
      name === "azlin" ? target : createTarget(name, { runner: defaultRunner, stateDir: work }),
    env: process.env,
    cwd: repo,
    scanCacheDir: join(work, "scan-cache"),
  };
  const list = Array.from({ length: prompts }, (_, i) => `slow task ${i}`);
  const busyBefore = machineBusyMs();
  const { ms, value } = await time(() =>
    startDetached(
      deps,
      { command: "auto", target: "azlin", agentCommand: [agent], vmSize: "Standard_D8s_v3" },
      list,
    ),
  );
  const busyAfter = machineBusyMs();
  const busyMs = busyBefore === null || busyAfter === null ? null : busyAfter - busyBefore;
  if (!value.every((o) => o.ok)) throw new Error(JSON.stringify(value.filter((o) => !o.ok)));
  // The start's own calls (the kills below add theirs): more than 9 for 8 prompts on 2 VMs means
  // runs that reached their VM late and claimed and started in connections of their own.
  const calls = fake.argvLog().map((c) => c.argv[0]);
  if (trace)
    console.log(
      `${trace.at()} ms  start returned; azlin calls of the start: ${calls.length} (${calls.join(" ")})`,
    );
  fake.setFaults("");
  await Promise.all(value.map((o) => killRun(deps, o.runId).catch(() => {})));
  // Killed runners still pack up their work: the next measurement waits for a quiet machine, or
  // the 1-prompt start after an 8-prompt one shares the cores with eight runners collecting.
  const done = (o: { runId: string; vm: string | null }) =>
    !o.vm || existsSync(join(fake.vmHome(o.vm), runDir(o.runId), "exit_code"));
  for (let i = 0; i < 300 && !value.every(done); i++) await new Promise((r) => setTimeout(r, 50));
  const vms = new Set(value.map((o) => o.vm)).size;

  await fake.cleanup();
  rmSync(work, { recursive: true, force: true });
  return { ms, vms, calls: calls.length, busyMs };
}

/**
 * What a user waits for: the built CLI's `start` (dist/cli.js) from spawn to exit. It returns once
 * the batch is validated, packaged, gated and handed to a launch worker, which goes on acquiring and
 * starting; that worker is then waited for (the runs running) and the runs are killed.
 */
async function measureCli(prompts: number): Promise<{ ms: number; handedOff: number }> {
  const work = mkdtempSync(join(tmpdir(), "ar-start-cli-bench-"));
  const repo = makeRepo(mkdtempSync(join(work, "repo-")));
  const fake = await createFakeAzlin();
  const env = {
    ...process.env,
    ...fake.env,
    AMPLIHACK_REMOTE_RG: "amplihack-test-rg",
    AMPLIHACK_REMOTE_STATE_DIR: join(work, "state"),
  };
  const cli = (args: string[]) =>
    execFileSync(process.execPath, [resolve("dist/cli.js"), ...args], { cwd: repo, env, encoding: "utf8" });
  const list = Array.from({ length: prompts }, (_, i) => `slow task ${i}`);
  const { ms, value } = await time(async () =>
    cli([
      "start",
      ...list,
      "--target",
      "azlin",
      "--vm-size",
      "Standard_D8s_v3",
      "--agent-command",
      agent,
      "--json",
    ]),
  );
  const runs = (JSON.parse(value) as { runs: { runId: string; state: string }[] }).runs;
  // The launch worker goes on: wait until no run is still being launched, then stop them all.
  for (let i = 0; i < 600; i++) {
    const views = (JSON.parse(cli(["status", "--json", "--wait", "5"])) as { runs: { status: string }[] })
      .runs;
    if (views.every((v) => v.status !== "pending")) break;
  }
  for (const r of runs)
    spawnSync(process.execPath, [resolve("dist/cli.js"), "kill", r.runId, "--json"], { cwd: repo, env });
  await fake.cleanup();
  rmSync(work, { recursive: true, force: true });
  return { ms, handedOff: runs.filter((r) => r.state === "launching").length };
}

if (process.argv.includes("--cli")) {
  const ratios: number[] = [];
  for (let i = 0; i < 3; i++) {
    const one = await measureCli(1);
    const eight = await measureCli(8);
    ratios.push(eight.ms / one.ms);
    console.log(
      `CLI start, zero latency: 1 prompt ${(one.ms / 1000).toFixed(2)} s; 8 prompts ${(eight.ms / 1000).toFixed(2)} s (${eight.handedOff} handed to the launch worker); ratio 8/1 ${(eight.ms / one.ms).toFixed(2)}`,
    );
  }
  ratios.sort((a, b) => a - b);
  console.log(`CLI start: ratio 8/1 median of 3 ${ratios[1].toFixed(2)}, min ${ratios[0].toFixed(2)}`);
  process.exit(0);
}

const timelineAt = process.argv.indexOf("--timeline");
if (timelineAt >= 0) {
  await measure(Number(process.argv[timelineAt + 1] ?? 8), "", timeline());
  process.exit(0);
}

console.log(
  `load average at the start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} (2 cores)`,
);
/** How many cores the machine kept busy, on average, while each start ran (from machineBusyMs). */
const cores = (...starts: { ms: number; busyMs: number | null }[]) =>
  starts.some((m) => m.busyMs === null)
    ? ""
    : `; cores busy ${starts.map((m) => ((m.busyMs ?? 0) / m.ms).toFixed(1)).join(" and ")} of ${availableParallelism()}`;
const scenarios = [
  ["zero latency", ""],
  ["fake azlin with `new` = 3 s, other calls 0.1 s", SLOW],
] as const;
// --zero: the zero-latency pairs only (the goal's figure), e.g. to compare two builds in turn.
for (const [label, faults] of process.argv.includes("--zero") ? scenarios.slice(0, 1) : scenarios) {
  const ratios: number[] = [];
  // The ratio of one pair swings by ±0.3 on a shared 2-core box: the goal's figure takes 5 pairs.
  const pairs = Number(process.env.BENCH_PAIRS ?? (faults === "" ? 5 : 2));
  for (let i = 0; i < pairs; i++) {
    const one = await measure(1, faults);
    const eight = await measure(8, faults);
    ratios.push(eight.ms / one.ms);
    console.log(
      `${label}: 1 prompt ${(one.ms / 1000).toFixed(2)} s on ${one.vms} VM; 8 prompts ${(eight.ms / 1000).toFixed(2)} s on ${eight.vms} VMs (${eight.calls} azlin calls); ratio 8/1 ${(eight.ms / one.ms).toFixed(2)}${cores(one, eight)}`,
    );
  }
  console.log(
    `${label}: ratio 8/1 over ${pairs} pairs: median ${median(ratios).toFixed(2)}, mean ${(ratios.reduce((a, b) => a + b) / pairs).toFixed(2)}, min ${Math.min(...ratios).toFixed(2)} (1.00 = flat; 8.00 = serial)`,
  );
}
console.log(
  `load average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}; VM size l (4 runs per VM)`,
);
