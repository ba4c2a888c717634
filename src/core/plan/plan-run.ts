/**
 * `exec --plan` and remote_execute's `dryRun`: everything a run would do that costs nothing, and
 * what the rest would cost. Validation, the size of the upload and the secret gate run for real;
 * the machine is chosen by asking the fleet which of our VMs would fit (read-only azlin calls:
 * list and show, never new, cp or connect), and priced from the table in azlin/prices.ts.
 */

import { isBlocking } from "../../secrets/severity.js";
import { hourlyPriceUsd } from "../../targets/azlin/fleet.js";
import type { Target, VmFleet } from "../../targets/types.js";
import { asRemoteError } from "../../util/errors.js";
import { continuedOptions, refuseOtherRepo } from "../continue/continued-run.js";
import { resolveParent } from "../continue/resolve-parent.js";
import type { RunOptions, RunOptionsInput } from "../options.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { parseRunOptions } from "../workflow/execute-run.js";
import { prepareForPlan } from "./prepare-for-plan.js";

/** VMs older than this are not reused (as targets/azlin's reuse rule). */
const REUSE_MAX_AGE_HOURS = 24;

export interface RunPlan {
  command: string;
  target: string;
  machine: {
    action: "local" | "named" | "reuse" | "create";
    vm: string | null;
    vmSize: string | null;
    region: string | null;
    /** Why this machine (or why none of ours fits), in a few words. */
    note: string;
  };
  upload: { bytes: number; historyBytes: number; uncommittedBytes: number; maxBytes: number; fits: boolean };
  gate: { blocked: boolean; findings: number; blocking: string[] };
  cost: {
    hourlyUsd: number | null;
    /** The VM's price for the whole timeout: the most the run's compute can cost (list price). */
    worstCaseUsd: number | null;
    timeoutMinutes: number;
    note: string;
  };
  agent: { argv0: string; maxTurns: number | null; model: string; maxBudgetUsd: number | null };
  /** How many runs (best of N: attempts) and on how many machines, shared by capacity. */
  runs: { count: number; machines: number; perMachine: number };
  /** The check run after the agent (--check), with its own time limit. */
  check: { command: string; timeoutMinutes: number } | null;
  /** A continued run (--continue-from): where it starts and whether the agent's session resumes. */
  continues: { runId: string; branch: string; commit: string; onKeptVm: boolean } | null;
  warnings: string[];
}

const MB = 1024 * 1024;
const round2 = (n: number) => Math.round(n * 100) / 100;

export async function planRun(
  deps: WorkflowDeps,
  fleet: () => VmFleet,
  input: RunOptionsInput,
  signal?: AbortSignal,
): Promise<RunPlan> {
  const asked = parseRunOptions(input);
  // A continuation is planned as it would run (core/continue/): refused now for every reason the
  // run itself would be, and on the VM the earlier run was kept on.
  const parent = asked.continueFrom ? await resolveParent(deps, asked.continueFrom) : null;
  const options = parent ? continuedOptions(asked, parent) : asked;
  const { validated, size, gate } = await prepareForPlan(deps, options, signal);
  if (parent) refuseOtherRepo(parent, validated.facts.root);
  const warnings = [...validated.facts.warnings];
  const onKeptVm = parent !== null && parent.keptVm !== null && options.vmName === parent.keptVm;
  const machine = await chooseMachine(options, fleet, warnings, signal);
  if (onKeptVm)
    machine.note = `the VM run ${parent.record.id} was kept on, where the agent's session resumes (not deleted afterwards)`;
  const hourly = machine.vmSize ? hourlyPriceUsd(machine.vmSize) : null;
  const runs = runsAndMachines(options, machine, validated.target);
  const bytes = size.historyBytes + size.worktreeBytes;
  const blocking = gate.report.findings.filter(isBlocking).slice(0, 5);
  return {
    command: options.command,
    target: options.target,
    machine,
    upload: {
      bytes,
      historyBytes: size.historyBytes,
      uncommittedBytes: size.worktreeBytes,
      maxBytes: options.maxSizeMb * MB,
      fits: bytes <= options.maxSizeMb * MB,
    },
    gate: {
      blocked: gate.blocked,
      findings: gate.report.findings.length,
      blocking: gate.blocked ? blocking.map((f) => `${f.path}:${f.line ?? "?"} ${f.rule}`) : [],
    },
    cost: {
      hourlyUsd: hourly,
      worstCaseUsd: hourly === null ? null : round2((hourly * runs.machines * options.timeoutMinutes) / 60),
      timeoutMinutes: options.timeoutMinutes,
      note:
        options.target === "local"
          ? "the local target runs on this machine: no VM is billed"
          : hourly === null
            ? `no list price known for ${machine.vmSize}`
            : "compute at the East US pay-as-you-go list price, for the whole timeout; disk and network come on top",
    },
    agent: {
      argv0: validated.invocation.argv.slice(0, 2).join(" "),
      maxTurns: validated.invocation.isDefaultAgent && options.command === "auto" ? options.maxTurns : null,
      model: validated.invocation.isDefaultAgent
        ? (options.model ?? "amplihack's default (opus[1m])")
        : "the custom agent's own",
      maxBudgetUsd: validated.invocation.isDefaultAgent ? (options.maxBudgetUsd ?? null) : null,
    },
    runs,
    check: options.check
      ? {
          command: options.check,
          timeoutMinutes: Math.min(options.checkTimeoutMinutes, options.timeoutMinutes),
        }
      : null,
    continues: parent
      ? { runId: parent.record.id, branch: parent.branch, commit: parent.commit, onKeptVm }
      : null,
    warnings,
  };
}

