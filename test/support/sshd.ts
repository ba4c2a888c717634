/**
 * A real OpenSSH sshd on 127.0.0.1 for the fake azlin's ssh mode: its own host and client keys in
 * a temp dir, no PAM, key logins only, and LogLevel DEBUG3 so tests can read the command lines
 * sshd executed (Debian's sshd logs them as "mm_audit_run_command entering command <cmd>").
 *
 * Needs root (the fake makes one Unix user per VM), /usr/sbin/sshd (Debian: openssh-server),
 * ssh, scp and ssh-keygen (openssh-client), useradd/userdel (passwd) and pkill (procps).
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { chmod, copyFile, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertNoCanary } from "./canary.js";
import { EVENT_WAIT_MS } from "./waits.js";

export interface SshServer {
  port: number;
  clientKeyPath: string;
  logFile: string;
  dir: string;
  /** Every command line sshd was asked to execute, in order. */
  commandsSeen(): string[];
  /** The whole sshd log (for "no secret anywhere" assertions). */
  log(): string;
  stop(): Promise<void>;
}

const SSHD = "/usr/sbin/sshd";

/** Why sshd cannot be used here, or null. */
export function sshdUnavailableReason(): string | null {
  if (!existsSync(SSHD)) return `${SSHD} is missing (install the Debian package openssh-server)`;
  if (typeof process.getuid === "function" && process.getuid() !== 0)
    return "not running as root (the fake makes a Unix user per VM)";
  for (const tool of ["ssh", "scp", "ssh-keygen", "useradd", "userdel", "pkill"]) {
    try {
      execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    } catch {
      return `${tool} is not on PATH`;
    }
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function waitForListening(child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let exited: string | null = null;
    child.once("exit", (code, signal) => {
      exited = `sshd exited (${signal ?? code})`;
    });
    const tick = () => {
      const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
      if (/Server listening on 127\.0\.0\.1 port/.test(log)) return resolve();
      if (exited || Date.now() - started > timeoutMs) {
        return reject(
          new Error(
            `${exited ?? "sshd did not start listening in time"}: ${log.split("\n").slice(-5).join(" | ")}`,
          ),
        );
      }
      setTimeout(tick, 50);
    };
    tick();
  });
}

export async function startSshd(): Promise<SshServer> {
  const dir = await mkdtemp(join(tmpdir(), "amplihack-sshd-"));
  // Users read the shared authorized_keys file from here (sshd reads it as the user).
  await chmod(dir, 0o755);
  const hostKey = join(dir, "host_ed25519");
  const clientKey = join(dir, "client_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey]);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", clientKey]);
  const authorizedKeys = join(dir, "authorized_keys");
  await copyFile(`${clientKey}.pub`, authorizedKeys);
  await chmod(authorizedKeys, 0o644);
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const logFile = join(dir, `sshd-${port}.log`);
    const child = spawn(
      SSHD,
      [
        "-D",
        "-f",
        "/dev/null",
        "-h",
        hostKey,
        "-p",
        String(port),
        "-E",
        logFile,
        "-o",
        "ListenAddress=127.0.0.1",
        "-o",
        `PidFile=${join(dir, "sshd.pid")}`,
        "-o",
        "UsePAM=no",
        "-o",
        "PasswordAuthentication=no",
        "-o",
        "KbdInteractiveAuthentication=no",
        "-o",
        `AuthorizedKeysFile=${authorizedKeys}`,
        // The temp dir lives under the world-writable /tmp, which StrictModes refuses.
        "-o",
        "StrictModes=no",
        // scp speaks SFTP by default since OpenSSH 9.0; with -f /dev/null no subsystem is set.
        "-o",
        "Subsystem=sftp internal-sftp",
        // The fake writes PATH (fake agents' directory) into ~/.ssh/environment.
        "-o",
        "PermitUserEnvironment=PATH,AZLIN_RECORDS_DIR",
        "-o",
        "MaxStartups=200",
        "-o",
        "MaxSessions=50",
        "-o",
        "LogLevel=DEBUG3",
      ],
      { stdio: "ignore" },
    );
    try {
      await waitForListening(child, logFile, EVENT_WAIT_MS);
    } catch (err) {
      lastError = err;
      child.kill("SIGKILL");
      continue;
    }
    const log = () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "");
    return {
      port,
      clientKeyPath: clientKey,
      logFile,
      dir,
      log,
      commandsSeen() {
        return [...log().matchAll(/mm_audit_run_command entering command (.*)$/gm)].map((m) => m[1]);
      },
      async stop() {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        }
        try {
          assertNoCanary(dir); // sshd's DEBUG3 log holds every command line it ran
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/**
 * Removes fake-VM users (azf + 10 hex) left behind by a test run that crashed: only those whose
 * home, a fake VM's home under the temp dir, no longer exists. Live fakes' users are untouched.
 */
export function sweepOrphanVmUsers(): void {
  let passwd = "";
  try {
    passwd = readFileSync("/etc/passwd", "utf8");
  } catch {
    return;
  }
  for (const line of passwd.split("\n")) {
    const [user, , , , , home] = line.split(":");
    if (
      !/^azf[0-9a-f]{10}$/.test(user ?? "") ||
      !home?.startsWith(join(tmpdir(), "fake-azlin-")) ||
      existsSync(home)
    )
      continue;
    try {
      execFileSync("userdel", [user], { stdio: "ignore" });
    } catch {
      // in use or already gone: the next sweep will see it
    }
  }
}

/**
 * sshd for a test file's ssh-mode scenarios, or null (with the reason printed) when it cannot run
 * here. Under CI it must run: then a failure throws.
 */
export async function sshdForTests(): Promise<SshServer | null> {
  let reason = sshdUnavailableReason();
  if (!reason) {
    sweepOrphanVmUsers();
    try {
      return await startSshd();
    } catch (err) {
      reason = `sshd did not start: ${(err as Error).message}`;
    }
  }
  if (process.env.CI) {
    throw new Error(
      `The ssh-mode tests need a working sshd on 127.0.0.1 and root: ${reason}. On Debian: apt-get install -y openssh-server openssh-client passwd procps, and run the tests as root.`,
    );
  }
  console.warn(`[ssh mode] skipping the ssh-mode tests: ${reason}`);
  return null;
}
