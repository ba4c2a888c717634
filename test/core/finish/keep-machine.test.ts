/**
 * The one rule for keeping a machine: kept when asked, when the work is not home, or when the
 * run failed in a way worth a look; deleted once the work is home otherwise (a kill included).
 */
import { describe, expect, it } from "vitest";
import { keepMachine } from "../../../src/core/finish/keep-machine.js";
import { SUMMARY_STATUSES } from "../../../src/state/run-summary.js";

describe("keepMachine", () => {
  it.each(SUMMARY_STATUSES)("keeps the machine when asked, whatever the outcome (%s)", (status) => {
    expect(keepMachine({ requested: true, resultsHome: true, status })).toBe(true);
  });

  it.each(SUMMARY_STATUSES)("keeps it while the results are still on it (%s)", (status) => {
    expect(keepMachine({ requested: false, resultsHome: false, status })).toBe(true);
  });

  it("keeps it for a look after a failure, a timeout or a failed setup", () => {
    for (const status of ["failed", "timed-out", "setup-failed", "error"] as const)
      expect(keepMachine({ requested: false, resultsHome: true, status }), status).toBe(true);
  });

  it("releases it once the work is home from a success or a kill", () => {
    for (const status of ["succeeded", "killed"] as const)
      expect(keepMachine({ requested: false, resultsHome: true, status }), status).toBe(false);
  });
});
