/**
 * The remote loop end to end: `exec` of a quick agent through the real azlin target and the fake
 * azlin, against the same work done by hand in the same run (the floor: `git bundle create`,
 * `azlin new`, `azlin cp` up, one `azlin connect` to run the agent, one to collect, `azlin cp`
 * back: 5 azlin calls). Prints wall-time ratios, azlin calls per run by subcommand, the calls
 * made while following, and how long after the agent exits the follower notices.
 *
 *   npx tsx bench/exec-loop.bench.ts                 # zero latency (our own overhead)
 *   BENCH_LATENCY=1 npx tsx bench/exec-loop.bench.ts # modelled latency: connect/cp 3 s, list/show 2 s, new 30 s
 *   BENCH_LATENCY=0.2 ...                            # the same latencies scaled down (quicker, rougher)
 *   BENCH_RUNS=3, BENCH_AGENT_SECONDS=20 (the agent of the following measurement)
 */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AzlinClient } from "../src/azlin/client.js";
import { createTarget } from "../src/core/app/targets.js";
import type { ProgressEvent } from "../src/core/progress.js";
import type { WorkflowDeps } from "../src/core/workflow/deps.js";
import { executeRun } from "../src/core/workflow/execute-run.js";
import { StateStore } from "../src/state/store.js";
import { remoteCommand } from "../src/targets/azlin/machine.js";
import { AzlinTarget } from "../src/targets/azlin/target.js";
import { createFakeAzlin, type FakeAzlin } from "../test/support/fake-azlin.js";
import { cleanup, git, makeRepo, tempDir } from "../test/support/repo.js";
import { median } from "./support.js";

const scale = Number(process.env.BENCH_LATENCY ?? 0);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const AGENT_SECONDS = Number(process.env.BENCH_AGENT_SECONDS ?? 20);
const LATENCY_MS = { connect: 3000, cp: 3000, list: 2000, show: 2000, new: 30000 };
const delay = Object.entries(LATENCY_MS)
  .map(([op, ms]) => `${op}=${Math.round(ms * scale)}`)
  .join(",");
const RG = "amplihack-bench-rg";

const work = tempDir("ar-bench-loop-");
/** The quick agent: one commit, then exit. It stamps the moment it exits (for the notice latency). */
function agentScript(seconds: number): string {
  const file = join(work, `agent-${seconds}.sh`);
  writeFileSync(
    file,
    `#!/usr/bin/env bash
sleep ${seconds}
echo "$1" > notes.txt && git add notes.txt && git commit -qm "agent commit"
date +%s%N > ${join(work, "agent-exited")}
`,
  );
  chmodSync(file, 0o755);
  return file;
}

function deps(
  fake: FakeAzlin,
  repo: string,
  state: string,
  events: { at: number; e: ProgressEvent }[],
): WorkflowDeps {
  const env = { ...fake.env, AMPLIHACK_REMOTE_RG: RG, FAKE_AZLIN_DELAY_MS: delay };
  const target = new AzlinTarget({ env, user: "bench", transfer: { minDelayMs: 20 } });
  return {
    runner: undefined as never,
    store: new StateStore(join(state, "state.json")),
    target: (name) => (name === "azlin" ? target : createTarget(name, { stateDir: state } as never)),
    env: { ...process.env, ANTHROPIC_API_KEY: `sk-ant-api03-bench${"B".repeat(40)}` },
    cwd: repo,
    scanCacheDir: join(state, "scan-cache"),
    onProgress: (e) => events.push({ at: Date.now(), e }),
  };
}

function callsBySubcommand(fake: FakeAzlin, since: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const argv of fake.argvs().slice(since)) out[argv[0]] = (out[argv[0]] ?? 0) + 1;
  return out;
}
const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

async function ours(keepFirst: boolean, seconds = 0) {
  const fake = await createFakeAzlin({ resourceGroup: RG });
  const repo = makeRepo();
  const state = tempDir("ar-bench-state-");
  const events: { at: number; e: ProgressEvent }[] = [];
  const d = deps(fake, repo, state, events);
  const agent = agentScript(seconds);
  const options = {
    command: "auto" as const,
    prompt: "bench",
    target: "azlin" as const,
    agentCommand: [agent],
  };
  if (keepFirst) {
    const first = await executeRun(d, { ...options, keepVm: true });
    if (first.status !== "succeeded") throw new Error(`warm-up run ${first.status}: ${first.error?.message}`);
  }
  const before = fake.argvs().length;
  const t0Wall = Date.now();
  const t0 = performance.now();
  const summary = await executeRun(d, options);
  const ms = performance.now() - t0;
  if (summary.status !== "succeeded") throw new Error(`run ${summary.status}: ${summary.error?.message}`);
  const exitedAt = Number(BigInt(readFileSync(join(work, "agent-exited"), "utf8").trim()) / 1_000_000n);
  const noticed = events.find((x) => x.at >= exitedAt - 5 && /^(collecting|done)/.test(x.e.message ?? ""));
  const calls = callsBySubcommand(fake, before);
  // Calls made while the agent ran: between the start (the last connect before "running") and exit.
  const following = fake
    .argvLog()
    .slice(before)
    .filter((r) => Date.parse(r.time) > exitedAt - seconds * 1000 && Date.parse(r.time) < exitedAt).length;
  await fake.cleanup();
  cleanup(repo, state);
  const stages = stageBreakdown(events, t0Wall, exitedAt, t0Wall + ms);
  return { ms, calls, notice: noticed ? noticed.at - exitedAt : Number.NaN, following, stages };
}

