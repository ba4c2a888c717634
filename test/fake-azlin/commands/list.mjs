// `azlin list`: the VMs of a resource group. Reference §3.2: `-o json` is `{filters, vms}` with
// sorted keys and no tags or creation time; running-only unless --all.
import { Exit, RG_OPTIONS } from "../context.mjs";
import { csvRow, sortedJson } from "../render.mjs";
import { skuShape } from "../texts.mjs";

const flag = (key) => ({ key, flag: true });

export const spec = {
  usage: "azlin list [OPTIONS]",
  options: {
    ...RG_OPTIONS,
    "--all": flag("all"),
    "--include-stopped": flag("all"),
    "--tag": { key: "tag", meta: "TAG" },
    "--show-tmux": {
      key: "showTmux",
      meta: "SHOW_TMUX",
      optionalValue: ["true", "false"],
      defaultMissing: "true",
    },
    "--no-tmux": flag("noTmux"),
    "--with-latency": flag("withLatency"),
    "--show-procs": flag("showProcs"),
    "--with-health": flag("withHealth"),
    "--wide": flag("wide"),
    "-w": { alias: "--wide" },
    "--compact": flag("compact"),
    "-c": { alias: "--compact" },
    "--no-cache": flag("noCache"),
    "--quota": flag("quota"),
    "-q": { alias: "--quota" },
    "--show-all-vms": flag("showAllVms"),
    "-a": { alias: "--show-all-vms" },
    "--vm-pattern": { key: "vmPattern", meta: "VM_PATTERN" },
    "--all-contexts": flag("allContexts"),
    "--contexts": { key: "contexts", meta: "CONTEXTS" },
    "--restore": flag("restore"),
    "-r": { alias: "--restore" },
  },
  positionals: [],
};

/** One VM as list's JSON renders it (cmd_list_render.rs::render_json). */
export function listEntry(vm) {
  const shape = skuShape(vm.vm_size);
  let ip = "N/A";
  if (vm.public_ip) ip = `${vm.public_ip} (Pub)`;
  else if (vm.private_ip) ip = `${vm.private_ip} (Bast)`;
  return {
    cpu: shape.cpu,
    ip,
    location: vm.location,
    mem: shape.mem,
    name: vm.name,
    os: vm.os,
    os_offer: vm.os_offer,
    power_state: vm.power_state,
    private_ip: vm.private_ip,
    public_ip: vm.public_ip,
    resource_group: vm.resource_group,
    session: vm.tags?.["azlin-session"] ?? "-",
    tmux_sessions: [],
    vm_size: vm.vm_size,
  };
}

export async function run(ctx) {
  const { opts } = ctx;
  const rg = ctx.azure();
  const inGroup = Object.values(ctx.state().vms)
    .filter((vm) => opts.showAllVms || vm.resource_group.toLowerCase() === rg.toLowerCase())
    .sort((a, b) => a.name.localeCompare(b.name));
  const filters = { dropped_by_pattern: 0, dropped_by_tag: 0, hidden_not_running: 0 };
  const shown = [];
  for (const vm of inGroup) {
    if (!opts.all && !["Running", "Starting"].includes(vm.power_state)) {
      filters.hidden_not_running++;
      continue;
    }
    if (opts.tag) {
      const [k, v] = opts.tag.split("=", 2);
      const has = Object.hasOwn(vm.tags ?? {}, k) && (v === undefined || vm.tags[k] === v);
      if (!has) {
        filters.dropped_by_tag++;
        continue;
      }
    }
    if (opts.vmPattern && !vm.name.includes(opts.vmPattern.replaceAll("*", ""))) {
      filters.dropped_by_pattern++;
      continue;
    }
    shown.push(vm);
  }

  // Notes go to stderr (stdout is the data channel), only when something was filtered.
  const clauses = [];
  if (filters.hidden_not_running) clauses.push(`${filters.hidden_not_running} hidden (stopped/deallocated)`);
  if (filters.dropped_by_tag) clauses.push(`${filters.dropped_by_tag} excluded by --tag`);
  if (filters.dropped_by_pattern) clauses.push(`${filters.dropped_by_pattern} excluded by --vm-pattern`);
  let stderr = "";
  if (clauses.length) {
    stderr += `Note: ${clauses.join(", ")}.\n`;
    if (filters.hidden_not_running)
      stderr += "Hidden VMs still bill for attached storage. Run 'azlin list --all' to include them.\n";
  }

  const output = opts.output ?? "table";
  const tmux = !opts.noTmux && opts.showTmux !== "false";
  if (output === "json") {
    return new Exit(0, { stdout: `${sortedJson({ filters, vms: shown.map(listEntry) })}\n`, stderr });
  }
  if (output === "csv") {
    const header = [
      "Session",
      ...(tmux ? ["Tmux"] : []),
      ...(opts.wide ? ["VM Name"] : []),
      "OS",
      "Status",
      "IP",
      "Region",
      ...(opts.wide ? ["SKU"] : []),
      "CPU",
      "Mem",
    ];
    const rows = shown.map((vm) => {
      const e = listEntry(vm);
      return [
        e.session,
        ...(tmux ? [""] : []),
        ...(opts.wide ? [e.name] : []),
        e.os,
        e.power_state,
        e.ip,
        e.location,
        ...(opts.wide ? [e.vm_size] : []),
        e.cpu,
        e.mem,
      ];
    });
    return new Exit(0, { stdout: [header, ...rows].map(csvRow).join("\n") + "\n", stderr });
  }
  // The table always carries raw ANSI escapes, TTY or not (cmd_list_render.rs): never parse it.
  const cyan = (s) => `\x1b[36m${s}\x1b[0m`;
  const lines = [
    `${"Session".padEnd(24)} ${"OS".padEnd(14)} ${"Status".padEnd(12)} ${"IP".padEnd(22)} Region`,
  ];
  for (const vm of shown) {
    const e = listEntry(vm);
    lines.push(
      `${cyan(e.session.padEnd(24))} ${e.os.padEnd(14)} ${e.power_state.padEnd(12)} ${e.ip.padEnd(22)} ${e.location}`,
    );
  }
  const running = shown.filter((v) => v.power_state === "Running").length;
  const hidden = filters.hidden_not_running
    ? ` | ${filters.hidden_not_running} hidden (stopped/deallocated)`
    : "";
  lines.push("", `Total: ${shown.length} VMs | ${running} running${hidden}`);
  return new Exit(0, { stdout: `${lines.join("\n")}\n`, stderr });
}
