/**
 * The statuses a run goes through, on their own: the hook's quick look (core/notify/quick-look.ts)
 * needs them without the run record's schema and zod.
 */
export const RUN_STATUSES = [
  "pending",
  /** Waiting for a VM: quota or --max-vms left none free (src/core/queue/). */
  "queued",
  "running",
  "succeeded",
  "failed",
  "timed-out",
  "killed",
  "blocked",
  "error",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Every status but the three a run can still leave. */
export const FINISHED: readonly RunStatus[] = RUN_STATUSES.filter(
  (s) => s !== "pending" && s !== "queued" && s !== "running",
);
