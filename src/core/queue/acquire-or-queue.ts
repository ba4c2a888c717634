/**
 * The acquire step with a queue in front (issue 16): a run gets a machine when one fits (under
 * --max-vms and Azure's quota) and no older run waits; otherwise it is `queued`, with its place
 * and the reason, and the process launching it (the launch worker) waits: woken when this process
 * frees a VM, else looking again with backoff, each time first bringing home our finished runs,
 * which is what frees their VMs. Admission and the queue's order live in the state file and change
 * only under its lock, so every process of ours keeps one queue and exactly one run goes per slot.
 */
import type { AcquireRequest, Lease, Target } from "../../targets/types.js";
import { RemoteError } from "../../util/errors.js";
import type { Progress } from "../progress.js";
import { driverAlive } from "../runs/refresh-run.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { adoptOrphans } from "./advance-queue.js";
import { freeSlots } from "./free-slots.js";
import { dequeue, enqueue, queuedInOrder, vmsInUse } from "./queue-book.js";
import { describeQuota, type QuotaNumbers, quotaNumbers, vmsTheQuotaHolds } from "./quota-numbers.js";
import { type QueueSettings, queueSettings, runsQueue } from "./settings.js";
import { backoff, wakeQueue } from "./wake.js";

type Turn = { kind: "go"; since: string | null } | { kind: "wait" } | { kind: "killed" };

export async function acquireOrQueue(
  deps: WorkflowDeps,
  target: Target,
  request: AcquireRequest,
  queue: { progress: Progress; maxVms?: number },
): Promise<Lease> {
  if (!runsQueue(target, request.options)) return target.acquire(request);
  const settings = queueSettings(deps.env, queue.maxVms, deps.pollSeconds ?? target.pollSeconds);
  const { runId, signal } = request;
  const wait = backoff(settings.pollMs, settings.maxPollMs);
  for (;;) {
    const turn = await takeTurn(deps, runId, settings);
    if (turn.kind === "killed") {
      throw new RemoteError(
        "interrupted",
        `Run ${runId} was killed while queued.`,
        "Start it again if you still want it.",
      );
    }
    if (turn.kind === "go") {
      try {
        const lease = await target.acquire(request);
        await deps.store.update((state) => dequeue(state, runId));
        wakeQueue(); // the next in line may go now
        return lease;
      } catch (err) {
        if (!(err instanceof RemoteError) || err.code !== "azlin-quota") {
          await deps.store.update((state) => dequeue(state, runId));
          wakeQueue();
          throw err;
        }
        const giveUp = await refused(deps, runId, turn.since, err, settings);
        if (giveUp) {
          wakeQueue();
          throw giveUp;
        }
      }
    }
    const r = await deps.store.getRun(runId);
    queue.progress.report(
      "acquire",
      r?.queue ? `queued, ${ordinal(r.queue.position)} in line: ${r.queue.reason}` : "queued",
    );
    await wait.nap(signal);
    if (signal?.aborted) {
      // Stopped while waiting: the run keeps its place for whichever process adopts it next.
      throw new RemoteError(
        "interrupted",
        `Stopped waiting for a VM for run ${runId}; it stays queued.`,
        "Run `amplihack-remote status` to resume the queue.",
        { details: { queued: true } },
      );
    }
    await freeSlots(deps, signal);
    await adoptOrphans(deps).catch(() => {});
  }
}

/**
 * Under the lock: may this run try for a machine now? Only when no older run with a live launcher
 * waits, a VM is free under --max-vms, and (after a quota refusal) one of ours freed since or the
 * retry time passed. Admission counts the run as holding a VM until it does, so parallel
 * launches never overbook.
 */
