// `azlin kill` and `azlin destroy`: delete a VM and its resources (reference §3.7).
import { rmSync } from "node:fs";
import { Exit, fail, RG_OPTIONS } from "../context.mjs";
import { findVm, updateState, vmRoot } from "../state.mjs";
import { destroyed, killConfirm, killTimedOut, nothingToDelete } from "../texts.mjs";
import { removeVmUser } from "../vm-access.mjs";

export const killSpec = {
  usage: "azlin kill [OPTIONS] <VM_NAME>",
  requiredUsage: "azlin kill <VM_NAME>",
  options: { ...RG_OPTIONS, "--force": { key: "force", flag: true } },
  positionals: [{ name: "VM_NAME", required: true }],
};

export const destroySpec = {
  usage: "azlin destroy [OPTIONS] <VM_NAME>",
  requiredUsage: "azlin destroy <VM_NAME>",
  options: {
    ...RG_OPTIONS,
    "--force": { key: "force", flag: true },
    "--dry-run": { key: "dryRun", flag: true },
    "--delete-rg": { key: "deleteRg", flag: true },
  },
  positionals: [{ name: "VM_NAME", required: true }],
};

/** Removes the VM from state, then its home and (ssh mode) its user and processes. */
function teardown(ctx, name, rg) {
  const vm = updateState(ctx.env, (state) => {
    const found = findVm(state, name, rg);
    if (found) delete state.vms[name];
    return found;
  });
  if (!vm) return false;
  removeVmUser(vm.ssh_user);
  rmSync(vmRoot(ctx.paths, name), { recursive: true, force: true });
  return true;
}

async function deleteVm(ctx, name, command) {
  const { opts, faults } = ctx;
  // The confirmation comes before auth, and fails closed without a terminal.
  if (!opts.force)
    throw fail(
      command === "kill"
        ? killConfirm
        : `Error: Confirmation required but stdin is not a terminal. Use --force to skip.`,
    );
  const rg = ctx.azure();
  if (command === "destroy" && opts.deleteRg)
    throw fail("Error: --delete-rg is not supported: delete the resource group with 'az group delete'.");
  const exists = Boolean(findVm(ctx.state(), name, rg));
  if (command === "destroy" && opts.dryRun) {
    if (!exists) return new Exit(0, { stdout: `${nothingToDelete(name, rg)}\n` });
    const lines = [
      "Dry run -- would delete:",
      `  VM:        ${name}`,
      `  Disk:      ${name}_home`,
      `  NIC:       ${name}VMNic`,
      `  NSG:       ${name}NSG`,
    ];
    return new Exit(0, { stdout: `${lines.join("\n")}\n` });
  }
  // az vm delete dies at 120 s; with timeout-gone Azure finished the delete anyway.
  if (exists && faults.has("timeout")) throw fail(killTimedOut(name));
  if (exists && faults.has("timeout-gone")) {
    teardown(ctx, name, rg);
    throw fail(killTimedOut(name));
  }
  const deleted = teardown(ctx, name, rg);
  if (command === "kill") return new Exit(0); // nothing on stdout, even for an unknown VM
  return new Exit(0, { stdout: `${deleted ? destroyed(name) : nothingToDelete(name, rg)}\n` });
}

export const kill = (ctx, args) => deleteVm(ctx, args.VM_NAME, "kill");
export const destroy = (ctx, args) => deleteVm(ctx, args.VM_NAME, "destroy");
