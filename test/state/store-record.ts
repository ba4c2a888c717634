import { newRunRecord, type RunRecord } from "../../src/state/run-record.js";

/** A minimal valid run record for state tests. */
export function record(id: string): RunRecord {
  return newRunRecord({ id, repo: "/r", target: "local", command: "auto", promptPreview: "p" });
}