/**
 * Best of N shares machines by capacity, as launch-batch does: N runs on ceil(N / runs per VM)
 * VMs of the size asked. A named VM (or a kept one) holds them all; the local target needs none.
 */
function runsAndMachines(
  options: RunOptions,
  machine: RunPlan["machine"],
  target: Pick<Target, "runsPerMachine">,
): RunPlan["runs"] {
  const count = options.attempts ?? 1;
  if (machine.action === "local") return { count, machines: 0, perMachine: count };
  if (machine.action === "named") return { count, machines: 1, perMachine: count };
  const perMachine = Math.max(1, target.runsPerMachine?.(options.vmSize) ?? 1);
  return { count, machines: Math.ceil(count / perMachine), perMachine };
}

async function chooseMachine(
  options: RunOptions,
  fleet: () => VmFleet,
  warnings: string[],
  signal?: AbortSignal,
): Promise<RunPlan["machine"]> {
  if (options.target === "local")
    return {
      action: "local",
      vm: null,
      vmSize: null,
      region: null,
      note: "a sandbox directory on this machine",
    };
  if (options.vmName) {
    // Priced from what azlin lists for it; a VM it does not list would fail the run at acquire.
    const named = { action: "named" as const, vm: options.vmName, vmSize: null, region: null };
    try {
      const vm = (await fleet().listVms(signal)).find((v) => v.name === options.vmName);
      if (!vm) {
        warnings.push(`azlin lists no VM named ${options.vmName}: the run would fail to reach it.`);
        return { ...named, note: "the VM you named, which azlin does not list" };
      }
      return { ...named, vmSize: vm.size, region: vm.region, note: "the VM you named (it is never deleted)" };
    } catch (err) {
      warnings.push(`Could not list our VMs (${asRemoteError(err).message}) to price ${options.vmName}.`);
      return { ...named, note: "the VM you named (it is never deleted)" };
    }
  }
  const create = (note: string): RunPlan["machine"] => ({
    action: "create",
    vm: null,
    vmSize: options.vmSize,
    region: options.region ?? null,
    note,
  });
  if (options.noReuse) return create("--no-reuse: always a fresh VM");
  let vms: Awaited<ReturnType<VmFleet["listVms"]>>;
  try {
    vms = await fleet().listVms(signal);
  } catch (err) {
    warnings.push(`Could not list our VMs (${asRemoteError(err).message}); a run may still reuse one.`);
    return create("our VMs could not be listed");
  }
  const same = (a: string, b?: string) => !b || a.toLowerCase() === b.toLowerCase();
  const now = Date.now();
  const fits = vms
    .filter((vm) => vm.ours && vm.powerState === "Running" && same(vm.size, options.vmSize))
    .filter((vm) => same(vm.region, options.region))
    .filter((vm) => {
      const age = vm.createdAt ? (now - vm.createdAt.getTime()) / 3_600_000 : Number.POSITIVE_INFINITY;
      return age < Math.min(REUSE_MAX_AGE_HOURS, vm.ttlHours);
    })
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
  if (fits.length === 0)
    return create(
      vms.some((v) => v.ours)
        ? `none of our ${vms.filter((v) => v.ours).length} VM(s) fits (size, region, running, age)`
        : "no VM of ours exists",
    );
  const [vm] = fits;
  return {
    action: "reuse",
    vm: vm.name,
    vmSize: vm.size,
    region: vm.region,
    note: `ours, running, ${options.vmSize}; reused if it is free when the run starts, else a new one is created`,
  };
}

