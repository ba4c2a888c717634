/**
 * Progress events flow from the workflow to whoever drives it: a terminal line, MCP progress
 * notifications, or nothing (--json). The workflow never formats output itself.
 */
export type Stage =
  | "validate"
  | "package"
  | "scan"
  | "acquire"
  | "transfer"
  | "execute"
  | "retrieve"
  | "integrate"
  | "release";

export const STAGES: readonly Stage[] = [
  "validate",
  "package",
  "scan",
  "acquire",
  "transfer",
  "execute",
  "retrieve",
  "integrate",
  "release",
];

export interface ProgressEvent {
  stage: Stage;
  /**
   * Monotonic counter across the whole run (MCP requires increasing progress): the stages before
   * this event's stage, plus a little per event. It stays below total even while the last stage
   * runs, though stages overlap (the release begins while the import goes on, whose last event
   * follows the release's first).
   */
  step: number;
  total: number;
  message: string;
}

export type ProgressListener = (event: ProgressEvent) => void;

/** Builds a reporter that numbers events so progress always increases. */
export function createProgress(listener: ProgressListener | undefined) {
  let step = 0;
  const total = STAGES.length;
  return {
    report(stage: Stage, message: string) {
      const before = STAGES.indexOf(stage);
      step = Math.max(step + 0.001, before);
      listener?.({ stage, step: Number(step.toFixed(3)), total, message });
    },
  };
}
export type Progress = ReturnType<typeof createProgress>;