async function takeTurn(deps: WorkflowDeps, runId: string, settings: QueueSettings): Promise<Turn> {
  return deps.store.update((state): Turn => {
    const r = state.runs[runId];
    if (!r || r.status === "killed" || (r.status !== "pending" && r.status !== "queued"))
      return { kind: "killed" };
    const line = queuedInOrder(state);
    const mine = line.findIndex((q) => q.id === runId);
    // An orphan (its launcher died) does not block the line: it is adopted, then waits its turn.
    const ahead = (mine < 0 ? line : line.slice(0, mine)).filter((q) => driverAlive(q.driverPid));
    const inUse = vmsInUse(state, runId);
    const waitAs = (waitingFor: "quota" | "max-vms" | "turn", reason: string): Turn => {
      enqueue(state, runId, { waitingFor, reason });
      r.driverPid = process.pid;
      return { kind: "wait" };
    };
    if (ahead.length > 0) {
      if (r.queue && r.queue.waitingFor !== "turn") return waitAs(r.queue.waitingFor, r.queue.reason);
      return waitAs("turn", `${ahead.length} older run${ahead.length === 1 ? "" : "s"} queued ahead of it`);
    }
    if (settings.maxVms !== null && inUse >= settings.maxVms) {
      return waitAs(
        "max-vms",
        `--max-vms ${settings.maxVms}: your runs hold ${inUse} VM${inUse === 1 ? "" : "s"}; starts when one frees`,
      );
    }
    const last = r.queue?.lastTry;
    if (r.status === "queued" && r.queue?.waitingFor === "quota" && last) {
      const freed = inUse < last.vmsInUse;
      // A retry on time alone (someone else's VM may have gone) is a probe: one at a time.
      const probing = Object.values(state.runs).some(
        (o) => o.id !== runId && o.acquiring && o.queue !== null && driverAlive(o.driverPid),
      );
      const due = Date.now() - Date.parse(last.at) >= settings.retryMs && !probing;
      if (!freed && !due) return waitAs("quota", r.queue.reason);
    }
    const since = r.queue?.since ?? null;
    r.status = "pending";
    r.phase = "acquiring";
    r.acquiring = true;
    r.driverPid = process.pid;
    r.updatedAt = new Date().toISOString();
    return { kind: "go", since };
  });
}

/**
 * Azure refused the VM for quota: back in line (keeping its first place), unless no VM of ours
 * will ever free quota and the run has waited past the bound: then it fails with the remedy.
 */
async function refused(
  deps: WorkflowDeps,
  runId: string,
  since: string | null,
  err: RemoteError,
  settings: QueueSettings,
): Promise<RemoteError | null> {
  const numbers = quotaNumbers(err.message);
  return deps.store.update((state) => {
    const ours = vmsInUse(state, runId);
    const first = since ?? new Date().toISOString();
    const r = state.runs[runId];
    // A VM of this size bigger than the region's whole limit never fits, however long it waits.
    const neverFits = numbers !== null && numbers.requested > numbers.limit;
    if (neverFits || (ours === 0 && Date.now() - Date.parse(first) >= settings.giveUpMs)) {
      dequeue(state, runId);
      return giveUpError(err, numbers, neverFits ? null : since, settings);
    }
    // The refused VM was never made: the run holds none while it waits (a run that fails keeps
    // the name, marked deleted, so its record says what was asked for and that nothing stands).
    if (r?.vm && err.details.vm === r.vm.name && err.details.vmExists !== true) r.vm = null;
    const fits = numbers ? ` (the quota holds ${vmsTheQuotaHolds(numbers)} such VMs)` : "";
    // Runs of ours still being created count as held, but Azure's count says what really exists:
    // the retry waits for fewer VMs than that, so a burst of refusals does not retry at once.
    const existing = numbers ? Math.floor(numbers.inUse / numbers.requested) : ours;
    const held = Math.min(ours, existing);
    enqueue(state, runId, {
      since: first,
      waitingFor: "quota",
      reason: `${describeQuota(numbers, held)}${fits}`,
      lastTry: { at: new Date().toISOString(), vmsInUse: held },
    });
    if (r) r.driverPid = process.pid;
    return null;
  });
}

const ordinal = (n: number) =>
  `${n}${n % 10 === 1 && n % 100 !== 11 ? "st" : n % 10 === 2 && n % 100 !== 12 ? "nd" : n % 10 === 3 && n % 100 !== 13 ? "rd" : "th"}`;

/** The quota error a run ends with when waiting cannot help, saying why not and how to wait. */
function giveUpError(
  err: RemoteError,
  numbers: QuotaNumbers | null,
  queuedSince: string | null,
  settings: QueueSettings,
): RemoteError {
  const minutes = settings.giveUpMs / 60_000;
  const waited = minutes < 1 ? `${Math.round(minutes * 60)} seconds` : `${Math.round(minutes)} minutes`;
  const why =
    numbers && numbers.requested > numbers.limit
      ? `A VM of this size needs ${numbers.requested} cores and the region's limit is ${numbers.limit}: it can never fit, so the run was not queued.`
      : queuedSince
        ? `Queued for ${waited} with no VM of ours to wait for: the quota never freed.`
        : "None of the VMs using this quota are ours, so no run of ours will free it: the run was not queued.";
  // The reason joins azlin's first line: a run's record keeps only the first line of its error.
  const [head, ...rest] = err.message.split("\n");
  return new RemoteError(
    "azlin-quota",
    [`${head.replace(/[.:]\s*$/, "")}. ${why}`, ...rest].join("\n"),
    `${err.remedy} Or free quota (delete other VMs of this size in the region) and start the task again; to have runs wait for quota held by other VMs, set AMPLIHACK_REMOTE_QUEUE_GIVE_UP_MINUTES (how long they wait).`,
    { cause: err, details: err.details },
  );
}