const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

/** The plan as a person reads it. */
export function formatPlan(p: RunPlan): string {
  const m = p.machine;
  const machineLine =
    m.action === "local"
      ? "the local target (a sandbox directory on this machine)"
      : m.action === "named"
        ? `the existing VM ${m.vm} (never deleted)`
        : m.action === "reuse"
          ? `reuse ${m.vm} (${m.vmSize}, ${m.region}): ${m.note}`
          : `create a new ${m.vmSize} in ${m.region ?? "azlin's default region"} (${m.note})`;
  const vms = p.runs.machines > 1 ? ` on each of ${p.runs.machines} VMs` : "";
  const cost =
    p.cost.worstCaseUsd !== null
      ? `at most $${p.cost.worstCaseUsd.toFixed(2)} of VM time for the ${p.cost.timeoutMinutes}-minute timeout at $${p.cost.hourlyUsd?.toFixed(3)}/h${vms} (${p.cost.note})`
      : `unknown: ${p.cost.note}`;
  const agent = [
    p.agent.argv0,
    p.agent.maxTurns !== null ? `up to ${p.agent.maxTurns} turns` : "",
    `model: ${p.agent.model}`,
    p.agent.maxBudgetUsd !== null
      ? `spend capped at $${p.agent.maxBudgetUsd} (Claude Code's --max-budget-usd)`
      : "no spend cap (--max-budget-usd)",
  ]
    .filter(Boolean)
    .join(", ");
  const lines = [
    `Plan for ${p.command} on ${p.target}: nothing was started and nothing billable happened.`,
    `  Machine: ${machineLine}`,
    `  Upload:  ${mb(p.upload.bytes)} (history ${mb(p.upload.historyBytes)}, uncommitted ${mb(p.upload.uncommittedBytes)}) of at most ${mb(p.upload.maxBytes)}${p.upload.fits ? "" : "  TOO BIG: raise --max-size or ship less"}`,
    `  Secrets: ${p.gate.blocked ? `BLOCKED by ${p.gate.blocking.join("; ")} (see \`amplihack-remote scan\`)` : `the gate passes (${p.gate.findings} finding(s), none blocking)`}`,
    `  Cost:    ${cost}`,
    `  Agent:   ${agent}`,
  ];
  if (p.runs.count > 1)
    lines.push(
      `  Runs:    ${p.runs.count} attempts of the same prompt${p.runs.machines > 0 ? `, ${p.runs.perMachine} per VM on ${p.runs.machines} VM(s)` : ""}, each home under its own remote-exec/<run-id>/ refs`,
    );
  if (p.check)
    lines.push(
      `  Check:   ${JSON.stringify(p.check.command)} after the agent, at most ${p.check.timeoutMinutes} minute(s)`,
    );
  if (p.continues)
    lines.push(
      `  Continues run ${p.continues.runId} from its ${p.continues.branch} (${p.continues.commit.slice(0, 12)})${p.continues.onKeptVm ? ", on its kept VM where the agent's session resumes" : ", on a fresh machine: its VM was not kept, so the agent starts a new session"}`,
    );
  for (const w of p.warnings) lines.push(`  ! ${w}`);
  return lines.join("\n");
}
