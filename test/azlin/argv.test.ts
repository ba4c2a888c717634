/** The command lines we hand azlin, spelled out: what must (and must never) be on them. */
import { describe, expect, it } from "vitest";
import {
  connectArgs,
  connectHint,
  cpArgs,
  killArgs,
  listArgs,
  newArgs,
  showArgs,
  tagAddArgs,
} from "../../src/azlin/argv.js";

describe("azlin argv", () => {
  it("list: all VMs, no tmux probing, JSON", () => {
    expect(listArgs("rg1")).toEqual(["list", "--rg", "rg1", "--all", "--no-tmux", "-o", "json"]);
    expect(listArgs()).toEqual(["list", "--all", "--no-tmux", "-o", "json"]);
  });
  it("show puts -o after the subcommand", () => {
    expect(showArgs("vm1", "rg1")).toEqual(["show", "vm1", "--rg", "rg1", "-o", "json"]);
  });
  it("new: --vm-size for SKUs, --no-auto-connect, never --yes", () => {
    const argv = newArgs({ name: "n1", vmSize: "Standard_D2s_v3", region: "eastus" }, "rg1");
    expect(argv).toEqual([
      "new",
      "--name",
      "n1",
      "--vm-size",
      "Standard_D2s_v3",
      "--region",
      "eastus",
      "--rg",
      "rg1",
      "--no-auto-connect",
    ]);
    expect(argv).not.toContain("--yes");
    expect(argv).not.toContain("--size");
    expect(newArgs({ name: "n1", vmSize: "Standard_D2s_v3" })).not.toContain("--region");
  });
  it("connect: flags before --, then ONE word", () => {
    expect(connectArgs("vm1", "bash -c 'echo hi'", "rg1")).toEqual([
      "connect",
      "vm1",
      "--rg",
      "rg1",
      "--no-tmux",
      "--no-reconnect",
      "--no-status",
      "--",
      "bash -c 'echo hi'",
    ]);
  });
  it("tag add, cp, kill --force", () => {
    expect(tagAddArgs("vm1", { a: "1", b: "x y" }, "rg1")).toEqual([
      "tag",
      "add",
      "vm1",
      "a=1",
      "b=x y",
      "--rg",
      "rg1",
    ]);
    expect(cpArgs("/abs/f", "vm1:.amplihack-remote/x", "rg1")).toEqual([
      "cp",
      "/abs/f",
      "vm1:.amplihack-remote/x",
      "--rg",
      "rg1",
    ]);
    expect(killArgs("vm1")).toEqual(["kill", "vm1", "--force"]);
  });
  it("how to reach a VM", () => {
    expect(connectHint("vm1")).toBe("azlin connect vm1");
    expect(connectHint("vm1", "rg1")).toBe("azlin connect vm1 --rg rg1");
  });
});