/**
 * Where the time went, from the progress events (a stage starts at its first event; "start" is
 * the start connection up to the first phase the watcher reports, "follow" from there to the
 * agent's exit, "to retrieve" from its exit to the retrieval, "retrieve" the download, "integrate"
 * the import of what came down).
 */
function stageBreakdown(
  events: { at: number; e: ProgressEvent }[],
  t0: number,
  exitedAt: number,
  end: number,
): Record<string, number> {
  const first = (stage: string, after = t0) => events.find((x) => x.at >= after && x.e.stage === stage)?.at;
  const start = first("execute");
  const marks: [string, number | undefined][] = [
    ["validate", t0],
    ...(["package", "scan", "acquire", "transfer"] as const).map((s): [string, number | undefined] => [
      s,
      first(s),
    ]),
    ["start", start],
    ["follow", start === undefined ? undefined : first("execute", start + 1)],
    ["to retrieve", exitedAt],
    ...(["retrieve", "integrate", "release"] as const).map((s): [string, number | undefined] => [
      s,
      first(s),
    ]),
  ];
  const known = marks.filter((m): m is [string, number] => m[1] !== undefined);
  known.sort((a, b) => a[1] - b[1]);
  const out: Record<string, number> = {};
  known.forEach(([name, at], i) => {
    out[name] = (known[i + 1]?.[1] ?? end) - at;
  });
  return out;
}

/** Our stages that the by-hand floor also does (bundle, new, cp up, run, collect, cp back). */
const COUNTERPART = ["package", "acquire", "transfer", "start", "follow", "to retrieve", "retrieve"];

/** The same work by hand: bundle, new, cp up, connect (run), connect (collect), cp back. */
async function floor() {
  const fake = await createFakeAzlin({ resourceGroup: RG });
  const repo = makeRepo();
  const dir = tempDir("ar-bench-hand-");
  const azlin = new AzlinClient({ env: { ...fake.env, FAKE_AZLIN_DELAY_MS: delay } });
  const agent = agentScript(0);
  const t0 = performance.now();
  git(repo, "bundle", "create", "-q", join(dir, "repo.bundle"), "--all");
  await azlin.createVm({ name: "by-hand", vmSize: "Standard_D2s_v3" });
  await azlin.copy(join(dir, "repo.bundle"), "by-hand:repo.bundle", "by-hand");
  const run = `git clone -q repo.bundle ws && cd ws && git config user.email b@x && git config user.name b && bash ${agent} bench`;
  await azlin.connect("by-hand", remoteCommand(run));
  await azlin.connect("by-hand", remoteCommand("cd ws && git bundle create -q ../out.bundle main"));
  await azlin.copy("by-hand:out.bundle", join(dir, "out.bundle"), "by-hand");
  const ms = performance.now() - t0;
  await fake.cleanup();
  cleanup(repo, dir);
  return { ms, calls: 5 };
}

const rows: {
  name: string;
  ratio: number[];
  ms: number[];
  calls: Record<string, number>;
  floor: number[];
  stages: Record<string, number>[];
}[] = [];
for (const [name, reuse] of [
  ["new VM", false],
  ["reuse", true],
] as const) {
  const ratio: number[] = [];
  const ms: number[] = [];
  const fl: number[] = [];
  let calls: Record<string, number> = {};
  const stages: Record<string, number>[] = [];
  for (let i = 0; i < RUNS; i++) {
    const f = await floor();
    const o = await ours(reuse);
    ratio.push(o.ms / f.ms);
    ms.push(o.ms);
    fl.push(f.ms);
    calls = o.calls;
    stages.push(o.stages);
  }
  rows.push({ name, ratio, ms, calls, floor: fl, stages });
}
console.log(`exec of a quick agent vs by hand, latency scale ${scale} (${delay}), ${RUNS} paired runs`);
for (const r of rows) {
  console.log(
    `  ${r.name.padEnd(7)} ours ${(median(r.ms) / 1000).toFixed(1)} s, by hand ${(median(r.floor) / 1000).toFixed(1)} s: ratio min ${Math.min(...r.ratio).toFixed(2)}x, median ${median(r.ratio).toFixed(2)}x; azlin calls ${total(r.calls)} ${JSON.stringify(r.calls)} (by hand 5)`,
  );
  const names = [...new Set(r.stages.flatMap((s) => Object.keys(s)))];
  console.log(
    `          stages (median ms): ${names.map((n) => `${n} ${Math.round(median(r.stages.map((s) => s[n] ?? 0)))}`).join(", ")}`,
  );
  // The floor does no validation, no secret scan, no vetting or import, no release: the ratio of
  // the stages it does do as well.
  const comparable = r.stages.map((s, i) => COUNTERPART.reduce((a, n) => a + (s[n] ?? 0), 0) / r.floor[i]);
  console.log(
    `          stages with a by-hand counterpart (${COUNTERPART.join(", ")}): ratio min ${Math.min(...comparable).toFixed(2)}x, median ${median(comparable).toFixed(2)}x`,
  );
}
const long = await ours(false, AGENT_SECONDS);
console.log(
  `  following a ${AGENT_SECONDS}-s agent: ${long.following} azlin call(s) made while it ran; agent exit noticed ${long.notice} ms after it happened; whole run ${total(long.calls)} calls ${JSON.stringify(long.calls)}`,
);
cleanup(work);
