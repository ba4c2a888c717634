/** The adapter against the fake azlin: argv on the wire, JSON parsed, failures classified. */
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AzlinClient } from "../../src/azlin/client.js";
import { azlinConfigFromEnv } from "../../src/azlin/config.js";
import { defaultRunner, type Runner, type SpawnOptions } from "../../src/util/run.js";
import { createFakeAzlin, type FakeAzlin, hoursAgo } from "../support/fake-azlin.js";
import { rejection } from "../support/fault-support.js";

let fake: FakeAzlin;
let seen: { command: string; args: readonly string[]; options?: SpawnOptions }[];
const capturing: Runner = (command, args, options) => {
  seen.push({ command, args, options });
  return defaultRunner(command, args, options);
};
const client = (env: Record<string, string> = {}) =>
  new AzlinClient({ runner: capturing, env: { ...fake.env, ...env } });

beforeEach(async () => {
  fake = await createFakeAzlin({ resourceGroup: "cfg-rg" });
  seen = [];
});
afterEach(async () => {
  await fake.cleanup();
});

describe("AzlinClient", () => {
  it("config: binary and resource group from the environment", () => {
    expect(azlinConfigFromEnv({})).toEqual({ binary: "azlin", resourceGroup: undefined });
    expect(azlinConfigFromEnv({ AMPLIHACK_REMOTE_AZLIN: "/opt/azlin", AMPLIHACK_REMOTE_RG: "rg9" })).toEqual({
      binary: "/opt/azlin",
      resourceGroup: "rg9",
    });
  });

  it("always sets AZLIN_NO_UPDATE_CHECK=1 and closes stdin", async () => {
    await client().version();
    expect(seen[0].options?.env?.AZLIN_NO_UPDATE_CHECK).toBe("1");
    expect(seen[0].options?.input).toBeUndefined();
  });

  it("never hands the agent's credentials to azlin (nor so to ssh or scp)", async () => {
    await client({ ANTHROPIC_API_KEY: "sk-ant-should-not-pass", CLAUDE_CODE_OAUTH_TOKEN: "tok" }).version();
    const env = seen[0].options?.env ?? {};
    expect("ANTHROPIC_API_KEY" in env && env.ANTHROPIC_API_KEY).toBe(undefined);
    expect("CLAUDE_CODE_OAUTH_TOKEN" in env && env.CLAUDE_CODE_OAUTH_TOKEN).toBe(undefined);
    // The vitest environment's canary key is in process.env: undefined drops it from the child.
    expect(process.env.ANTHROPIC_API_KEY).toBeTruthy();
  });

  it("checks the version", async () => {
    expect((await client().version()).text).toBe("2.7.3");
    const old = join(fake.root, "old-azlin");
    await writeFile(old, "#!/bin/sh\necho 'azlin 2.6.4'\n");
    await chmod(old, 0o755);
    const e = await rejection(client({ AMPLIHACK_REMOTE_AZLIN: old }).version());
    expect(e.code).toBe("azlin-version");
    expect(e.message).toContain("2.7.0");
  });

  it("a missing binary is azlin-missing", async () => {
    const e = await rejection(client({ AMPLIHACK_REMOTE_AZLIN: join(fake.root, "nope") }).version());
    expect(e.code).toBe("azlin-missing");
    expect(e.remedy).toContain("AMPLIHACK_REMOTE_AZLIN");
  });

  it("lists every VM with list --all --no-tmux -o json, passing --rg when configured", async () => {
    fake.addVm({ name: "a", powerState: "Deallocated", resourceGroup: "RG1" });
    fake.addVm({ name: "b", resourceGroup: "rg1" });
    const vms = await client({ AMPLIHACK_REMOTE_RG: "rg1" }).listVms();
    expect(vms.map((v) => [v.name, v.power_state, v.resource_group])).toEqual([
      ["a", "Deallocated", "RG1"],
      ["b", "Running", "rg1"],
    ]);
    expect(fake.argvs().at(-1)).toEqual(["list", "--rg", "rg1", "--all", "--no-tmux", "-o", "json"]);
  });

  it("without AMPLIHACK_REMOTE_RG azlin's own default applies (no --rg)", async () => {
    fake.addVm({ name: "c" });
    expect((await client().listVms()).map((v) => v.name)).toEqual(["c"]);
    expect(fake.argvs().at(-1)).toEqual(["list", "--all", "--no-tmux", "-o", "json"]);
  });

  it("shows a VM with tags and created_time; null when it does not exist", async () => {
    fake.addVm({ name: "d", tags: { amplihack_workflow: "true" }, createdAt: hoursAgo(2) });
    const d = await client().showVm("d");
    expect(d?.tags).toMatchObject({ amplihack_workflow: "true" });
    expect(d?.created_time).toMatch(/ UTC$/);
    expect(await client().showVm("ghost")).toBeNull();
  });

  it("classifies auth and missing resource group", async () => {
    fake.setFaults("any:auth");
    expect((await rejection(client().listVms())).code).toBe("azlin-auth");
    fake.setFaults("");
    const bare = await createFakeAzlin({ resourceGroup: null });
    try {
      const e = await rejection(new AzlinClient({ env: bare.env }).listVms());
      expect(e.code).toBe("azlin-no-rg");
      expect(e.remedy).toContain("AMPLIHACK_REMOTE_RG");
    } finally {
      await bare.cleanup();
    }
  });

  it("connect returns the script's exit code and throws azlin-ssh on 255", async () => {
    fake.addVm({ name: "e" });
    const r = await client().connect("e", "echo out; echo err >&2; exit 3");
    expect(r).toEqual({ exitCode: 3, stdout: "out\n", stderr: "err\n" });
    fake.setFaults("connect:ssh255");
    const e = await rejection(client().connect("e", "true"));
    expect(e.code).toBe("azlin-ssh");
  });

  it("connect to an unknown VM is azlin-not-found, not a script failure", async () => {
    expect((await rejection(client().connect("ghost", "true"))).code).toBe("azlin-not-found");
  });

  it("kill of a VM that is already gone succeeds", async () => {
    await client().killVm("ghost");
    expect(fake.argvs().at(-1)).toEqual(["kill", "ghost", "--force"]);
  });

  it("a bound on a slow call gives azlin-timeout", async () => {
    fake.setFaults("any:slow:3");
    const e = await rejection(client().listVms({ timeoutMs: 500 }));
    expect(e.code).toBe("azlin-timeout");
  });
});
