/**
 * A fresh fake azlin for one test: a temp state dir, a config dir with default_resource_group,
 * optionally ssh mode through a test sshd. `env` is what to hand to the code under test (PATH with
 * the fake first, AZLIN_CONFIG_DIR, AZLIN_FAKE_STATE, ...); readers expose the recorded argv and
 * the VMs' state so tests can assert what happened.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type FakeState,
  type FakeVmRecord,
  formatCreatedTime,
  insertVm,
  readState,
  statePaths,
  updateState,
  vmHome,
} from "../fake-azlin/state.mjs";
import { removeVmUser } from "../fake-azlin/vm-access.mjs";
import { assertNoCanary } from "./canary.js";
import type { SshServer } from "./sshd.js";

export const FAKE_AZLIN_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "fake-azlin");
export const FAKE_AZLIN_BIN = join(FAKE_AZLIN_DIR, "azlin");

export interface ArgvRecord {
  time: string;
  pid: number;
  argv: string[];
}

export interface SeedVm {
  name: string;
  vmSize?: string;
  region?: string;
  resourceGroup?: string;
  powerState?: string;
  provisioningState?: string;
  tags?: Record<string, string>;
  /** When it was created; `null` for a VM Azure reports no creation time for. */
  createdAt?: Date | null;
  publicIp?: string | null;
}

export interface FakeAzlin {
  /** Temp directory holding config/ and state/. */
  root: string;
  stateDir: string;
  configDir: string;
  resourceGroup: string | null;
  env: Record<string, string>;
  ssh: SshServer | null;
  /**
   * Sets (or clears, with "") the injected faults: in <state>/fail, which the fake reads on every
   * call, so code that copied `env` earlier sees the change too.
   */
  setFaults(spec: string): void;
  /** Sets the regional vCPU quota per size, e.g. "Standard_D2s_v3=4" (test/fake-azlin/quota.mjs). */
  setQuota(spec: string): void;
  argvLog(): ArgvRecord[];
  argvs(): string[][];
  state(): FakeState;
  vm(name: string): FakeVmRecord | undefined;
  vmHome(name: string): string;
  addVm(seed: SeedVm): FakeVmRecord;
  /** Runs the fake directly: for its own contract tests. */
  run(
    args: string[],
    options?: { input?: string; env?: Record<string, string> },
  ): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  cleanup(): Promise<void>;
}

export interface FakeAzlinOptions {
  /** The config's default_resource_group; null writes no config file at all. */
  resourceGroup?: string | null;
  ssh?: SshServer | null;
  faults?: string;
  /** Directories put first on the fake VMs' PATH (fake agents; stands for /usr/local/bin). */
  vmPath?: string[];
  /** The Claude Code binary the fake cloud-init links into each new VM's ~/.local/bin. */
  claude?: string;
  extraConfig?: string;
}

export async function createFakeAzlin(options: FakeAzlinOptions = {}): Promise<FakeAzlin> {
  const root = await mkdtemp(join(tmpdir(), "fake-azlin-"));
  // In ssh mode each VM's Unix user must be able to walk down to its home.
  await chmod(root, 0o755);
  const configDir = join(root, "config");
  const stateDir = join(root, "state");
  await mkdir(configDir, { recursive: true });
  await mkdir(stateDir, { recursive: true });
  const resourceGroup = options.resourceGroup === undefined ? "amplihack-test-rg" : options.resourceGroup;
  if (resourceGroup !== null || options.extraConfig) {
    const lines = [
      resourceGroup ? `default_resource_group = "${resourceGroup}"` : "",
      options.extraConfig ?? "",
    ];
    await writeFile(join(configDir, "config.toml"), `${lines.filter(Boolean).join("\n")}\n`);
  }
  const env: Record<string, string> = {
    PATH: `${FAKE_AZLIN_DIR}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    AZLIN_CONFIG_DIR: configDir,
    AZLIN_FAKE_STATE: join(stateDir, "state.json"),
  };
  if (options.faults) env.AZLIN_FAKE_FAIL = options.faults;
  if (options.vmPath?.length) env.AZLIN_FAKE_VM_PATH = options.vmPath.join(":");
  if (options.claude) env.AZLIN_FAKE_CLAUDE = options.claude;
  if (options.ssh) {
    env.AZLIN_FAKE_SSH_PORT = String(options.ssh.port);
    env.AZLIN_FAKE_SSH_KEY = options.ssh.clientKeyPath;
  }
  const paths = statePaths(env);

  const fake: FakeAzlin = {
    root,
    stateDir,
    configDir,
    resourceGroup,
    env,
    ssh: options.ssh ?? null,
    setFaults(spec) {
      writeFileSync(join(stateDir, "fail"), spec);
    },
    setQuota(spec) {
      writeFileSync(join(stateDir, "quota"), spec);
    },
    argvLog() {
      if (!existsSync(paths.argvLog)) return [];
      return readFileSync(paths.argvLog, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as ArgvRecord);
    },
    argvs() {
      return this.argvLog().map((r) => r.argv);
    },
    state: () => readState(env),
    vm: (name) => readState(env).vms[name],
    vmHome: (name) => vmHome(paths, name),
    addVm(seed) {
      return updateState(env, (state) =>
        insertVm(state, paths, {
          name: seed.name,
          resource_group: seed.resourceGroup ?? resourceGroup ?? "amplihack-test-rg",
          location: seed.region ?? "westus2",
          vm_size: seed.vmSize ?? "Standard_D2s_v3",
          power_state: seed.powerState ?? "Running",
          provisioning_state: seed.provisioningState ?? "Succeeded",
          public_ip: seed.publicIp ?? null,
          tags: seed.tags ?? {},
          created_time: seed.createdAt === null ? null : formatCreatedTime(seed.createdAt ?? new Date()),
        }),
      );
    },
    run(args, runOptions = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn(FAKE_AZLIN_BIN, args, {
          env: { ...process.env, ...env, ...(runOptions.env ?? {}) },
          stdio: [runOptions.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout?.on("data", (d) => {
          stdout += d;
        });
        child.stderr?.on("data", (d) => {
          stderr += d;
        });
        child.on("error", reject);
        child.on("close", (code) => resolve({ exitCode: code ?? -1, stdout, stderr }));
        if (runOptions.input !== undefined) child.stdin?.end(runOptions.input);
      });
    },
    async cleanup() {
      // ssh mode: the VMs' Unix users (and any process they left running) go with the test.
      try {
        for (const vm of Object.values(readState(env).vms)) removeVmUser(vm.ssh_user);
      } catch {
        // no state written yet
      }
      try {
        assertNoCanary(root); // argv log, state, and every file left on the fake VMs
      } finally {
        // Retried: a process a test left on a fake VM may still be writing its last file.
        await rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      }
    },
  };
  return fake;
}

/** Hours ago, as a Date: for seeding VM ages. */
export const hoursAgo = (h: number, now = new Date()) => new Date(now.getTime() - h * 3_600_000);
