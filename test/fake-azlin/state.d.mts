// Types of state.mjs for the TypeScript test helpers (the fake itself is plain JavaScript).

export interface FakeVmRecord {
  name: string;
  resource_group: string;
  location: string;
  vm_size: string;
  power_state: string;
  provisioning_state: string;
  public_ip: string | null;
  private_ip: string | null;
  tags: Record<string, string>;
  created_time: string | null;
  os: string;
  os_offer: string;
  admin_username: string;
  auth_forwarded: boolean;
  ssh_user: string | null;
}

export interface FakeState {
  vms: Record<string, FakeVmRecord>;
  counters: Record<string, number>;
}

export interface FakePaths {
  file: string;
  dir: string;
  lockDir: string;
  vmsDir: string;
  argvLog: string;
}

export type NewVm = Partial<Omit<FakeVmRecord, "name" | "resource_group">> & {
  name: string;
  resource_group: string;
};

export function statePaths(env?: NodeJS.ProcessEnv): FakePaths;
export function vmRoot(paths: FakePaths, name: string): string;
export function vmHome(paths: FakePaths, name: string): string;
export function readState(env?: NodeJS.ProcessEnv): FakeState;
export function updateState<T>(env: NodeJS.ProcessEnv, fn: (state: FakeState) => T): T;
export function insertVm(state: FakeState, paths: FakePaths, vm: NewVm): FakeVmRecord;
export function formatCreatedTime(date: Date): string;
export function findVm(state: FakeState, name: string, rg?: string): FakeVmRecord | undefined;
