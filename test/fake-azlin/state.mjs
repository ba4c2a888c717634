// The fake's state: one JSON file (AZLIN_FAKE_STATE) beside a `vms/<name>/home` directory per VM
// and an `argv.log`. Tests run fake calls in parallel, so every read-modify-write holds a lock
// (an atomic mkdir) and every write is an atomic rename.
import {
  appendFileSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/** Where the state lives, from the environment the fake was started with. */
export function statePaths(env = process.env) {
  const configDir = env.AZLIN_CONFIG_DIR || join(homedir(), ".azlin");
  const file = env.AZLIN_FAKE_STATE || join(configDir, "fake-state.json");
  const dir = dirname(file);
  return {
    file,
    dir,
    lockDir: `${file}.lock`,
    vmsDir: join(dir, "vms"),
    argvLog: join(dir, "argv.log"),
  };
}

export function vmRoot(paths, name) {
  return join(paths.vmsDir, name);
}

export function vmHome(paths, name) {
  return join(paths.vmsDir, name, "home");
}

export function emptyState() {
  return { vms: {}, counters: {} };
}

export function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readStateFile(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if (err.code === "ENOENT") return emptyState();
    throw err;
  }
  const state = JSON.parse(text);
  state.vms ??= {};
  state.counters ??= {};
  return state;
}

function writeStateFile(file, state) {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}

/** A lock held only for a read-modify-write: milliseconds, so an old lock is a dead holder's. */
function lock(lockDir) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      return;
    } catch (err) {
      if (err.code === "ENOENT") {
        mkdirSync(dirname(lockDir), { recursive: true });
        continue;
      }
      if (err.code !== "EEXIST") throw err;
    }
    try {
      if (Date.now() - statSync(lockDir).mtimeMs > 15_000) rmSync(lockDir, { recursive: true, force: true });
    } catch {
      // The holder released it between our mkdir and stat: try again.
    }
    if (Date.now() > deadline) throw new Error(`fake azlin: state lock ${lockDir} held for 30s`);
    sleepSync(5 + Math.floor(Math.random() * 20));
  }
}

function unlock(lockDir) {
  rmSync(lockDir, { recursive: true, force: true });
}

/** Reads the state without locking (a consistent snapshot thanks to atomic renames). */
export function readState(env = process.env) {
  return readStateFile(statePaths(env).file);
}

/** Runs `fn(state)` under the lock and saves what it changed; returns fn's result. */
export function updateState(env, fn) {
  const paths = statePaths(env);
  lock(paths.lockDir);
  try {
    const state = readStateFile(paths.file);
    const result = fn(state);
    writeStateFile(paths.file, state);
    return result;
  } finally {
    unlock(paths.lockDir);
  }
}

/** Increments and returns a named call counter (fault injection counts calls per operation). */
export function bumpCounter(env, key) {
  return updateState(env, (state) => {
    state.counters[key] = (state.counters[key] ?? 0) + 1;
    return state.counters[key];
  });
}

/** One JSON line per call, so tests can assert what was (and was not) on a command line. */
export function recordArgv(env, argv) {
  const paths = statePaths(env);
  mkdirSync(paths.dir, { recursive: true });
  appendFileSync(
    paths.argvLog,
    `${JSON.stringify({ time: new Date().toISOString(), pid: process.pid, argv })}\n`,
  );
}

/** azlin's created_time format: "%Y-%m-%d %H:%M:%S UTC". */
export function formatCreatedTime(date) {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/**
 * Adds a VM record and its home directory. Used by `azlin new` and by tests seeding VMs; the
 * record has the fields of reference §7.
 */
export function insertVm(state, paths, vm) {
  const record = {
    name: vm.name,
    resource_group: vm.resource_group,
    location: vm.location ?? "westus2",
    vm_size: vm.vm_size ?? "Standard_E16as_v5",
    power_state: vm.power_state ?? "Running",
    provisioning_state: vm.provisioning_state ?? "Succeeded",
    public_ip: vm.public_ip ?? null,
    private_ip: vm.private_ip ?? nextPrivateIp(state),
    tags: { "azlin-session": vm.name, ...(vm.tags ?? {}) },
    created_time: vm.created_time === undefined ? formatCreatedTime(new Date()) : vm.created_time,
    os: vm.os ?? "Ubuntu 26.04",
    os_offer: vm.os_offer ?? "ubuntu-26_04-lts",
    admin_username: "azureuser",
    auth_forwarded: Boolean(vm.auth_forwarded),
    ssh_user: null,
  };
  state.vms[vm.name] = record;
  mkdirSync(vmHome(paths, vm.name), { recursive: true, mode: 0o755 });
  return record;
}

function nextPrivateIp(state) {
  const used = new Set(Object.values(state.vms).map((v) => v.private_ip));
  for (let i = 4; i < 250; i++) {
    const ip = `10.0.0.${i}`;
    if (!used.has(ip)) return ip;
  }
  return "10.0.1.4";
}

/** Finds a VM by name within a resource group; Azure compares resource group names case-insensitively. */
export function findVm(state, name, rg) {
  const vm = state.vms[name];
  if (!vm) return undefined;
  if (rg && vm.resource_group.toLowerCase() !== rg.toLowerCase()) return undefined;
  return vm;
}
