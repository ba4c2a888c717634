// `azlin show NAME`: one VM with its tags and creation time (reference §3.3).
import { Exit, fail, RG_OPTIONS } from "../context.mjs";
import { csvRow, sortedJson } from "../render.mjs";
import { findVm } from "../state.mjs";
import { resourceNotFound } from "../texts.mjs";

export const spec = {
  usage: "azlin show [OPTIONS] <NAME>",
  requiredUsage: "azlin show <NAME>",
  options: { ...RG_OPTIONS },
  positionals: [{ name: "NAME", required: true }],
};

/** handlers/show.rs::format_show_json, keys sorted. */
export function showObject(vm) {
  return {
    admin_username: vm.admin_username,
    created_time: vm.created_time,
    location: vm.location,
    name: vm.name,
    os_type: "Linux",
    power_state: vm.power_state,
    private_ip: vm.private_ip,
    provisioning_state: vm.provisioning_state,
    public_ip: vm.public_ip,
    resource_group: vm.resource_group,
    tags: vm.tags ?? {},
    vm_size: vm.vm_size,
  };
}

export async function run(ctx, args) {
  const rg = ctx.azure();
  const name = args.NAME;
  const vm = ctx.faults.has("notfound") ? undefined : findVm(ctx.state(), name, rg);
  if (!vm) throw fail(resourceNotFound(name, rg));
  const o = showObject(vm);
  const output = ctx.opts.output ?? "table";
  if (output === "json") return new Exit(0, { stdout: `${sortedJson(o)}\n` });
  if (output === "csv") {
    const rows = [
      ["Field", "Value"],
      ["Name", o.name],
      ["Resource Group", o.resource_group],
      ["Location", o.location],
      ["VM Size", o.vm_size],
      ["Power State", o.power_state],
      ["Provisioning State", o.provisioning_state],
      ["Public IP", o.public_ip ?? ""],
      ["Private IP", o.private_ip ?? ""],
      ["Admin User", o.admin_username],
      ["Created", o.created_time ?? ""],
    ];
    return new Exit(0, { stdout: `${rows.map(csvRow).join("\n")}\n` });
  }
  const field = (k, v) => `${`${k}:`.padEnd(20)}${v ?? "-"}`;
  const lines = [
    field("Name", o.name),
    field("Resource Group", o.resource_group),
    field("Location", o.location),
    field("VM Size", o.vm_size),
    field("Power State", o.power_state),
    field("Provisioning State", o.provisioning_state),
    field("OS Type", o.os_type),
    field("Public IP", o.public_ip),
    field("Private IP", o.private_ip),
    field("Admin User", o.admin_username),
    "Tags:",
    ...Object.keys(o.tags)
      .sort()
      .map((k) => `  ${k}: ${o.tags[k]}`),
    field("Created", o.created_time),
  ];
  return new Exit(0, { stdout: `${lines.join("\n")}\n` });
}
