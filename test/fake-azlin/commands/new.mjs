// `azlin new` (alias create): provisions a VM. Reference §3.1 and §7.

import { runCloudInit } from "../cloud-init.mjs";
import { Exit, fail, RG_OPTIONS } from "../context.mjs";
import { quotaShortfall } from "../quota.mjs";
import { formatCreatedTime, insertVm, updateState } from "../state.mjs";
import {
  createTimedOut,
  egressFailed,
  propertyTable,
  quotaExceeded,
  skuNotAvailable,
  tierToSku,
  vmNameError,
} from "../texts.mjs";

const flag = (key) => ({ key, flag: true });
const value = (key, meta) => ({ key, meta });

export const spec = {
  usage: "azlin new [OPTIONS]",
  options: {
    ...RG_OPTIONS,
    "--repo": value("repo", "REPO"),
    "--size": { key: "size", meta: "SIZE", possible: ["xs", "s", "m", "l", "xl", "xxl"], ignoreCase: true },
    "--vm-size": value("vmSize", "VM_SIZE"),
    "--vm-family": { key: "vmFamily", meta: "VM_FAMILY", possible: ["d", "e"], ignoreCase: true },
    "--region-fit": flag("regionFit"),
    "--region": value("region", "REGION"),
    "--name": value("name", "NAME"),
    "--pool": value("pool", "POOL"),
    "--no-auto-connect": flag("noAutoConnect"),
    "--template": value("template", "TEMPLATE"),
    "--nfs-storage": value("nfsStorage", "NFS_STORAGE"),
    "--no-nfs": flag("noNfs"),
    "--no-bastion": flag("noBastion"),
    "--no-tmux": flag("noTmux"),
    "--tmux-session": value("tmuxSession", "TMUX_SESSION"),
    "--bastion-name": value("bastionName", "BASTION_NAME"),
    "--private": flag("private"),
    "--public": flag("public"),
    "--yes": flag("yes"),
    "-y": { alias: "--yes" },
    "--home-disk-size": value("homeDiskSize", "HOME_DISK_SIZE"),
    "--no-home-disk": flag("noHomeDisk"),
    "--tmp-disk-size": value("tmpDiskSize", "TMP_DISK_SIZE"),
    "--os": value("os", "OS"),
  },
  positionals: [],
};

function defaultName(now) {
  const iso = now.toISOString();
  const micros = `${iso.slice(20, 23)}${String(Math.floor(Math.random() * 1000)).padStart(3, "0")}`;
  return `azlin-vm-${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}${micros}`;
}

export async function run(ctx) {
  const { opts, faults } = ctx;
  const name = opts.name ?? defaultName(new Date());
  const nameError = vmNameError(name);
  // Name validation happens before anything touches Azure.
  if (nameError) throw fail(`Error: ${nameError}`);
  const rg = ctx.azure();
  const region = ctx.region();
  const sku =
    opts.vmSize ??
    (opts.size ? tierToSku(opts.size, opts.vmFamily) : (ctx.config.default_vm_size ?? "Standard_E16as_v5"));

  if (faults.has("quota")) throw fail(quotaExceeded(region, sku));
  if (faults.has("sku")) throw fail(skuNotAvailable(sku, region));
  if (ctx.state().vms[name]) {
    throw fail(
      `Error: Failed to create VM '${name}': az CLI failed: (Conflict) A VM named '${name}' already exists in resource group '${rg}'.`,
    );
  }

  // az vm create dies at 120 s while Azure carries on: with `timeout` the VM exists all the same.
  const wantPublic = Boolean(opts.public || opts.noBastion);
  const vm = updateState(ctx.env, (state) => {
    // The regional quota is checked against the VMs that exist at this instant, under the lock.
    const short = quotaShortfall(ctx.env, state, region, sku);
    if (short) throw fail(quotaExceeded(region, sku, short));
    return insertVm(state, ctx.paths, {
      name,
      resource_group: rg,
      location: region,
      vm_size: sku,
      public_ip: wantPublic ? `20.51.${10 + (Object.keys(state.vms).length % 200)}.7` : null,
      created_time: formatCreatedTime(new Date()),
      auth_forwarded: Boolean(opts.yes),
    });
  });
  if (faults.has("timeout")) throw fail(createTimedOut(name));

  const out = [];
  if (!opts.noHomeDisk) out.push(`Creating home disk '${name}_home' (${opts.homeDiskSize ?? 100}GB)...`);
  const rows = [
    ["Name", name],
    ["Resource Group", rg],
    ["Size", sku],
    ["Region", region],
    ["State", "Running"],
  ];
  if (vm.public_ip) rows.push(["Public IP", vm.public_ip]);
  if (vm.private_ip) rows.push(["Private IP", vm.private_ip]);
  out.push(propertyTable(rows));
  const sshAt = vm.public_ip ? `${vm.public_ip}:22` : `127.0.0.1:${ctx.env.AZLIN_FAKE_SSH_PORT ?? "50022"}`;
  out.push(
    `Waiting for SSH to be ready on ${sshAt}...`,
    "SSH ready.",
    "Waiting for cloud-init to finish provisioning...",
    "Cloud-init provisioning complete.",
  );
  // A degraded provision still exits 0 (azlin 2.7.3 auth_forward.rs:261-275): the VM exists.
  out.push(...runCloudInit(ctx.env, ctx.paths, name, { degraded: faults.has("degraded") }));
  if (faults.has("egress")) {
    out.push(`VM '${name}' created — DEGRADED: no outbound internet access.`);
    throw fail(egressFailed(name), 1, `${out.join("\n")}\n`);
  }
  out.push(`VM '${name}' created successfully!`);
  if (!opts.noAutoConnect) {
    // Auto-connect does not depend on a TTY: ssh starts, finds no terminal for tmux, and fails.
    out.push(`Connecting to '${name}'...`);
    return new Exit(1, {
      stdout: `${out.join("\n")}\n`,
      stderr:
        "Pseudo-terminal will not be allocated because stdin is not a terminal.\nopen terminal failed: not a terminal\n",
    });
  }
  return new Exit(0, { stdout: `${out.join("\n")}\n` });
}
