// `azlin connect NAME [flags] -- CMD...`: ssh to the VM and exit with ssh's code (reference §3.5).
import { Exit, fail, RG_OPTIONS } from "../context.mjs";
import { cutNow } from "../faults.mjs";
import { findVm } from "../state.mjs";
import { connectionClosed, connectUnknownVm, sshTimedOut } from "../texts.mjs";
import { DROPPED, runOnVm } from "../vm-access.mjs";

const flag = (key) => ({ key, flag: true });

export const spec = {
  usage: "azlin connect [OPTIONS] [VM_IDENTIFIER] [-- <REMOTE_COMMAND>...]",
  options: {
    ...RG_OPTIONS,
    "--no-tmux": flag("noTmux"),
    "--tmux-session": { key: "tmuxSession", meta: "TMUX_SESSION" },
    "--user": { key: "user", meta: "USER" },
    "--key": { key: "key", meta: "KEY" },
    "--no-reconnect": flag("noReconnect"),
    "--max-retries": { key: "maxRetries", meta: "MAX_RETRIES" },
    "--yes": flag("yes"),
    "-y": { alias: "--yes" },
    "--disable-bastion-pool": flag("disableBastionPool"),
    "--x11": flag("x11"),
    "-X": { alias: "--x11" },
    "--no-status": flag("noStatus"),
  },
  positionals: [{ name: "VM_IDENTIFIER" }],
  trailing: true,
};

export async function run(ctx, args, trailing) {
  const { opts, faults } = ctx;
  const rg = ctx.azure();
  const identifier = args.VM_IDENTIFIER;
  if (!identifier) throw fail("Error: No VM specified and stdin is not a terminal: pass a VM name.");
  const name = identifier.split(":")[0];
  const vm = faults.has("notfound") ? undefined : findVm(ctx.state(), name, rg);
  if (!vm) throw fail(connectUnknownVm(name, rg));

  const viaBastion = !vm.public_ip;
  const host = viaBastion ? "127.0.0.1" : vm.public_ip;
  let stderr = "";
  if (!opts.noStatus) {
    // The banner and the OSC title escapes a wrapper must strip before showing stderr.
    stderr += `\x1b]0;azlin: ${name}\x07>>> azlin connect ${vm.admin_username}@${vm.public_ip ?? vm.private_ip} [${name}]${viaBastion ? " (via bastion)" : ""}\n`;
  }
  const words = trailing ?? [];
  const end = () => (opts.noStatus ? "" : "\x1b]0;\x07\n");
  const flush = (s) => s && process.stderr.write(s);

  if (
    faults.has("ssh255") ||
    faults.has("ssh255-after") ||
    faults.has("cut") ||
    vm.power_state !== "Running"
  ) {
    throw new Exit(255, { stderr: `${stderr}${sshTimedOut(host)}\n${end()}` });
  }
  flush(stderr);
  // tmux is on by default: ssh gets -t, and without a terminal it says so.
  if (!opts.noTmux)
    process.stderr.write("Pseudo-terminal will not be allocated because stdin is not a terminal.\n");

  const max = opts.noReconnect ? 1 : Number(opts.maxRetries ?? 3) + 1;
  let code = 0;
  for (let attempt = 1; ; attempt++) {
    code = await runOnVm(ctx.env, ctx.paths, vm, words, {
      dropAfterMs: faults.get("drop")?.param,
      cut: () => cutNow(ctx.env),
    });
    if (code === DROPPED) throw new Exit(255, { stderr: `${connectionClosed(host)}\n${end()}` });
    if (code === 0 || attempt >= max) break;
    // A failing command looks like a dropped connection: azlin asks, stdin is at EOF (not "n"), it runs again.
    if (!opts.yes)
      process.stderr.write(`SSH disconnected. Reconnect? (attempt ${attempt}/${max - 1}) [Y/n] `);
  }
  return new Exit(code, { stderr: end() });
}
