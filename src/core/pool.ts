/**
 * Placement of a batch of runs started together (`start "a" "b" "c"`): runs share VMs up to each
 * VM's capacity (src/core/pool-capacity.ts) instead of each provisioning its own. The first run
 * of a group acquires a VM (reused or new) while the others wait for it; then the waiting runs
 * take their slots on it all at once (target.join: one connection, or none on a VM the batch has
 * just made), so provisioning happens once per VM and in parallel across VMs. The runs that got
 * their slots that way are the VM's `startGroup`: core/launch starts them in one connection too.
 *
 * Slots live on the VM (src/targets/azlin/slots.ts), so this in-process plan can never
 * double-book a VM that another laptop is using: a run whose slot cannot be had falls back to a
 * plain acquire.
 *
 * The runs of a group share their VM's fate while they launch: one that fails gives back only its
 * slot while another of the group may still run there (on a new VM their slots are taken by their
 * starts: until then it looks empty, and would be deleted), and the last to fail gives the VM back
 * for real. A new VM's ownership tags come with the first start of the group, whichever run's.
 */
import type { AcquireRequest, Lease, ReleaseOutcome, Target } from "../targets/types.js";

interface Waiter {
  request: AcquireRequest;
  settle(lease: Lease | Error): void;
}

interface Group {
  key: string;
  capacity: number;
  claimed: number;
  first: Promise<Lease>;
  /** Runs of the group waiting for the first's VM; null once it came (later runs join alone). */
  waiting: Waiter[] | null;
  fate?: SharedFate;
}

export interface PoolingTarget extends Target {
  /**
   * The runs of this batch that took their slots on `vmName` together (the group's first and its
   * joiners), once their joins are answered; undefined for a VM no group of this batch acquired.
   */
  startGroup(vmName: string): Promise<string[]> | undefined;
}

export function poolingTarget(inner: Target): PoolingTarget {
  const join = inner.join?.bind(inner);
  const runsPerMachine = inner.runsPerMachine?.bind(inner);
  const groups: Group[] = [];
  const startGroups = new Map<string, Promise<string[]>>();
  // Every VM a group of this batch took or is creating: another group reusing one would wait for
  // its creation and find its slots the batch's own, and only then create the VM it needs.
  const batchVms = new Set<string>();
  const taking = (request: AcquireRequest): AcquireRequest => ({
    ...request,
    avoidVms: batchVms,
    onVmKnown: async (vm) => {
      batchVms.add(vm.name);
      await request.onVmKnown?.(vm);
    },
  });
  const base = {
    name: inner.name,
    pollSeconds: inner.pollSeconds,
    needsAgentTooling: inner.needsAgentTooling,
    validate: (signal?: AbortSignal) => inner.validate(signal),
    attach: (record: Parameters<Target["attach"]>[0]) => inner.attach(record),
    startGroup: (vmName: string) => startGroups.get(vmName),
  };
  if (!join || !runsPerMachine) return { ...base, acquire: (request) => inner.acquire(request) };

  /** A run's slot on the group's VM, or (none to be had) a VM of its own. */
  const joined = async (answer: Promise<Lease | Error>, request: AcquireRequest): Promise<Lease> => {
    const lease = await answer.catch((err: Error) => err);
    return lease instanceof Error ? inner.acquire(taking(request)) : lease;
  };

  /** Once the first's VM is known: every waiting run takes its slot there, all in one go. */
  const whenFirstCame = (group: Group, first: Lease, firstRunId: string) => {
    const waiting = group.waiting ?? [];
    group.waiting = null;
    const name = first.machine.name;
    const members = (async () => {
      if (waiting.length === 0) return [firstRunId];
      // They start in the first's own start connection (core/launch/start-together.ts).
      const answers = await join(
        name,
        waiting.map((w) => w.request),
        { created: first.created, beforeItsStart: true },
      ).catch((err: Error) => waiting.map(() => err));
      const ids = [firstRunId];
      waiting.forEach((w, i) => {
        const answer = answers[i] ?? new Error("no answer");
        if (!(answer instanceof Error)) ids.push(w.request.runId);
        w.settle(answer instanceof Error ? answer : (group.fate?.member(w.request.runId, answer) ?? answer));
      });
      return ids;
    })();
    group.fate = sharedFate(first, members);
    startGroups.set(name, members);
  };

  return {
    ...base,
    join,
    runsPerMachine,
    async acquire(request: AcquireRequest): Promise<Lease> {
      const { options } = request;
      if (options.vmName || options.noReuse) return inner.acquire(request);
      const key = `${options.vmSize}|${options.region ?? ""}`;
      // Claiming happens synchronously, so concurrent acquires in this process never race here.
      const open = groups.find((g) => g.key === key && g.claimed < g.capacity);
      if (!open) {
        const first = inner.acquire(taking(request));
        const group: Group = {
          key,
          capacity: runsPerMachine(options.vmSize),
          claimed: 1,
          first,
          waiting: [],
        };
        groups.push(group);
        first.then(
          (lease) => whenFirstCame(group, lease, request.runId),
          (err: Error) => {
            group.claimed = group.capacity; // a failed first acquire closes the group
            for (const w of group.waiting?.splice(0) ?? []) w.settle(err);
            group.waiting = null;
          },
        );
        const lease = await first;
        return group.fate?.member(request.runId, lease, true) ?? lease;
      }
      open.claimed += 1;
      if (open.waiting) {
        const answer = new Promise<Lease | Error>((settle) => open.waiting?.push({ request, settle }));
        return joined(answer, request);
      }
      // The first's VM came before this run asked: it joins alone (its slot claimed now: the VM
      // may be tagged, and so open to others, before this run starts).
      const first = await open.first.catch(() => null);
      if (!first) return inner.acquire(taking(request));
      const answer = join(first.machine.name, [request], { created: first.created }).then((a) =>
        a[0] instanceof Error ? a[0] : (open.fate?.member(request.runId, a[0]) ?? a[0]),
      );
      return joined(answer, request);
    },
  };
}

