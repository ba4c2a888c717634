/** The VM's setup warnings reach the summary sanitised, bounded and once each. */
import { describe, expect, it } from "vitest";
import { setupWarnings } from "../../../src/core/workflow/setup-warnings.js";

describe("setupWarnings", () => {
  it("keeps only ensure-tooling's warnings, without terminal controls, each once, at most five", () => {
    const log = [
      "2026-12-02T00:00:00Z runner starting",
      "ensure-tooling: WARNING: azlin provisioning is \u001b]0;pwned\u0007degraded\u001b[2J; failed sections: x ",
      "ensure-tooling: WARNING: azlin provisioning is \u001b]0;pwned\u0007degraded\u001b[2J; failed sections: x ",
      "agent: WARNING: not ours",
      ...Array.from({ length: 10 }, (_, i) => `ensure-tooling: WARNING: number ${i} ${"y".repeat(1000)}`),
    ].join("\n");
    const found = setupWarnings(log);
    expect(found).toHaveLength(5);
    expect(found[0]).toMatch(
      /^The VM's setup warned: azlin provisioning is .*degraded.*; failed sections: x$/,
    );
    for (const w of found) {
      expect(w).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      expect(w.length).toBeLessThan(400);
    }
    expect(setupWarnings("ensure-tooling: azlin provisioning: ok\n")).toEqual([]);
  });
});
