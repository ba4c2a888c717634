// `azlin status [--vm NAME]`: text blocks for every VM, stopped ones included (reference §3.4).
import { Exit, RG_OPTIONS } from "../context.mjs";

export const spec = {
  usage: "azlin status [OPTIONS]",
  options: { ...RG_OPTIONS, "--vm": { key: "vm", meta: "VM" } },
  positionals: [],
};

export async function run(ctx) {
  const rg = ctx.azure();
  const vms = Object.values(ctx.state().vms)
    .filter((vm) => vm.resource_group.toLowerCase() === rg.toLowerCase())
    .filter((vm) => !ctx.opts.vm || vm.name === ctx.opts.vm)
    .sort((a, b) => a.name.localeCompare(b.name));
  if (vms.length === 0) return new Exit(0, { stdout: "No VMs found.\n" });
  const blocks = vms.map((vm) =>
    [
      `${vm.name}:`,
      `  Power State:        ${vm.power_state}`,
      `  Provisioning State: ${vm.provisioning_state}`,
      `  VM Size:            ${vm.vm_size}`,
      `  Location:           ${vm.location}`,
      `  Public IP:          ${vm.public_ip ?? "N/A"}`,
      `  Private IP:         ${vm.private_ip ?? "N/A"}`,
    ].join("\n"),
  );
  // Each block is followed by a blank line.
  return new Exit(0, { stdout: blocks.map((b) => `${b}\n\n`).join("") });
}
