/**
 * ensure-tooling.sh on VMs shaped like azlin's, run for real with bash: the provisioning ledger is
 * read and a degraded VM reported with its failed sections; Claude Code is found where the native
 * installer (~/.local/bin) or amplihack's own fallback (~/.npm-global/bin) put it, though neither
 * is on a non-interactive PATH.
 */

import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { setupWarnings } from "../../src/core/workflow/setup-warnings.js";
import { cleanup, tempDir } from "../support/repo.js";
import { EVENT_WAIT_MS } from "../support/waits.js";

const SCRIPT = resolve("src/remote/ensure-tooling.sh");
const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

function executable(path: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, "#!/bin/sh\necho stand-in\n");
  chmodSync(path, 0o755);
}

/** A VM home, its ledger, and a /usr/local/bin-like directory; returns how to run the script. */
function vm(options: { claudeIn?: string; amplihack: boolean; ledger: "ok" | "degraded" | null }) {
  const root = tempDir("ar-vm-");
  dirs.push(root);
  const home = join(root, "home");
  const usrLocalBin = join(root, "usr-local-bin");
  mkdirSync(home, { recursive: true });
  mkdirSync(usrLocalBin, { recursive: true });
  if (options.claudeIn) executable(join(home, options.claudeIn, "claude"));
  if (options.amplihack) executable(join(usrLocalBin, "amplihack"));
  const records = join(root, "var-lib-azlin");
  if (options.ledger) {
    mkdirSync(records);
    writeFileSync(join(records, "provisioning-status"), `${options.ledger}\n`);
    const failed = options.ledger === "degraded";
    writeFileSync(
      join(records, "provisioning.tsv"),
      `setup-node\tok\t\nsetup-claude-code\t${failed ? "failed" : "ok"}\texit 2\nsetup-amplihack\tok\t\n`,
    );
  }
  // The PATH of `azlin connect -- CMD`: no ~/.local/bin, no node or npm of the test machine.
  const env = { HOME: home, PATH: `${usrLocalBin}:/usr/bin:/bin`, AZLIN_RECORDS_DIR: records };
  return async () => {
    try {
      const { stdout } = await promisify(execFile)("bash", [SCRIPT], {
        env,
        cwd: home,
        timeout: EVENT_WAIT_MS,
      });
      return { code: 0, out: stdout };
    } catch (err) {
      const e = err as { code: number; stdout: string };
      return { code: e.code, out: e.stdout };
    }
  };
}

describe("ensure-tooling.sh", () => {
  it("finds Claude Code in ~/.local/bin and amplihack on the PATH of a healthy VM", async () => {
    const r = await vm({ claudeIn: ".local/bin", amplihack: true, ledger: "ok" })();
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("ensure-tooling: azlin provisioning: ok");
    expect(setupWarnings(r.out)).toEqual([]);
    expect(r.out).toMatch(/ensure-tooling: claude: \S+\/home\/\.local\/bin\/claude/);
    expect(r.out).toMatch(/ensure-tooling: amplihack: \S+\/usr-local-bin\/amplihack/);
  });

  it("reports a degraded VM with its failed sections, and uses amplihack's own Claude Code install", async () => {
    const r = await vm({ claudeIn: ".npm-global/bin", amplihack: true, ledger: "degraded" })();
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("WARNING: azlin provisioning is degraded; failed sections: setup-claude-code");
    // What the summary will say, read from runner.log once the logs are home.
    expect(setupWarnings(r.out)).toEqual([
      "The VM's setup warned: azlin provisioning is degraded; failed sections: setup-claude-code",
    ]);
    expect(r.out).toMatch(/claude: \S+\/\.npm-global\/bin\/claude/);
  });

  it("says so when the VM was not made by azlin", async () => {
    const r = await vm({ claudeIn: ".local/bin", amplihack: true, ledger: null })();
    expect(r.out).toContain("no azlin provisioning record");
  });
});
