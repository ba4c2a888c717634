/**
 * How a waiting run learns that something freed: within one process (a launch worker holds every
 * queued run of its batch) an event wakes all waiters at once; across processes, each waiter looks
 * again after a delay that grows while nothing changes (backoff), up to a cap, and starts short
 * again after each wake.
 */
import { EventEmitter } from "node:events";

const events = new EventEmitter();
events.setMaxListeners(0);

/** Tells this process's waiters to look again now: a VM was released or a run left the queue. */
export function wakeQueue(): void {
  events.emit("wake");
}

export interface Backoff {
  /** Sleeps the current delay (or until woken or aborted), then grows it; a wake resets it. */
  nap(signal?: AbortSignal): Promise<void>;
}

export function backoff(firstMs: number, maxMs: number): Backoff {
  let delay = firstMs;
  return {
    nap(signal) {
      return new Promise((resolve) => {
        const done = (woken: boolean) => {
          clearTimeout(timer);
          events.off("wake", onWake);
          signal?.removeEventListener("abort", onAbort);
          delay = woken ? firstMs : Math.min(maxMs, Math.round(delay * 1.5));
          resolve();
        };
        const onWake = () => done(true);
        const onAbort = () => done(false);
        const timer = setTimeout(() => done(false), delay);
        events.on("wake", onWake);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
  };
}
