/**
 * The argv of every azlin call we make, in one place, so what goes on a command line can be read
 * (and tested) at a glance. Shapes follow azlin 2.7.3 (shared/reference/azlin-cli.md).
 */

/** `--rg RG` when a resource group is configured; azlin's own default applies otherwise. */
const rgArgs = (rg: string | undefined) => (rg ? ["--rg", rg] : []);

export const versionArgs = () => ["--version"];

/** Stopped VMs too (--all); --no-tmux, else azlin SSHes into every running VM to list sessions. */
export const listArgs = (rg?: string) => ["list", ...rgArgs(rg), "--all", "--no-tmux", "-o", "json"];

/** `show` declares its own -o: it goes after the subcommand. */
export const showArgs = (name: string, rg?: string) => ["show", name, ...rgArgs(rg), "-o", "json"];

export interface NewVmSpec {
  name: string;
  /** An Azure SKU: --vm-size (azlin's --size takes tiers only). */
  vmSize: string;
  region?: string;
}

/**
 * --no-auto-connect, or azlin ssh-es into the new VM. Never --yes: it copies the user's gh,
 * claude and az credentials to the VM.
 */
export const newArgs = (spec: NewVmSpec, rg?: string) => [
  "new",
  "--name",
  spec.name,
  "--vm-size",
  spec.vmSize,
  ...(spec.region ? ["--region", spec.region] : []),
  ...rgArgs(rg),
  "--no-auto-connect",
];

export const tagAddArgs = (name: string, tags: Record<string, string>, rg?: string) => [
  "tag",
  "add",
  name,
  ...Object.entries(tags).map(([k, v]) => `${k}=${v}`),
  ...rgArgs(rg),
];

/**
 * One remote command as ONE word after `--`: ssh joins the words with spaces and the remote shell
 * parses the result again, so `command` must already be a complete, quoted shell command.
 * --no-reconnect: otherwise a non-zero exit is taken for a dropped link and the command runs again.
 */
export const connectArgs = (name: string, command: string, rg?: string) => [
  "connect",
  name,
  ...rgArgs(rg),
  "--no-tmux",
  "--no-reconnect",
  "--no-status",
  "--",
  command,
];

/** `azlin cp SRC DST`; a remote side is `VM:PATH`. There is no -r. */
export const cpArgs = (source: string, destination: string, rg?: string) => [
  "cp",
  source,
  destination,
  ...rgArgs(rg),
];

/** --force: without a TTY kill refuses to ask and exits 1. */
export const killArgs = (name: string, rg?: string) => ["kill", name, ...rgArgs(rg), "--force"];

/** What a user types to reach a VM by hand. */
export const connectHint = (name: string, rg?: string) => ["azlin", "connect", name, ...rgArgs(rg)].join(" ");
