// How the fake reaches a VM's home: directly (bash with cwd and HOME = the VM home) or, in ssh
// mode, through a real sshd on 127.0.0.1 as a Unix user of its own whose home is the VM home, so
// quoting, transfers and exit codes cross a real ssh boundary.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join } from "node:path";
import { recordsDir } from "./cloud-init.mjs";
import { sleepSync, updateState, vmHome, vmRoot } from "./state.mjs";

/** ssh mode is on when the test gave us a port and a client key. */
export function sshMode(env) {
  if (!env.AZLIN_FAKE_SSH_PORT || !env.AZLIN_FAKE_SSH_KEY) return null;
  return { port: env.AZLIN_FAKE_SSH_PORT, key: env.AZLIN_FAKE_SSH_KEY };
}

/** The options our ssh and scp use; -F /dev/null keeps the caller's ssh config out of it. */
function sshOptions(ssh) {
  return [
    "-F",
    "/dev/null",
    "-i",
    ssh.key,
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "LogLevel=Error",
    "-o",
    "ConnectTimeout=30",
  ];
}

/** A Unix user name per fake VM: short (useradd allows 32) and unique per state directory. */
export function sshUserFor(paths, name) {
  return `azf${createHash("sha256").update(`${paths.dir}\0${name}`).digest("hex").slice(0, 10)}`;
}

function userExists(user) {
  return spawnSync("getent", ["passwd", user], { stdio: "ignore" }).status === 0;
}

/**
 * The VM's PATH as a non-interactive `azlin connect -- CMD` sees it: the test's extra directories
 * (standing for /usr/local/bin, where cloud-init links amplihack), then the system ones. Never
 * ~/.local/bin, where Claude Code is: Ubuntu's .bashrc returns early and .profile is not read.
 */
export function vmPath(env) {
  const extra = env.AZLIN_FAKE_VM_PATH ? `${env.AZLIN_FAKE_VM_PATH}:` : "";
  return `${extra}/usr/local/bin:/usr/bin:/bin`;
}

/** The variables a fake VM's commands start with (over ssh, through ~/.ssh/environment). */
function vmEnvironment(env, paths, name) {
  return { PATH: vmPath(env), AZLIN_RECORDS_DIR: recordsDir(paths, name) };
}

/**
 * Makes sure the VM's Unix user exists (ssh mode). Users are made lazily, on the first connect or
 * cp, so tests can seed VMs by writing state alone.
 */
export function ensureVmUser(env, paths, vm) {
  const user = vm.ssh_user ?? sshUserFor(paths, vm.name);
  const home = vmHome(paths, vm.name);
  if (vm.ssh_user && userExists(user)) return user;
  // The user must be able to walk to its home: the state directory is often a 0700 mkdtemp.
  for (const dir of [paths.dir, paths.vmsDir, vmRoot(paths, vm.name)]) {
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
  }
  mkdirSync(home, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    // A '*' password field unlocks the account for key logins (sshd refuses locked users).
    const r = spawnSync("useradd", ["-M", "-d", home, "-s", "/bin/bash", "-p", "*", user], {
      encoding: "utf8",
    });
    if (r.status === 0 || r.status === 9 /* exists */) break;
    // 1 and 10: /etc/passwd is locked by a parallel useradd; wait and retry.
    if (attempt > 50) throw new Error(`fake azlin: useradd ${user} failed: ${r.stderr}`);
    sleepSync(100 + Math.floor(Math.random() * 200));
  }
  // sshd reads ~/.ssh/environment for the names PermitUserEnvironment allows (test/support/sshd.ts).
  mkdirSync(join(home, ".ssh"), { recursive: true });
  writeFileSync(
    join(home, ".ssh", "environment"),
    Object.entries(vmEnvironment(env, paths, vm.name))
      .map(([k, v]) => `${k}=${v}\n`)
      .join(""),
  );
  execFileSync("chown", ["-R", `${user}:`, home]);
  updateState(env, (state) => {
    if (state.vms[vm.name]) state.vms[vm.name].ssh_user = user;
  });
  vm.ssh_user = user;
  return user;
}

/** Deleting a VM ends its processes and its user, as deleting a real VM would. */
export function removeVmUser(user) {
  if (!user || !userExists(user)) return;
  spawnSync("pkill", ["-KILL", "-U", user], { stdio: "ignore" });
  for (let attempt = 0; attempt < 50; attempt++) {
    const r = spawnSync("userdel", [user], { stdio: "ignore" });
    if (r.status === 0 || r.status === 6 /* no such user */) return;
    sleepSync(100);
  }
}

function waitForExit(child) {
  return new Promise((resolve) => {
    child.on("error", () => resolve(255));
    // A remote command killed by a signal makes ssh exit 255, as the real one does.
    child.on("exit", (code, signal) => resolve(signal ? 255 : (code ?? 255)));
  });
}

/** What runOnVm resolves to when the `drop` fault cut the link under the command. */
export const DROPPED = Symbol("dropped");

