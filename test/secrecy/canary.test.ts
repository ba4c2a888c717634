/**
 * The suite-wide secrecy check is live: the canary is in every test's environment, runs forward
 * it to their agents, and the sweep that runs before every test directory is deleted finds it
 * when it is on disk.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { assertNoCanary, CANARY } from "../support/canary.js";
import { executeRun, localDeps, localOptions } from "../support/local-run.js";
import { cleanup, makeRepo, tempDir } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

describe("the secrecy canary", () => {
  it("is the credential every test's runs forward", () => {
    expect(CANARY).toMatch(/^amplihack-test-canary-[0-9a-f]{24}$/);
    expect(process.env.ANTHROPIC_API_KEY).toBe(CANARY);
  });

  it("is found when it is written to disk", () => {
    const dir = tempDir("ar-canary-");
    writeFileSync(join(dir, "leak.log"), `key=${CANARY}\n`);
    expect(() => assertNoCanary(dir)).toThrow(/written to disk.*leak\.log/);
    writeFileSync(join(dir, "leak.log"), "clean\n"); // so this test's own cleanup passes
    dirs.push(dir);
  });

  it("reaches the agent of a run, which leaves it nowhere on disk", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    const summary = await executeRun(
      localDeps(repo, state).deps,
      localOptions("leak it: the agent prints its key"),
    );
    expect(summary.status).toBe("succeeded");
    // The agent had the key (it printed it); the log on disk has it redacted.
    expect(readFileSync(join(summary.logsDir!, "agent.log"), "utf8")).toContain("my key is [REDACTED]");
  });
});
