/**
 * VM acquisition: what reuse saves over provisioning, and what looking for a reusable VM costs as
 * the resource group fills up. Runs the real azlin target against the fake azlin and counts the
 * azlin calls each acquire makes. Two timings:
 * - "fake wall": the fake answering at once, i.e. our own overhead (node start per call included);
 * - "modelled": the same acquire with every fake call slowed by LATENCY_S / SCALE; the extra wall
 *   time, times SCALE, so parallel calls overlap as they would against Azure. LATENCY_S are rough guesses for a private
 *   VM reached through Bastion, not measurements: read the ratios, not the seconds.
 *
 *   npx tsx bench/reuse.bench.ts
 */
import { runOptionsSchema } from "../src/core/options.js";
import { AzlinTarget } from "../src/targets/azlin/target.js";
import { createFakeAzlin, type FakeAzlin, hoursAgo } from "../test/support/fake-azlin.js";
import { median } from "./support.js";

/** Guessed seconds per real azlin call (private VM through Bastion); see the header. */
const LATENCY_S: Record<string, number> = {
  list: 6,
  show: 3,
  connect: 5,
  "tag add": 12,
  new: 330,
  kill: 90,
  cp: 8,
};
const SCALE = 50;
const slowFaults = Object.entries(LATENCY_S)
  .map(([op, s]) => `${op.split(" ")[0]}:slow:${s / SCALE}`)
  .join(",");

const ours = {
  amplihack_workflow: "true",
  amplihack_owner: "bench",
  amplihack_ttl_hours: "24",
  amplihack_run: "bench",
};

interface Scenario {
  name: string;
  seed(fake: FakeAzlin): Promise<void>;
  noReuse?: boolean;
}

async function busy(fake: FakeAzlin, vm: string) {
  const now = Math.floor(Date.now() / 1000);
  const script = `mkdir -p .amplihack-remote/slots/0 .amplihack-remote/runs/other && printf 'run_id=other\\ncreated=${now}\\n' > .amplihack-remote/slots/0/owner && echo ${now} > .amplihack-remote/runs/other/heartbeat`;
  await fake.run(["connect", vm, "--no-tmux", "--no-reconnect", "--no-status", "--", script]);
}

function others(fake: FakeAzlin, n: number) {
  for (let i = 0; i < n; i++)
    fake.addVm({ name: `someone-${i}`, vmSize: i % 2 ? "Standard_D4s_v5" : "Standard_D2s_v3" });
}

const SCENARIOS: Scenario[] = [
  { name: "provision (--no-reuse)", noReuse: true, seed: async () => {} },
  { name: "provision (empty resource group)", seed: async () => {} },
  {
    name: "reuse (1 free VM of ours)",
    seed: async (f) => void f.addVm({ name: "ours-free", tags: ours, createdAt: hoursAgo(1) }),
  },
  {
    name: "reuse (1 free among 20 VMs)",
    seed: async (f) => {
      others(f, 19);
      f.addVm({ name: "ours-free", tags: ours, createdAt: hoursAgo(1) });
    },
  },
  {
    name: "provision (3 of ours, all busy)",
    seed: async (f) => {
      for (const n of ["ours-a", "ours-b", "ours-c"]) {
        f.addVm({ name: n, tags: ours, createdAt: hoursAgo(2) });
        await busy(f, n);
      }
    },
  },
];

async function measure(s: Scenario, slow: boolean) {
  const fake = await createFakeAzlin();
  try {
    await s.seed(fake);
    if (slow) fake.setFaults(slowFaults);
    const before = fake.argvs().length;
    const target = new AzlinTarget({
      env: { ...fake.env, AMPLIHACK_REMOTE_RG: "amplihack-test-rg" },
      user: "bench",
    });
    const options = {
      ...runOptionsSchema.parse({ command: "auto", prompt: "bench" }),
      noReuse: Boolean(s.noReuse),
    };
    const t0 = performance.now();
    const lease = await target.acquire({ runId: "20260101-000000-beef", options });
    const ms = performance.now() - t0;
    const calls = fake
      .argvs()
      .slice(before)
      .map((a) => (a[0] === "tag" ? `tag ${a[1]}` : a[0]));
    await lease.release({ keep: true });
    return { ms, calls, reused: lease.reused };
  } finally {
    await fake.cleanup();
  }
}

const rows: string[][] = [];
for (const s of SCENARIOS) {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await measure(s, false));
  const { calls, reused } = runs[0];
  const counts: Record<string, number> = {};
  for (const c of calls) counts[c] = (counts[c] ?? 0) + 1;
  // The fake's own cost (node start per call) is subtracted before scaling up.
  const fast = median(runs.map((r) => r.ms));
  const modelled = Math.round((Math.max(0, (await measure(s, true)).ms - fast) * SCALE) / 1000);
  rows.push([
    s.name,
    reused ? "reused" : "new VM",
    Object.entries(counts)
      .map(([k, v]) => `${k}×${v}`)
      .join(" "),
    `${median(runs.map((r) => r.ms)).toFixed(0)} ms`,
    `~${modelled} s`,
  ]);
}

const header = ["scenario", "outcome", "azlin calls", "fake wall (median of 3)", "modelled real azlin"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i])).join("  "));
console.log(
  `\nModelled: every azlin call slowed by LATENCY_S/${SCALE} (guesses, see the header); the added wall time x${SCALE}.`,
);