interface SharedFate {
  /** The run's lease as one of the group's: `first` for the run that acquired the VM. */
  member(runId: string, lease: Lease, first?: boolean): Lease;
}

/** One VM's fate among the runs of its group (see the head of this file). */
function sharedFate(vm: Lease, members: Promise<string[]>): SharedFate {
  const roster = new Set<string>();
  const failed = new Set<string>();
  const keeping: Promise<unknown>[] = [];
  const tag = vm.deferredClaim?.confirm.bind(vm.deferredClaim);
  let tagged: Promise<void> | null = null;
  const tagOnce = (signal?: AbortSignal) => {
    tagged ??= tag ? tag(signal) : Promise.resolve();
    return tagged;
  };
  return {
    member(runId, lease, first = false) {
      roster.add(runId);
      let released: Promise<ReleaseOutcome> | null = null;
      const claim = lease.deferredClaim;
      return {
        machine: lease.machine,
        created: lease.created,
        reused: lease.reused,
        probed: lease.probed,
        // The first run's start fails when its VM cannot be tagged (as alone); another run's does not.
        deferredClaim: claim && {
          script: claim.script,
          confirm: tag
            ? (signal) => (first ? tagOnce(signal) : tagOnce(signal).catch(() => {}))
            : claim.confirm,
        },
        release(options) {
          released ??= (async () => {
            await members;
            failed.add(runId);
            if ([...roster].some((id) => !failed.has(id))) {
              const kept = lease.release({ ...options, keep: true });
              keeping.push(kept);
              await kept.catch(() => {});
              const { name } = lease.machine;
              return {
                deleted: false,
                kept: true,
                message: `VM ${name} stays up for the other runs of this batch on it; the last of them to be released deletes it.`,
              };
            }
            await Promise.allSettled(keeping);
            return lease.release(options);
          })();
          return released;
        },
      };
    },
  };
}
