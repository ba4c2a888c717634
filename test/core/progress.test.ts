/**
 * The workflow's progress counter: it rises with every event and stays below the total to the
 * end, also when stages overlap and an earlier stage reports after a later one began.
 */
import { describe, expect, it } from "vitest";
import { createProgress, type ProgressEvent, STAGES } from "../../src/core/progress.js";

describe("createProgress", () => {
  it("rises on every event and never reaches the total, with the import's last event after the release's first", () => {
    const events: ProgressEvent[] = [];
    const progress = createProgress((e) => events.push(e));
    for (const stage of STAGES) progress.report(stage, "begins");
    progress.report("integrate", "1 branch(es) into remote-exec/"); // the release is already under way
    progress.report("release", "VM deleted");
    for (let i = 1; i < events.length; i++) expect(events[i].step).toBeGreaterThan(events[i - 1].step);
    for (const e of events) expect(e.step).toBeLessThan(e.total);
    // The counter names the stage under way: the stages before it, so the first is 0.
    expect(Math.floor(events[0].step)).toBe(0);
    expect(Math.floor(events[STAGES.length - 1].step)).toBe(STAGES.length - 1);
  });
});
