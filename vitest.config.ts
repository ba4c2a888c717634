import { randomBytes } from "node:crypto";
import { defineConfig } from "vitest/config";

/** Made afresh for each run, so no file in the repository (or a copy of it) ever contains it. */
const CANARY = `amplihack-test-canary-${randomBytes(12).toString("hex")}`;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real git, tar, tmux and ssh run inside these tests: give them room on a 2-core machine.
    // A bound, not a margin: tests wait for events (test/support/waits.ts), so a busy machine makes
    // them slower, never red. Keep equal to TEST_TIMEOUT_MS there.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: "forks",
    maxWorkers: 2,
    // Real git runs in every test: a fixed identity, and none of the developer's own git config.
    env: {
      GIT_AUTHOR_NAME: "Test User",
      GIT_AUTHOR_EMAIL: "test@example.invalid",
      GIT_COMMITTER_NAME: "Test User",
      GIT_COMMITTER_EMAIL: "test@example.invalid",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_CONFIG_NOSYSTEM: "1",
      // Code that falls back to the default state directory never writes into the developer's.
      AMPLIHACK_REMOTE_STATE_DIR: "/tmp/amplihack-remote-test-state",
      // The suite-wide secrecy check (test/support/canary.ts): every run forwards this credential,
      // and no file a test leaves behind may contain it.
      ANTHROPIC_API_KEY: CANARY,
      AMPLIHACK_TEST_CANARY: CANARY,
    },
  },
});
