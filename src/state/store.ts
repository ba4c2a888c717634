/**
 * One JSON file of runs, updated only under a lock held across read-modify-write, written
 * atomically (write to a temporary file, then rename). Concurrent processes therefore never lose
 * each other's updates. A corrupt file is never overwritten silently: it is kept as a backup and
 * reported with the way out.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { copyFile, mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import lockfile from "proper-lockfile";
import writeFileAtomic from "write-file-atomic";
import { z } from "zod";
import { RemoteError } from "../util/errors.js";
import { runsFile } from "./paths.js";
import { type RunRecord, runRecordSchema } from "./run-record.js";

export const SCHEMA_VERSION = 1;

const stateSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  runs: z.record(z.string(), runRecordSchema),
});
export type StateData = z.infer<typeof stateSchema>;

const empty = (): StateData => ({ schemaVersion: SCHEMA_VERSION, runs: {} });

type Outcome = { value: unknown } | { error: unknown };
interface QueuedUpdate {
  mutate: (state: StateData) => unknown;
  settle: (outcome: Outcome) => void;
}
interface UpdateQueue {
  waiting: QueuedUpdate[];
  writing: boolean;
}
/** This process's updates waiting for the lock, by state file (every StateStore of a file shares them). */
const queues = new Map<string, UpdateQueue>();
/**
 * Set while an update's mutate runs: an update asked for from inside one would wait for the batch
 * that holds it, for ever, so it is refused at once instead (a programming error, named).
 */
const insideMutate = new AsyncLocalStorage<string>();

export class StateStore {
  constructor(readonly file: string = runsFile()) {}

