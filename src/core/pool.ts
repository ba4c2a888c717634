/**
 * Placement of a batch of runs started together (`start "a" "b" "c"`): runs share VMs up to each
 * VM's capacity (src/core/pool-capacity.ts) instead of each provisioning its own. The first run
 * of a group acquires a VM (reused or new) while the others wait for it and then take their own
 * slot on it, so provisioning happens once per VM and in parallel across VMs.
 *
 * Slots live on the VM (src/targets/azlin/slots.ts), so this in-process plan can never
 * double-book a VM that another laptop is using: a join that finds no free slot falls back to a
 * plain acquire.
 */
import type { AcquireRequest, Lease, Target } from "../targets/types.js";

interface Group {
  key: string;
  capacity: number;
  claimed: number;
  first: Promise<Lease>;
}

export function poolingTarget(inner: Target): Target {
  const join = inner.join?.bind(inner);
  const runsPerMachine = inner.runsPerMachine?.bind(inner);
  if (!join || !runsPerMachine) return inner;
  const groups: Group[] = [];
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
  return {
    name: inner.name,
    pollSeconds: inner.pollSeconds,
    needsAgentTooling: inner.needsAgentTooling,
    validate: (signal) => inner.validate(signal),
    attach: (record) => inner.attach(record),
    join,
    runsPerMachine,
    async acquire(request: AcquireRequest): Promise<Lease> {
      const { options } = request;
      if (options.vmName || options.noReuse) return inner.acquire(request);
      const key = `${options.vmSize}|${options.region ?? ""}`;
      // Claiming happens synchronously, so concurrent acquires in this process never race here.
      const open = groups.find((g) => g.key === key && g.claimed < g.capacity);
      if (!open) {
        const group: Group = {
          key,
          capacity: runsPerMachine(options.vmSize),
          claimed: 1,
          first: inner.acquire(taking(request)),
        };
        groups.push(group);
        group.first.catch(() => {
          group.claimed = group.capacity; // a failed first acquire closes the group
        });
        return group.first;
      }
      open.claimed += 1;
      let first: Lease;
      try {
        first = await open.first;
      } catch {
        return inner.acquire(taking(request));
      }
      try {
        return await join(first.machine.name, request, { created: first.created });
      } catch {
        return inner.acquire(taking(request));
      }
    },
  };
}
