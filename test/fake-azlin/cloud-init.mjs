// What azlin's cloud-init leaves on a new VM (shared/reference/azlin-vm-and-new-commands.md §3):
// Claude Code in the admin user's ~/.local/bin (off the non-interactive PATH), amplihack on the
// PATH (the test's AZLIN_FAKE_VM_PATH stands for /usr/local/bin), and the provisioning ledger,
// which a real VM keeps in /var/lib/azlin and a fake one under its own root (<vm>/var/lib/azlin,
// told to the VM's commands as AZLIN_RECORDS_DIR).
//
// AZLIN_FAKE_CLAUDE is the Claude Code binary cloud-init "installs" (linked into ~/.local/bin);
// unset, the VM has no Claude Code. The fault `new:degraded` is azlin 2.7.3's broken Claude Code
// step: no claude, the ledger says degraded, and `new` still exits 0 with a warning.
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { vmHome, vmRoot } from "./state.mjs";

export const recordsDir = (paths, name) => join(vmRoot(paths, name), "var", "lib", "azlin");

const SECTIONS = [
  "setup-node",
  "setup-claude-code",
  "setup-rust",
  "setup-amplihack",
  "setup-path-links",
  "setup-verify",
];

/** Provisions the VM's home and ledger; returns the lines `azlin new` prints about it. */
export function runCloudInit(env, paths, name, { degraded }) {
  const claudeOk = !degraded && Boolean(env.AZLIN_FAKE_CLAUDE);
  if (claudeOk) {
    const bin = join(vmHome(paths, name), ".local", "bin");
    mkdirSync(bin, { recursive: true, mode: 0o755 });
    symlinkSync(env.AZLIN_FAKE_CLAUDE, join(bin, "claude"));
  }
  const dir = recordsDir(paths, name);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const failed = degraded ? ["setup-claude-code"] : [];
  const rows = SECTIONS.map((s) => (failed.includes(s) ? `${s}\tfailed\texit status 2` : `${s}\tok\t`));
  writeFileSync(join(dir, "provisioning.tsv"), `${rows.join("\n")}\n`);
  writeFileSync(join(dir, "provisioning-status"), failed.length ? "degraded\n" : "ok\n");
  writeFileSync(join(dir, "provisioning-complete"), "");
  if (!failed.length) return [];
  return [
    "WARNING: cloud-init finished, but provisioning is degraded.",
    ...failed.map((s) => `failed section: ${s}`),
  ];
}
