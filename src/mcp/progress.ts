/**
 * Turns the workflow's progress events into MCP progress notifications, and keeps them coming.
 *
 * Claude Code aborts a tool call that stays silent past its idle watchdog, and each progress
 * notification resets that clock; its `message` is what the user sees under the tool call. So:
 * every workflow event is forwarded, and when nothing has happened for `heartbeatMs` (a VM being
 * provisioned, a large upload) the last message is sent again with the elapsed time.
 * `progress` strictly increases on every notification, as the protocol requires, even when a
 * heartbeat falls between two events of the same stage.
 */
import type { ProgressEvent, ProgressListener } from "../core/progress.js";
import { STAGES } from "../core/progress.js";
import { formatElapsed } from "../core/workflow/follow-run.js";
import type { Extra } from "./define-tool.js";

/** The smallest step a notification adds on top of the previous one. */
const NUDGE = 0.0001;

export interface ProgressNotifier {
  listener: ProgressListener;
  /** Stops the heartbeat; call when the tool call ends. */
  stop(): void;
}

export function progressNotifier(extra: Extra, heartbeatMs: number): ProgressNotifier {
  const token = extra._meta?.progressToken;
  const started = Date.now();
  let last = 0;
  let total = STAGES.length;
  let message = "starting";
  let lastSentAt = started;

  const send = (progress: number, text: string) => {
    // Without a token the client did not ask for progress; after a cancel it no longer listens.
    if (token === undefined || extra.signal.aborted) return;
    last = Number(Math.max(progress, last + NUDGE).toFixed(4));
    lastSentAt = Date.now();
    extra
      .sendNotification({
        method: "notifications/progress",
        params: { progressToken: token, progress: last, total, message: text },
      })
      .catch(() => {}); // a closed transport must not fail the run
  };

  const listener = (event: ProgressEvent) => {
    total = event.total;
    message = `${event.stage}: ${event.message}`;
    send(event.step, message);
  };

  // Checked five times per period, so the longest silence is 1.2 x heartbeatMs (18 s by default).
  const timer = setInterval(() => {
    if (Date.now() - lastSentAt >= heartbeatMs) {
      send(
        last,
        `${message} (still working, ${formatElapsed(Math.round((Date.now() - started) / 1000))} so far)`,
      );
    }
  }, heartbeatMs / 5);
  timer.unref();

  return { listener, stop: () => clearInterval(timer) };
}
