/**
 * The azlin side of the VM inventory and the reaper: list with details (one `show` per VM, as
 * `list` has no tags or creation time), read slots over ssh, delete with a re-read.
 */
import { AzlinClient } from "../../azlin/client.js";
import { hourlyPriceUsd } from "../../azlin/prices.js";
import { mapLimit } from "../../util/map-limit.js";
import type { Runner } from "../../util/run.js";
import type { FleetSlot, FleetVm, VmFleet } from "../types.js";
import { deleteVm } from "./delete-vm.js";
import { AzlinMachine } from "./machine.js";
import { DEFAULT_SLOT_POLICY, readLastRunEnd, readSlots, type SlotPolicy } from "./slots.js";
import { createdAtOf, isOurVm, TAG, ttlHoursOf } from "./tags.js";

/** The price table, for core's plans (core reaches azlin/ only through targets/). */
export { hourlyPriceUsd } from "../../azlin/prices.js";

/** Names made by names.ts::makeVmName. */
const OUR_NAME = /^amplihack-[a-z0-9-]+-\d{8}-\d{6}-[0-9a-f]{4}$/;

export class AzlinFleet implements VmFleet {
  constructor(
    private readonly azlin: AzlinClient,
    private readonly slots: SlotPolicy = DEFAULT_SLOT_POLICY,
  ) {}

  async listVms(signal?: AbortSignal): Promise<FleetVm[]> {
    const listed = await this.azlin.listVms({ signal });
    const rg = this.azlin.resourceGroup?.toLowerCase();
    const inGroup = listed.filter((vm) => !rg || vm.resource_group.toLowerCase() === rg);
    const details = await mapLimit(inGroup, 4, (vm) => this.azlin.showVm(vm.name, { signal }));
    return details
      .filter((d) => d !== null)
      .map((d) => {
        const tags = d.tags ?? {};
        return {
          name: d.name,
          size: d.vm_size,
          region: d.location,
          resourceGroup: d.resource_group,
          powerState: d.power_state,
          createdAt: createdAtOf(d),
          ours: isOurVm(tags),
          nameLooksOurs: OUR_NAME.test(d.name),
          ttlHours: ttlHoursOf(tags),
          runIds: tags[TAG.run] ? [tags[TAG.run]] : [],
          owner: tags[TAG.owner] ?? null,
          hourlyCostUsd: hourlyPriceUsd(d.vm_size),
          howToReach: this.azlin.howToReach(d.name),
        };
      });
  }

  async readSlots(name: string, signal?: AbortSignal): Promise<FleetSlot[]> {
    const slots = await readSlots(new AzlinMachine(name, this.azlin), this.slots, { signal });
    return slots.map((s) => ({ slot: s.slot, runId: s.runId, stale: s.stale }));
  }

  lastRunEnd(name: string, signal?: AbortSignal): Promise<number | null> {
    return readLastRunEnd(new AzlinMachine(name, this.azlin), { signal });
  }

  deleteVm(name: string, signal?: AbortSignal): Promise<{ deleted: boolean; error?: string }> {
    return deleteVm(this.azlin, name, { signal });
  }
}

/** Our VMs as seen through azlin run with `env` (the app kit's: an MCP server's own environment reaches it). */
export function createAzlinFleet(options: { runner?: Runner; env?: NodeJS.ProcessEnv }): AzlinFleet {
  return new AzlinFleet(new AzlinClient(options));
}
