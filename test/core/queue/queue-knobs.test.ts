import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { queueSettings } from "../../../src/core/queue/settings.js";
import { backoff, wakeQueue } from "../../../src/core/queue/wake.js";
import { withRetrievalClaim } from "../../../src/core/runs/retrieval-claim.js";
import { newRunRecord } from "../../../src/state/run-record.js";
import { StateStore } from "../../../src/state/store.js";
import { RemoteError } from "../../../src/util/errors.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("the queue's settings", () => {
  it("takes --max-vms over AMPLIHACK_REMOTE_MAX_VMS, and the bounds from the environment", () => {
    const env = { AMPLIHACK_REMOTE_MAX_VMS: "3", AMPLIHACK_REMOTE_QUEUE_GIVE_UP_MINUTES: "0.5" };
    expect(queueSettings(env, undefined)).toMatchObject({ maxVms: 3, giveUpMs: 30_000, retryMs: 60_000 });
    expect(queueSettings(env, 1).maxVms).toBe(1);
    expect(queueSettings({}, undefined).maxVms).toBeNull();
  });

  it("refuses a malformed value with the variable's name and what to set", () => {
    let err: unknown;
    try {
      queueSettings({ AMPLIHACK_REMOTE_MAX_VMS: "two" }, undefined);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).message).toContain("AMPLIHACK_REMOTE_MAX_VMS=two");
    expect((err as RemoteError).remedy).toContain("whole number");
  });
});

describe("waiting for the queue", () => {
  it("a wake ends every nap of this process at once, however long its delay", async () => {
    const naps = [backoff(3_600_000, 3_600_000).nap(), backoff(3_600_000, 3_600_000).nap()];
    wakeQueue();
    await Promise.all(naps); // would hang for an hour without the wake
  });

  it("an abort ends a nap", async () => {
    const controller = new AbortController();
    const nap = backoff(3_600_000, 3_600_000).nap(controller.signal);
    controller.abort();
    await nap;
  });
});

describe("bringing a run home once", () => {
  it("a second claim while the first is at work is refused; after it, the run is free again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ar-claim-"));
    dirs.push(dir);
    const store = new StateStore(join(dir, "state.json"));
    await store.putRun(
      newRunRecord({ id: "r1", repo: "/r", target: "azlin", command: "auto", promptPreview: "p" }),
    );
    let release!: () => void;
    const first = withRetrievalClaim(
      store,
      "r1",
      () => new Promise<string>((r) => (release = () => r("first"))),
    );
    await expect.poll(async () => (await store.getRun("r1"))?.retrievingPid).toBe(process.pid);
    await expect(withRetrievalClaim(store, "r1", async () => "second")).rejects.toThrow(/being brought home/);
    release();
    expect(await first).toBe("first");
    expect((await store.getRun("r1"))?.retrievingPid).toBeNull();
    expect(await withRetrievalClaim(store, "r1", async () => "again")).toBe("again");
  });
});
