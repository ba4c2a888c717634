/**
 * Every command's --json goes through its view schema in src/core/views/ (the MCP tools'
 * outputSchema): what the command prints parses with that schema and has its fields. The run
 * commands (exec, retrieve, status, kill) are covered end to end in exec-cli and local-detached.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AzlinClient } from "../../src/azlin/client.js";
import { cleanupCommand } from "../../src/cli/commands/cleanup.js";
import { scanCommand } from "../../src/cli/commands/scan.js";
import { vmsCommand } from "../../src/cli/commands/vms.js";
import { cleanupViewSchema, vmListViewSchema } from "../../src/core/views/fleet.js";
import { scanViewSchema } from "../../src/core/views/scan.js";
import { AzlinFleet } from "../../src/targets/azlin/fleet.js";
import { createFakeAzlin, type FakeAzlin, hoursAgo } from "../support/fake-azlin.js";
import { cleanup, makeRepo, tempDir } from "../support/repo.js";
import { ourTags } from "../targets/azlin-scenarios.js";

let fake: FakeAzlin;
let fleet: AzlinFleet;
beforeEach(async () => {
  fake = await createFakeAzlin();
  fleet = new AzlinFleet(new AzlinClient({ env: { ...fake.env, AMPLIHACK_REMOTE_RG: "amplihack-test-rg" } }));
  fake.addVm({ name: "ours-old", tags: ourTags(), createdAt: hoursAgo(30) });
});
afterEach(async () => {
  await fake.cleanup();
});

describe("--json through the view schemas", () => {
  it("vms --json is list_vms' shape, the running cost included", async () => {
    let out = "";
    expect(await vmsCommand({ json: true }, { fleet, stdout: (t) => (out += t) })).toBe(0);
    const view = vmListViewSchema.parse(JSON.parse(out));
    expect(view.vms.map((v) => v.name)).toEqual(["ours-old"]);
    expect(typeof view.runningHourlyCostUsd).toBe("number");
  });

  it("cleanup --json is cleanup_vms' shape", async () => {
    let out = "";
    await cleanupCommand(undefined, { dryRun: true, json: true }, { fleet, stdout: (t) => (out += t) });
    const view = cleanupViewSchema.parse(JSON.parse(out));
    expect(view.results[0]).toMatchObject({ name: "ours-old", action: "would-delete" });
  });

  it("scan --json is scan_secrets' shape", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    const before = process.env.AMPLIHACK_REMOTE_STATE_DIR;
    process.env.AMPLIHACK_REMOTE_STATE_DIR = state; // the scan cache goes there
    const cwd = process.cwd();
    const writes: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((t: string) => writes.push(t) > 0) as typeof process.stdout.write;
    try {
      expect(await scanCommand(repo, { json: true })).toBe(0);
    } finally {
      process.stdout.write = write;
      process.chdir(cwd);
      if (before === undefined) delete process.env.AMPLIHACK_REMOTE_STATE_DIR;
      else process.env.AMPLIHACK_REMOTE_STATE_DIR = before;
      cleanup(repo, state);
    }
    const view = scanViewSchema.parse(JSON.parse(writes.join("")));
    expect(view).toMatchObject({ blocked: false, findings: [], staleAllowlist: [] });
    expect(view.whatShips.revs.length).toBeGreaterThan(0);
  });
});
