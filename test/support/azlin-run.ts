/**
 * The pieces every end-to-end test through the fake azlin needs: the two modes (directly, and
 * across a real sshd), a fresh fake + repository + state per test with cleanup, and workflow deps
 * wired to the azlin target with a recording runner.
 */
import { join } from "node:path";
import { afterEach, it } from "vitest";
import { createTarget } from "../../src/core/app/targets.js";
import type { WorkflowDeps } from "../../src/core/workflow/deps.js";
import { StateStore } from "../../src/state/store.js";
import { AzlinTarget } from "../../src/targets/azlin/target.js";
import { recordingRunner } from "../../src/util/run.js";
import { createFakeAzlin, type FakeAzlin, type FakeAzlinOptions } from "./fake-azlin.js";
import { cleanup, makeRepo, tempDir } from "./repo.js";
import type { SshServer } from "./sshd.js";

export function azlinModes(sshd: SshServer | null) {
  return [
    { mode: "direct", ssh: null, skip: false },
    { mode: "ssh", ssh: sshd, skip: !sshd },
  ];
}

/** Call inside a describe block: registers cleanup and returns the per-test setup. */
export function useAzlinRuns(
  mode: { ssh: SshServer | null; skip: boolean },
  options: { user?: string } = {},
) {
  const fakes: FakeAzlin[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const f of fakes.splice(0)) await f.cleanup();
    cleanup(...dirs.splice(0));
  });
  const test = mode.skip ? it.skip : it;

  async function setup(env: NodeJS.ProcessEnv = {}, fakeOptions: Omit<FakeAzlinOptions, "ssh"> = {}) {
    const fake = await createFakeAzlin({ ...fakeOptions, ssh: mode.ssh });
    fakes.push(fake);
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    const recorded = recordingRunner();
    /** Fresh deps over the same fake and state, as another process would build them. */
    const makeDeps = (): WorkflowDeps => {
      const target = new AzlinTarget({
        runner: recorded.runner,
        env: { ...fake.env, AMPLIHACK_REMOTE_RG: "amplihack-test-rg" },
        user: options.user ?? "e2e",
        transfer: { minDelayMs: 20 },
      });
      return {
        runner: recorded.runner,
        store: new StateStore(join(state, "state.json")),
        target: (name) =>
          name === "azlin" ? target : createTarget(name, { runner: recorded.runner, stateDir: state }),
        env: { ...process.env, ...env },
        cwd: repo,
        scanCacheDir: join(state, "scan-cache"),
        pollSeconds: 0.2,
      };
    };
    return { fake, repo, state, deps: makeDeps(), makeDeps, calls: recorded.calls };
  }
  return { test, setup };
}