  async read(): Promise<StateData> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return empty();
      throw this.unusable(err);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw await this.corrupt(`it is not valid JSON (${(err as Error).message})`);
    }
    const parsed = stateSchema.safeParse(json);
    if (!parsed.success) {
      const version = (json as { schemaVersion?: unknown })?.schemaVersion;
      if (typeof version === "number" && version > SCHEMA_VERSION) {
        throw new RemoteError(
          "state-corrupt",
          `The state file ${this.file} was written by a newer amplihack-remote (schema ${version}).`,
          "Upgrade amplihack-remote, or point AMPLIHACK_REMOTE_STATE_DIR elsewhere.",
        );
      }
      throw await this.corrupt(parsed.error.issues[0]?.message ?? "unexpected shape");
    }
    return parsed.data;
  }

  /**
   * Runs `mutate` on the freshest state under the lock and writes the result. Updates this process
   * asks for while another holds the lock wait for it and then go together, in the order asked, in
   * one locked read-modify-write: a batch's runs each write their record several times while they
   * launch, and one lock per write made them queue behind each other (16 at once took 143-343 ms
   * against 6-10 ms for one) and reach the next step out of step.
   */
  update<T>(mutate: (state: StateData) => T | Promise<T>): Promise<T> {
    if (insideMutate.getStore() === this.file) {
      return Promise.reject(new Error(`a state update of ${this.file} was asked for from inside another`));
    }
    return new Promise<T>((resolve, reject) => {
      let queue = queues.get(this.file);
      if (!queue) {
        queue = { waiting: [], writing: false };
        queues.set(this.file, queue);
      }
      queue.waiting.push({ mutate, settle: (r) => ("error" in r ? reject(r.error) : resolve(r.value as T)) });
      if (queue.writing) return;
      // Begun once this turn's work is done, so the updates a batch's runs ask for together (each
      // run's next step, all resumed by one write) go in one write, not one and then the rest.
      queue.writing = true;
      setImmediate(() => void this.drain(queue));
    });
  }

  /** Writes the queued updates, a batch per lock, until none is left. */
  private async drain(queue: UpdateQueue): Promise<void> {
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0);
      const outcomes = await this.writeBatch(batch).catch((error: unknown) => batch.map(() => ({ error })));
      for (const [i, u] of batch.entries()) u.settle(outcomes[i]);
    }
    queue.writing = false;
    queues.delete(this.file);
  }

  /**
   * One locked read-modify-write for a batch of updates. Each works on its own copy of the state
   * as the one before left it, so an update that throws leaves nothing of itself behind, and the
   * value an update returned (often a record) is never changed by a later one of the batch.
   */
  private async writeBatch(batch: readonly QueuedUpdate[]): Promise<Outcome[]> {
    await mkdir(dirname(this.file), { recursive: true }).catch((err) => {
      throw this.unusable(err);
    });
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(this.file, {
        realpath: false,
        stale: 15_000,
        update: 5_000,
        retries: { retries: 200, factor: 1.2, minTimeout: 5, maxTimeout: 100, randomize: true },
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ELOCKED") throw this.unusable(err);
      throw new RemoteError(
        "state-locked",
        `Could not lock the state file ${this.file}: ${(err as Error).message}`,
        "Another amplihack-remote process holds it; wait a moment and retry.",
      );
    }
    try {
      let state = await this.read();
      const outcomes: Outcome[] = [];
      for (const u of batch) {
        const working = batch.length > 1 ? structuredClone(state) : state;
        try {
          outcomes.push({ value: await insideMutate.run(this.file, () => u.mutate(working)) });
          state = working;
        } catch (error) {
          outcomes.push({ error });
        }
      }
      if (outcomes.every((o) => "error" in o)) return outcomes;
      await writeFileAtomic(this.file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 }).catch(
        (err) => {
          throw this.unusable(err);
        },
      );
      return outcomes;
    } finally {
      await release();
    }
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    return (await this.read()).runs[id];
  }

  async putRun(record: RunRecord): Promise<void> {
    await this.update((s) => {
      s.runs[record.id] = record;
    });
  }

  async patchRun(id: string, patch: Partial<RunRecord>): Promise<RunRecord> {
    return this.update((s) => {
      const current = s.runs[id];
      if (!current)
        throw new RemoteError(
          "run-not-found",
          `No run ${id} in ${this.file}.`,
          "List runs with `amplihack-remote status`.",
        );
      const next = { ...current, ...patch, updatedAt: new Date().toISOString() };
      s.runs[id] = next;
      return next;
    });
  }

  /**
   * What the run records say of each VM, for the reaper: recorded at all, and a run whose results
   * still wait on it (started, not retrieved, not known to be gone).
   */
  async vmKnowledge(): Promise<(name: string) => { recorded: boolean; unretrievedRun: string | null }> {
    const runs = Object.values((await this.read()).runs);
    return (name) => {
      const mine = runs.filter((r) => r.vm?.name === name && !r.vm.deleted);
      const waiting = mine.find((r) => r.startedAt && !r.summary && r.status !== "blocked");
      return { recorded: mine.length > 0, unretrievedRun: waiting?.id ?? null };
    };
  }

  /** Notes in every run record on `vmName` that the VM is gone (the reaper deleted it). */
  async markVmDeleted(vmName: string): Promise<void> {
    const known = Object.values((await this.read()).runs).some((r) => r.vm?.name === vmName && !r.vm.deleted);
    if (!known) return; // nothing to note, and no state file to create
    await this.update((s) => {
      for (const r of Object.values(s.runs)) {
        if (r.vm?.name === vmName && !r.vm.deleted) r.vm = { ...r.vm, deleted: true };
      }
    });
  }

  /**
   * An error of the file system under the state (not writable, not a directory, disk full) is the
   * environment's, not a bug: say which directory, and how to move the state elsewhere.
   */
  private unusable(err: unknown): RemoteError {
    if (err instanceof RemoteError) return err;
    const e = err as NodeJS.ErrnoException;
    const dir = dirname(this.file);
    return new RemoteError(
      "state-unwritable",
      `Cannot use the state directory ${dir}: ${e.code ?? "error"} (${e.message}).`,
      `Make ${dir} writable by this user, or set AMPLIHACK_REMOTE_STATE_DIR to a writable directory (it defaults to ~/.local/state/amplihack-remote, which needs a writable HOME).`,
      { cause: err, details: { stateDir: dir, errno: e.code ?? null } },
    );
  }

  private async corrupt(reason: string): Promise<RemoteError> {
    const backup = `${this.file}.corrupt-${Date.now()}`;
    await copyFile(this.file, backup).catch(() => {});
    return new RemoteError(
      "state-corrupt",
      `The state file ${this.file} is corrupt: ${reason}. A copy was kept at ${backup}.`,
      `Inspect or repair it, or move it away (mv ${this.file} ${this.file}.old) to start afresh; VMs are still found by their Azure tags (amplihack-remote vms).`,
    );
  }
}
