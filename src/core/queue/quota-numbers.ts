/**
 * The numbers in azlin's quota error (`Limit: N cores`, `In use: N cores`, `Requested: N cores`,
 * error_handler.rs::format_quota_error_from_message): how many more VMs of the size fit.
 */
export interface QuotaNumbers {
  limit: number;
  inUse: number;
  requested: number;
}

export function quotaNumbers(text: string): QuotaNumbers | null {
  const read = (label: string) => {
    const m = new RegExp(`^\\s*${label}:\\s*(\\d+)\\s*cores`, "mi").exec(text);
    return m ? Number(m[1]) : null;
  };
  const limit = read("Limit");
  const inUse = read("In use");
  const requested = read("Requested");
  if (limit === null || inUse === null || requested === null || requested <= 0) return null;
  return { limit, inUse, requested };
}

/** How many VMs of the refused size the quota holds in all: what our own VMs can grow back to. */
export function vmsTheQuotaHolds(n: QuotaNumbers): number {
  return Math.floor(n.limit / n.requested);
}

/** One line for a person: why the run waits. */
export function describeQuota(n: QuotaNumbers | null, ours: number): string {
  const numbers = n
    ? `${n.inUse} of ${n.limit} cores in use, a VM needs ${n.requested}`
    : "no vCPU quota left";
  return ours > 0
    ? `Azure quota: ${numbers}; starts when one of our ${ours} VM${ours === 1 ? "" : "s"} frees`
    : `Azure quota: ${numbers}; none of the VMs using it are ours`;
}
