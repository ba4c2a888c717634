/**
 * A queued run as a person or a model sees it: its place, why it waits, and whether any process
 * is moving the queue now; if none is, how to move it (any `status` call launches what fits).
 */
import { z } from "zod";
import type { RunRecord } from "../../state/run-record.js";
import { driverAlive } from "../runs/refresh-run.js";

export const queueViewSchema = z.object({
  position: z.number().describe("Place in the queue, 1 is next"),
  waitingFor: z.enum(["quota", "max-vms", "turn"]),
  reason: z.string(),
  since: z.string(),
  moving: z.boolean().describe("A process of ours is waiting on it and will start it as soon as it fits"),
  resume: z.string().nullable().describe("When no process moves the queue: how to move it along"),
});
export type QueueView = z.infer<typeof queueViewSchema>;

export const RESUME_HINT =
  "The queue is idle (no process of ours is waiting on it): run `amplihack-remote status` (or call remote_status) to start what fits now; each call moves it along.";

export function queueView(r: RunRecord): QueueView | null {
  if (r.status !== "queued" || !r.queue) return null;
  const moving = driverAlive(r.driverPid);
  return {
    position: r.queue.position,
    waitingFor: r.queue.waitingFor,
    reason: r.queue.reason,
    since: r.queue.since,
    moving,
    resume: moving ? null : RESUME_HINT,
  };
}