/**
 * Ends the command's processes when the link goes: `dropAfterMs` (the fault) or this process
 * being stopped (the caller hung up), as sshd hangs up a session whose connection is gone.
 */
function hangUpWith(child, group, dropAfterMs, cut) {
  let dropped = false;
  const hangUp = (signal) => {
    try {
      if (group) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // already gone
    }
  };
  const timer =
    dropAfterMs === undefined
      ? undefined
      : setTimeout(() => {
          dropped = true;
          hangUp("SIGKILL");
        }, dropAfterMs);
  // A link cut while it is open (the `cut` fault, set by a test mid-run) goes as a drop does.
  const cutWatch = cut
    ? setInterval(() => {
        if (!cut()) return;
        dropped = true;
        hangUp("SIGKILL");
      }, 100)
    : undefined;
  const onSignal = () => {
    hangUp("SIGHUP");
    process.exit(255);
  };
  for (const s of ["SIGTERM", "SIGINT", "SIGHUP"]) process.once(s, onSignal);
  return waitForExit(child).then((code) => {
    clearTimeout(timer);
    clearInterval(cutWatch);
    for (const s of ["SIGTERM", "SIGINT", "SIGHUP"]) process.removeListener(s, onSignal);
    return dropped ? DROPPED : code;
  });
}

/**
 * Runs the words after `--` on the VM the way ssh does: joined with spaces and parsed again by the
 * remote shell. stdin, stdout and stderr pass straight through. Resolves to the exit code, or
 * DROPPED when the `drop` fault cut the link (`dropAfterMs`) or `cut()` turned true while it ran.
 */
export function runOnVm(env, paths, vm, words, { dropAfterMs, cut } = {}) {
  const ssh = sshMode(env);
  if (ssh) {
    const user = ensureVmUser(env, paths, vm);
    const child = spawn("ssh", ["-p", ssh.port, ...sshOptions(ssh), `${user}@127.0.0.1`, ...words], {
      stdio: "inherit",
    });
    return hangUpWith(child, false, dropAfterMs, cut);
  }
  const home = vmHome(paths, vm.name);
  // A VM's environment is its own: nothing of the caller's leaks in, as over ssh.
  const vmEnv = {
    HOME: home,
    USER: vm.admin_username,
    LOGNAME: vm.admin_username,
    SHELL: "/bin/bash",
    ...vmEnvironment(env, paths, vm.name),
    LANG: "C.UTF-8",
  };
  // Its own process group, so a hang-up reaches everything the command started, as on a VM.
  const child = spawn("bash", ["-c", words.join(" ")], {
    cwd: home,
    env: vmEnv,
    stdio: "inherit",
    detached: true,
  });
  return hangUpWith(child, true, dropAfterMs, cut);
}

/** Where a remote path points on a direct-mode VM: relative and `~/` paths are in its home. */
function resolveRemote(home, path) {
  if (path === "~" || path === "") return home;
  if (path.startsWith("~/")) return join(home, path.slice(2));
  return isAbsolute(path) ? path : join(home, path);
}

/** The host path of a remote path on a VM (its home stands for `~`). */
export function remoteFile(paths, name, remotePath) {
  return resolveRemote(vmHome(paths, name), remotePath);
}

function copyLocally(src, dst) {
  let st;
  try {
    st = statSync(src);
  } catch {
    return { ok: false, stderr: `scp: ${src}: No such file or directory\n` };
  }
  if (!st.isFile()) return { ok: false, stderr: `scp: ${src}: not a regular file\n` };
  let target = dst;
  if (existsSync(dst) && statSync(dst).isDirectory()) target = join(dst, basename(src));
  if (!existsSync(dirname(target)))
    return { ok: false, stderr: `scp: dest open "${dst}": No such file or directory\n` };
  copyFileSync(src, target);
  return { ok: true, stderr: "" };
}

/**
 * Copies one file between here and the VM (`direction` is "up" or "down"), like scp without -r.
 * Resolves to { ok, stderr }.
 */
export function copyWithVm(env, paths, vm, direction, localPath, remotePath) {
  const ssh = sshMode(env);
  if (!ssh) {
    const home = vmHome(paths, vm.name);
    const remote = resolveRemote(home, remotePath);
    return Promise.resolve(
      direction === "up" ? copyLocally(localPath, remote) : copyLocally(remote, localPath),
    );
  }
  const user = ensureVmUser(env, paths, vm);
  const remoteSpec = `${user}@127.0.0.1:${remotePath}`;
  const args = [
    "-P",
    ssh.port,
    ...sshOptions(ssh),
    ...(direction === "up" ? [localPath, remoteSpec] : [remoteSpec, localPath]),
  ];
  return new Promise((resolve) => {
    const child = spawn("scp", args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", (err) => resolve({ ok: false, stderr: `${err.message}\n` }));
    child.on("exit", (code) => resolve({ ok: code === 0, stderr }));
  });
}
