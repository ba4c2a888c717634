/** Each failure azlin can report becomes one RemoteError code with a remedy, ANSI stripped. */
import { describe, expect, it } from "vitest";
import { classifyAzlinFailure } from "../../src/azlin/classify.js";
import type { SpawnResult } from "../../src/util/run.js";

const failed = (stderr: string, exitCode = 1, extra: Partial<SpawnResult> = {}): SpawnResult => ({
  command: "azlin",
  args: [],
  exitCode,
  stdout: "",
  stderr,
  timedOut: false,
  canceled: false,
  failedToStart: false,
  ...extra,
});
const ctx = {
  operation: "new",
  binary: "azlin",
  vmName: "vm1",
  vmSize: "Standard_D2s_v3",
  region: "westus2",
};

describe("classifyAzlinFailure", () => {
  const cases: [string, string, number, string][] = [
    ["not installed", "spawn azlin ENOENT", 127, "azlin-missing"],
    [
      "not logged in",
      "Error: Azure authentication failed: `az account show` failed (exit 1): ERROR: Please run 'az login' to setup account.\nRun 'az login' to authenticate with Azure CLI.",
      1,
      "azlin-auth",
    ],
    ["no resource group", "Error: No resource group configured.\n\nSet one of these", 1, "azlin-no-rg"],
    [
      "quota",
      "Error: ❌ Quota exceeded: not enough vCPU cores available.\n   Region:     westus2",
      1,
      "azlin-quota",
    ],
    ["sku", "Error: ❌ VM size not available: nope", 1, "azlin-sku"],
    [
      "not found",
      "Error: ❌ Azure error [ResourceNotFound]: The Resource 'Microsoft.Compute/virtualMachines/vm1' under resource group 'rg' was not found.",
      1,
      "azlin-not-found",
    ],
    [
      "az timed out",
      "Error: Failed to create VM 'vm1': Failed to execute 'az' CLI. Is Azure CLI installed?: az timed out after 120s",
      1,
      "azlin-timeout",
    ],
    [
      "usage error",
      "error: unexpected argument '--bogus' found\n\nUsage: azlin new [OPTIONS]",
      2,
      "azlin-failed",
    ],
    ["anything else", "Error: something odd", 1, "azlin-failed"],
  ];
  for (const [what, stderr, code, expected] of cases) {
    it(what, () => {
      const e = classifyAzlinFailure(failed(stderr, code, { failedToStart: code === 127 }), ctx);
      expect(e.code).toBe(expected);
      expect(e.remedy.length).toBeGreaterThan(10);
    });
  }
  it("a timeout of our own bound", () => {
    expect(classifyAzlinFailure(failed("", 124, { timedOut: true }), ctx).code).toBe("azlin-timeout");
  });
  it("ssh 255 on connect", () => {
    const e = classifyAzlinFailure(
      failed("ssh: connect to host 10.0.0.4 port 22: Connection timed out", 255),
      { ...ctx, operation: "connect" },
    );
    expect(e.code).toBe("azlin-ssh");
    expect(e.message).toContain("Connection timed out");
  });
  it("quota keeps azlin's whole explanation", () => {
    const e = classifyAzlinFailure(
      failed(
        "Error: ❌ Quota exceeded: not enough vCPU cores available.\n   Limit:      10 cores\n💡 Options:",
      ),
      ctx,
    );
    expect(e.message).toContain("Limit:      10 cores");
    expect(e.message).toContain("Standard_D2s_v3");
  });
  it("strips ANSI colours and OSC titles from what it shows", () => {
    const e = classifyAzlinFailure(
      failed("\x1b]0;azlin: vm1\x07\x1b[31mError: something \x1b[1modd\x1b[0m"),
      ctx,
    );
    expect(e.message).toContain("Error: something odd");
    expect(e.message).not.toMatch(/\x1b|\x07/);
  });
});
