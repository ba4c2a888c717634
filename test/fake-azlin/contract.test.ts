/**
 * The fake azlin's own contract: the calls of reference §7 with their exact stdout, stderr and
 * exit codes, so the wrapper's parsing code meets what the real azlin 2.7.3 prints.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFakeAzlin, type FakeAzlin, hoursAgo } from "../support/fake-azlin.js";

let fake: FakeAzlin;
beforeEach(async () => {
  fake = await createFakeAzlin({ resourceGroup: "my-rg" });
});
afterEach(async () => {
  await fake.cleanup();
});

const usage = (first: string, usageLine: string) =>
  expect.stringMatching(
    new RegExp(
      `^${reEscape(first)}\\n[\\s\\S]*\\nUsage: ${reEscape(usageLine)}\\n\\nFor more information, try '--help'\\.\\n$`,
    ),
  );
const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("versions", () => {
  it("--version prints clap's line and exits 0", async () => {
    expect(await fake.run(["--version"])).toEqual({ exitCode: 0, stdout: "azlin 2.7.3\n", stderr: "" });
  });
  it("version prints the rust line", async () => {
    expect(await fake.run(["version"])).toEqual({ exitCode: 0, stdout: "azlin 2.7.3 (rust)\n", stderr: "" });
  });
});

describe("usage errors exit 2 in clap's format", () => {
  it("an unknown flag", async () => {
    const r = await fake.run(["list", "--bogus"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toEqual(usage("error: unexpected argument '--bogus' found", "azlin list [OPTIONS]"));
    expect(r.stdout).toBe("");
  });
  it("--size with a SKU lists the tiers", async () => {
    const r = await fake.run(["new", "--size", "Standard_X", "--no-auto-connect"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      "error: invalid value 'Standard_X' for '--size <SIZE>'\n  [possible values: xs, s, m, l, xl, xxl]\n\nFor more information, try '--help'.\n",
    );
    expect(fake.state().vms).toEqual({});
  });
  it("cp -r", async () => {
    const r = await fake.run(["cp", "-r", "a", "vm:b"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^error: unexpected argument '-r' found\n/);
    expect(r.stderr).toContain("Usage: azlin cp [OPTIONS] [ARGS]...");
  });
  it("new -- cmd (the Python CLI's form)", async () => {
    const r = await fake.run(["new", "--", "./run_tests.sh"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toEqual(
      usage("error: unexpected argument './run_tests.sh' found", "azlin new [OPTIONS]"),
    );
  });
  it("azlin -- cmd needs a subcommand", async () => {
    const r = await fake.run(["--", "python", "train.py"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^error: 'azlin' requires a subcommand/);
  });
  it("a subcommand the fake does not implement", async () => {
    const r = await fake.run(["cost"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^error: unrecognized subcommand 'cost'/);
  });
  it("a missing value", async () => {
    const r = await fake.run(["new", "--name"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      "error: a value is required for '--name <NAME>' but none was supplied\n\nFor more information, try '--help'.\n",
    );
  });
  it("a missing required argument", async () => {
    const r = await fake.run(["show"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^error: the following required arguments were not provided:\n {2}<NAME>\n/);
  });
});

describe("configuration, resource group and auth", () => {
  it("no resource group anywhere: exit 1 with the help block", async () => {
    const bare = await createFakeAzlin({ resourceGroup: null });
    try {
      const r = await bare.run(["list", "-o", "json"]);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/^Error: No resource group configured\.\n/);
      expect(r.stderr).toContain("azlin config set default_resource_group <rg>");
      // --rg makes it work
      const ok = await bare.run(["list", "--rg", "x", "-o", "json"]);
      expect(ok.exitCode).toBe(0);
    } finally {
      await bare.cleanup();
    }
  });
  it("a config that does not parse is exit 2 with azlin-error", async () => {
    writeFileSync(join(fake.configDir, "config.toml"), "this is not toml\n");
    const r = await fake.run(["list", "-o", "json"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^azlin-error: Failed to parse config at .*config\.toml: /);
  });
  it("any:auth gives the az login text", async () => {
    fake.setFaults("any:auth");
    const r = await fake.run(["list", "-o", "json"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      "Error: Azure authentication failed: `az account show` failed (exit 1): ERROR: Please run 'az login' to setup account.\nRun 'az login' to authenticate with Azure CLI.\n\n💡 Suggestion: Run 'az login' to authenticate with Azure\n",
    );
  });
});

describe("new", () => {
  it("prints the property table and the readiness lines", async () => {
    const r = await fake.run([
      "new",
      "--name",
      "agent-vm-1",
      "--vm-size",
      "Standard_D4s_v5",
      "--region",
      "westus2",
      "--rg",
      "my-rg",
      "--no-auto-connect",
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("Creating home disk 'agent-vm-1_home' (100GB)...");
    expect(lines[1]).toBe("┌────────────────┬──────────────────────────────────────────┐");
    expect(lines[2]).toBe("│ Property       │ Value                                    │");
    expect(lines).toContain("│ Name           │ agent-vm-1                               │");
    expect(lines).toContain("│ Size           │ Standard_D4s_v5                          │");
    expect(r.stdout).toMatch(
      /Waiting for SSH to be ready on 127\.0\.0\.1:\d+\.\.\.\nSSH ready\.\nWaiting for cloud-init to finish provisioning\.\.\.\nCloud-init provisioning complete\.\nVM 'agent-vm-1' created successfully!\n$/,
    );
    const vm = fake.vm("agent-vm-1");
    expect(vm).toMatchObject({
      vm_size: "Standard_D4s_v5",
      location: "westus2",
      power_state: "Running",
      tags: { "azlin-session": "agent-vm-1" },
    });
    expect(existsSync(fake.vmHome("agent-vm-1"))).toBe(true);
  });
  it("leaves the provisioning ledger, and a degraded VM (2.7.3's broken Claude Code step) still exits 0", async () => {
    await fake.run(["new", "--name", "healthy", "--no-auto-connect"]);
    const ledger = (name: string, file: string) =>
      readFileSync(join(fake.vmHome(name), "..", "var", "lib", "azlin", file), "utf8");
    expect(ledger("healthy", "provisioning-status")).toBe("ok\n");
    fake.setFaults("new:degraded");
    const r = await fake.run(["new", "--name", "degraded", "--no-auto-connect"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(
      "WARNING: cloud-init finished, but provisioning is degraded.\nfailed section: setup-claude-code\n",
    );
    expect(ledger("degraded", "provisioning-status")).toBe("degraded\n");
    expect(ledger("degraded", "provisioning.tsv")).toMatch(/^setup-claude-code\tfailed\t/m);
    expect(existsSync(join(fake.vmHome("degraded"), ".local", "bin", "claude"))).toBe(false);
  });
  it("--size maps tiers to SKUs", async () => {
    await fake.run(["new", "--name", "t1", "--size", "S", "--no-auto-connect"]);
    expect(fake.vm("t1")?.vm_size).toBe("Standard_D4s_v5");
  });
  it("without --no-auto-connect it tries to connect and fails without a terminal", async () => {
    const r = await fake.run(["new", "--name", "ac"]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("Connecting to 'ac'...");
  });
  it("rejects invalid names", async () => {
    const r = await fake.run(["new", "--name", "-bad", "--no-auto-connect"]);
    expect(r).toMatchObject({
      exitCode: 1,
      stderr: "Error: VM name '-bad' cannot start with hyphen or period\n",
    });
    const long = "a".repeat(65);
    expect((await fake.run(["new", "--name", long, "--no-auto-connect"])).stderr).toBe(
      `Error: VM name '${long}' exceeds 64 character limit (65)\n`,
    );
  });
  it("quota: the block, exit 1, no VM", async () => {
    fake.setFaults("new:quota");
    const r = await fake.run(["new", "--name", "q", "--vm-size", "Standard_E16as_v5", "--no-auto-connect"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^Error: ❌ Quota exceeded: not enough vCPU cores available\.\n {3}Region: {5}westus2\n/,
    );
    expect(r.stderr).toContain("   • Use --region-fit to auto-find a region with enough quota");
    expect(fake.vm("q")).toBeUndefined();
  });
  it("regional quota per size: the second VM that does not fit is refused with the real numbers", async () => {
    fake.setQuota("Standard_D2s_v3=4");
    const make = (name: string, size = "Standard_D2s_v3") =>
      fake.run(["new", "--name", name, "--vm-size", size, "--no-auto-connect"]);
    expect((await make("a")).exitCode).toBe(0);
    expect((await make("b")).exitCode).toBe(0);
    const r = await make("c");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      "   VM size:    Standard_D2s_v3\n   Limit:      4 cores\n   In use:     4 cores\n   Requested:  2 cores\n",
    );
    expect(fake.vm("c")).toBeUndefined();
    expect((await make("d", "Standard_D4s_v3")).exitCode).toBe(0); // another size, another quota
    await fake.run(["kill", "a", "--force"]);
    expect((await make("c")).exitCode).toBe(0); // the freed cores fit again
  });
  it("sku not available", async () => {
    fake.setFaults("new:sku");
    const r = await fake.run(["new", "--name", "s", "--vm-size", "Standard_E16as_v5", "--no-auto-connect"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^Error: ❌ VM size not available: /);
    expect(fake.vm("s")).toBeUndefined();
  });
  it("timeout: exit 1 with the 120 s text, and the VM exists all the same", async () => {
    fake.setFaults("new:timeout");
    const r = await fake.run(["new", "--name", "slow", "--no-auto-connect"]);
    expect(r).toMatchObject({
      exitCode: 1,
      stderr:
        "Error: Failed to create VM 'slow': Failed to execute 'az' CLI. Is Azure CLI installed?: az timed out after 120s\n",
    });
    expect(fake.vm("slow")?.power_state).toBe("Running");
  });
  it("egress: created, degraded line on stdout, exit 1", async () => {
    fake.setFaults("new:egress");
    const r = await fake.run(["new", "--name", "eg", "--no-auto-connect"]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("VM 'eg' created — DEGRADED: no outbound internet access.\n");
    expect(r.stderr).toMatch(/^Error: 1 VM\(s\) were created but have NO outbound internet: eg\./);
    expect(fake.vm("eg")).toBeDefined();
  });
  it("--yes is recorded as credentials forwarded", async () => {
    await fake.run(["new", "--name", "y", "--yes", "--no-auto-connect"]);
    expect(fake.vm("y")?.auth_forwarded).toBe(true);
  });
});

describe("list and show", () => {
  beforeEach(() => {
    fake.addVm({ name: "b-run", vmSize: "Standard_D4s_v3", tags: { k: "v" } });
    fake.addVm({ name: "a-stopped", powerState: "Deallocated" });
    fake.addVm({ name: "other-rg", resourceGroup: "someone-else" });
    fake.addVm({ name: "upper", resourceGroup: "MY-RG", publicIp: "20.1.2.3" });
  });

  it("-o json: {filters, vms}, sorted keys, 2-space indent, running only, note on stderr", async () => {
    const r = await fake.run(["list", "-o", "json"]);
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(["filters", "vms"]);
    expect(doc.filters).toEqual({ dropped_by_pattern: 0, dropped_by_tag: 0, hidden_not_running: 1 });
    expect(doc.vms.map((v: { name: string }) => v.name)).toEqual(["b-run", "upper"]);
    expect(Object.keys(doc.vms[0])).toEqual([
      "cpu",
      "ip",
      "location",
      "mem",
      "name",
      "os",
      "os_offer",
      "power_state",
      "private_ip",
      "public_ip",
      "resource_group",
      "session",
      "tmux_sessions",
      "vm_size",
    ]);
    expect(doc.vms[0]).not.toHaveProperty("tags");
    expect(doc.vms[0]).not.toHaveProperty("created_time");
    expect(doc.vms[1]).toMatchObject({ ip: "20.1.2.3 (Pub)", resource_group: "MY-RG" });
    expect(r.stdout).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    expect(r.stderr).toBe(
      "Note: 1 hidden (stopped/deallocated).\nHidden VMs still bill for attached storage. Run 'azlin list --all' to include them.\n",
    );
  });
  it("--all --no-tmux includes stopped VMs and says nothing on stderr", async () => {
    const r = await fake.run(["list", "--all", "--no-tmux", "-o", "json"]);
    expect(JSON.parse(r.stdout).vms.map((v: { name: string }) => v.name)).toEqual([
      "a-stopped",
      "b-run",
      "upper",
    ]);
    expect(r.stderr).toBe("");
  });
  it("--tag filters", async () => {
    const r = await fake.run(["list", "--all", "--tag", "k=v", "-o", "json"]);
    const doc = JSON.parse(r.stdout);
    expect(doc.vms.map((v: { name: string }) => v.name)).toEqual(["b-run"]);
    expect(doc.filters.dropped_by_tag).toBe(2);
  });
  it("the table carries ANSI escapes", async () => {
    const r = await fake.run(["list"]);
    expect(r.stdout).toContain("\x1b[36m");
  });
  it("show -o json: sorted keys with tags and created_time", async () => {
    const created = hoursAgo(3);
    fake.addVm({ name: "shown", tags: { amplihack_workflow: "true" }, createdAt: created });
    const r = await fake.run(["show", "shown", "-o", "json"]);
    expect(r.exitCode).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(Object.keys(o)).toEqual([
      "admin_username",
      "created_time",
      "location",
      "name",
      "os_type",
      "power_state",
      "private_ip",
      "provisioning_state",
      "public_ip",
      "resource_group",
      "tags",
      "vm_size",
    ]);
    expect(o.created_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    expect(o.tags).toEqual({ amplihack_workflow: "true", "azlin-session": "shown" });
  });
  it("show of a missing VM: ResourceNotFound, exit 1", async () => {
    const r = await fake.run(["show", "nope", "-o", "json"]);
    expect(r).toEqual({
      exitCode: 1,
      stdout: "",
      stderr:
        "Error: ❌ Azure error [ResourceNotFound]: The Resource 'Microsoft.Compute/virtualMachines/nope' under resource group 'my-rg' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix\n",
    });
  });
  it("status prints blocks, or No VMs found.", async () => {
    const r = await fake.run(["status", "--vm", "b-run"]);
    expect(r.stdout).toBe(
      "b-run:\n  Power State:        Running\n  Provisioning State: Succeeded\n  VM Size:            Standard_D4s_v3\n  Location:           westus2\n  Public IP:          N/A\n  Private IP:         10.0.0.4\n\n",
    );
    expect((await fake.run(["status", "--vm", "nope"])).stdout).toBe("No VMs found.\n");
  });
});

describe("tags", () => {
  beforeEach(() => {
    fake.addVm({ name: "t" });
  });
  it("add prints one line per tag; list shows a table; remove", async () => {
    const add = await fake.run(["tag", "add", "t", "a=1", "b.c=x y", "--rg", "my-rg"]);
    expect(add).toEqual({
      exitCode: 0,
      stdout: "Added tag a=1 to VM 't'\nAdded tag b.c=x y to VM 't'\n",
      stderr: "",
    });
    const list = await fake.run(["tag", "list", "t"]);
    expect(list.stdout.split("\n")[0]).toBe("Tags for VM 't':");
    expect(list.stdout).toMatch(/\nb\.c {22}x y/);
    const rm = await fake.run(["tag", "remove", "t", "a"]);
    expect(rm.stdout).toBe("Removed tag 'a' from VM 't'\n");
    expect(fake.vm("t")?.tags).toEqual({ "azlin-session": "t", "b.c": "x y" });
  });
  it("validation errors", async () => {
    expect(await fake.run(["tag", "add", "t", "novalue"])).toMatchObject({
      exitCode: 1,
      stderr: "Error: Invalid tag format 'novalue'. Use key=value.\n",
    });
    expect((await fake.run(["tag", "add", "t", "bad key=v"])).stderr).toBe(
      "Error: Invalid tag key 'bad key': must be non-empty and contain only alphanumeric, hyphen, underscore, dot\n",
    );
    expect((await fake.run(["tag", "add", "t", "k=a\u0007b"])).stderr).toBe(
      "Error: Invalid tag value: must not contain control characters\n",
    );
  });
  it("no tags", async () => {
    await fake.run(["tag", "remove", "t", "azlin-session"]);
    expect((await fake.run(["tag", "list", "t"])).stdout).toBe("No tags on VM 't'.\n");
  });
});

describe("connect", () => {
  beforeEach(() => {
    fake.addVm({ name: "c" });
  });
  it("runs the joined words through a shell in the VM home and passes the exit code", async () => {
    const r = await fake.run([
      "connect",
      "c",
      "--no-tmux",
      "--no-reconnect",
      "--no-status",
      "--",
      "echo",
      "$HOME;",
      "pwd;",
      "exit 7",
    ]);
    expect(r.exitCode).toBe(7);
    expect(r.stdout).toBe(`${fake.vmHome("c")}\n${fake.vmHome("c")}\n`);
    expect(r.stderr).toBe("");
  });
  it("passes stdin through", async () => {
    const r = await fake.run(["connect", "c", "--no-tmux", "--no-reconnect", "--no-status", "--", "cat"], {
      input: "from stdin\n",
    });
    expect(r.stdout).toBe("from stdin\n");
  });
  it("without --no-status: banner and OSC title escapes on stderr", async () => {
    const r = await fake.run(["connect", "c", "--no-tmux", "--no-reconnect", "--", "true"]);
    expect(r.stderr).toBe(
      "\x1b]0;azlin: c\x07>>> azlin connect azureuser@10.0.0.4 [c] (via bastion)\n\x1b]0;\x07\n",
    );
  });
  it("without --no-reconnect a failing command runs again (4 times)", async () => {
    const r = await fake.run(["connect", "c", "--no-tmux", "--no-status", "--", "echo x; exit 3"]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("x\nx\nx\nx\n");
    expect(r.stderr).toContain("SSH disconnected. Reconnect? (attempt 1/3) [Y/n] ");
  });
  it("ssh255 and ssh255-after", async () => {
    fake.setFaults("connect:ssh255-after:2");
    const args = ["connect", "c", "--no-tmux", "--no-reconnect", "--no-status", "--", "true"];
    expect((await fake.run(args)).exitCode).toBe(0);
    const second = await fake.run(args);
    expect(second.exitCode).toBe(255);
    expect(second.stderr).toBe("ssh: connect to host 127.0.0.1 port 22: Connection timed out\n");
    expect((await fake.run(args)).exitCode).toBe(255);
  });
  it("cut: an open link dies (255) and no new one gets through", async () => {
    const args = ["connect", "c", "--no-tmux", "--no-reconnect", "--no-status", "--"];
    const open = fake.run([...args, "touch up; sleep 30; echo survived"]);
    const up = join(fake.vmHome("c"), "up");
    while (!existsSync(up)) await new Promise((r) => setTimeout(r, 20));
    fake.setFaults("connect:cut");
    const cut = await open;
    expect(cut.exitCode).toBe(255);
    expect(cut.stdout).not.toContain("survived");
    expect((await fake.run([...args, "true"])).exitCode).toBe(255);
    fake.setFaults("");
    expect((await fake.run([...args, "true"])).exitCode).toBe(0);
  });
  it("an unknown VM: exit 1 with Error:", async () => {
    const r = await fake.run([
      "connect",
      "ghost",
      "--no-tmux",
      "--no-reconnect",
      "--no-status",
      "--",
      "true",
    ]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^Error: No VM or tmux session named 'ghost'/);
  });
  it("a stopped VM cannot be reached: 255", async () => {
    fake.addVm({ name: "off", powerState: "Deallocated" });
    expect(
      (await fake.run(["connect", "off", "--no-tmux", "--no-reconnect", "--no-status", "--", "true"]))
        .exitCode,
    ).toBe(255);
  });
});

describe("cp", () => {
  beforeEach(() => {
    fake.addVm({ name: "vm-1" });
  });
  it("local→remote and remote→local", async () => {
    const local = join(fake.root, "a file.txt");
    writeFileSync(local, "payload\n");
    const up = await fake.run(["cp", local, "vm-1:~/in.txt"]);
    expect(up).toEqual({
      exitCode: 0,
      stdout: `Copying (local→remote) ${local} -> vm-1:~/in.txt...\nCopy complete.\n`,
      stderr: "",
    });
    expect(readFileSync(join(fake.vmHome("vm-1"), "in.txt"), "utf8")).toBe("payload\n");
    const back = join(fake.root, "back.txt");
    const down = await fake.run(["cp", "vm-1:in.txt", back]);
    expect(down.stdout).toBe(`Copying (remote→local) vm-1:in.txt -> ${back}...\nCopy complete.\n`);
    expect(readFileSync(back, "utf8")).toBe("payload\n");
  });
  it("a one-letter VM name looks like a Windows drive (is_remote_path's quirk)", async () => {
    fake.addVm({ name: "v" });
    expect((await fake.run(["cp", "--dry-run", "./a.txt", "v:a.txt"])).stdout).toBe(
      "Would copy (local→local) ./a.txt -> v:a.txt (rg: my-rg)\n",
    );
    expect((await fake.run(["cp", "--dry-run", "a:b", "/tmp/x"])).stdout).toBe(
      "Would copy (local→local) a:b -> /tmp/x (rg: my-rg)\n",
    );
    expect((await fake.run(["cp", "--dry-run", "./a:b", "/tmp/x"])).stdout).toBe(
      "Would copy (remote→local) ./a:b -> /tmp/x (rg: my-rg)\n",
    );
  });
  it("--dry-run", async () => {
    expect((await fake.run(["cp", "--dry-run", "./a.txt", "vm-1:~/a.txt"])).stdout).toBe(
      "Would copy (local→remote) ./a.txt -> vm-1:~/a.txt (rg: my-rg)\n",
    );
  });
  it("fewer than two arguments", async () => {
    expect(await fake.run(["cp", "only"])).toEqual({
      exitCode: 1,
      stdout: "",
      stderr: "Usage: azlin cp <source> <destination>\nError: Use vm_name:path for remote paths.\n",
    });
  });
  it("a missing source: scp's message then Error: scp failed.", async () => {
    const r = await fake.run(["cp", "/nonexistent/x", "vm-1:x"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe("scp: /nonexistent/x: No such file or directory\nError: scp failed.\n");
  });
  it("cp:transient:1 fails the first call only", async () => {
    fake.setFaults("cp:transient:1");
    const local = join(fake.root, "t.txt");
    writeFileSync(local, "t");
    const first = await fake.run(["cp", local, "vm-1:t.txt"]);
    expect(first.exitCode).toBe(1);
    expect(first.stderr).toMatch(/Error: scp failed\.\n$/);
    expect((await fake.run(["cp", local, "vm-1:t.txt"])).exitCode).toBe(0);
  });
});

describe("kill and destroy", () => {
  beforeEach(() => {
    fake.addVm({ name: "k" });
  });
  it("kill without --force refuses without a terminal", async () => {
    expect(await fake.run(["kill", "k"])).toEqual({
      exitCode: 1,
      stdout: "",
      stderr: "Error: Confirmation required but stdin is not a terminal. Use --force to skip.\n",
    });
    expect(fake.vm("k")).toBeDefined();
  });
  it("kill --force: empty stdout, VM and home gone; an unknown VM is success too", async () => {
    expect(await fake.run(["kill", "k", "--force"])).toEqual({ exitCode: 0, stdout: "", stderr: "" });
    expect(fake.vm("k")).toBeUndefined();
    expect(existsSync(fake.vmHome("k"))).toBe(false);
    expect(await fake.run(["kill", "k", "--force"])).toEqual({ exitCode: 0, stdout: "", stderr: "" });
  });
  it("kill:timeout leaves the VM; kill:timeout-gone deletes it but still fails", async () => {
    fake.setFaults("kill:timeout");
    const r = await fake.run(["kill", "k", "--force"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^Error: Deleted 0 of 1 resource\(s\) for 'k'; 1 failed and may still be billing:\n/,
    );
    expect(fake.vm("k")).toBeDefined();
    fake.setFaults("kill:timeout-gone");
    expect((await fake.run(["kill", "k", "--force"])).exitCode).toBe(1);
    expect(fake.vm("k")).toBeUndefined();
  });
  it("destroy prints its result", async () => {
    expect((await fake.run(["destroy", "k", "--force", "--dry-run"])).stdout).toMatch(
      /^Dry run -- would delete:\n {2}VM: {8}k\n/,
    );
    expect((await fake.run(["destroy", "k", "--force"])).stdout).toMatch(
      /^Deleted k and 3 associated resource\(s\)/,
    );
    expect((await fake.run(["destroy", "k", "--force"])).stdout).toBe(
      "VM 'k' not found in 'my-rg' — nothing to delete\n",
    );
  });
});

describe("recording and concurrency", () => {
  it("records every argv as one JSON line", async () => {
    await fake.run(["--version"]);
    await fake.run(["list", "--rg", "my-rg", "-o", "json"]);
    expect(fake.argvs()).toEqual([["--version"], ["list", "--rg", "my-rg", "-o", "json"]]);
    expect(fake.argvLog()[0].time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
  it("parallel creates and tags keep every update (locked read-modify-write)", async () => {
    const names = Array.from({ length: 8 }, (_, i) => `p${i}`);
    await Promise.all(names.map((n) => fake.run(["new", "--name", n, "--no-auto-connect"])));
    await Promise.all(names.map((n) => fake.run(["tag", "add", n, `n=${n}`])));
    const vms = fake.state().vms;
    expect(Object.keys(vms).sort()).toEqual(names);
    for (const n of names) expect(vms[n].tags.n).toBe(n);
    expect(new Set(Object.values(vms).map((v) => v.private_ip)).size).toBe(8);
  });
  it("any:slow:<s> delays a call", async () => {
    fake.setFaults("any:slow:1");
    const t0 = Date.now();
    await fake.run(["list", "-o", "json"]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
  });
});
