/**
 * One upload per machine for a batch: the first run's start uploads the package, the others link
 * it into their own run directory in their start's own connection (no connection of their own).
 * When the link cannot be made, the start script finds no archive and says checksum mismatch, which
 * is what makes the launch upload afresh. Run on the local target's machine: real bash, real files.
 */
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { agentInvocation } from "../../../src/core/agent-invocation.js";
import { sharedUploads } from "../../../src/core/launch/shared-upload.js";
import { runOptionsSchema } from "../../../src/core/options.js";
import { createProgress } from "../../../src/core/progress.js";
import { createGit } from "../../../src/git/git.js";
import { readRepoFacts } from "../../../src/git/repo-facts.js";
import { buildContext } from "../../../src/package/build-context.js";
import {
  ARCHIVE_NAME,
  incomingArchive,
  runDir,
  START_EXIT,
  startScript,
} from "../../../src/remote/protocol.js";
import { LocalTarget } from "../../../src/targets/local/local-target.js";
import { defaultRunner, type Runner } from "../../../src/util/run.js";
import { cleanup, makeRepo, tempDir } from "../../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

async function setup() {
  const repo = makeRepo();
  const home = tempDir("ar-machine-");
  dirs.push(repo, home);
  const options = runOptionsSchema.parse({ command: "auto", prompt: "go", target: "local" });
  const pkg = await buildContext({
    git: createGit(repo),
    facts: await readRepoFacts(repo),
    runId: "20261202-000000-aaaa",
    options,
    agent: { argv: agentInvocation(options).argv, ensureTooling: false },
    cwd: repo,
  });
  dirs.push(pkg.dir);
  const spawned: string[] = [];
  const recording: Runner = (command, args, opts) => {
    spawned.push(command);
    return defaultRunner(command, args, opts);
  };
  const target = new LocalTarget(home, recording);
  const lease = await target.acquire({ runId: "20261202-000000-aaaa" });
  return { repo, home, pkg, lease, spawned, uploads: sharedUploads(pkg, createGit(repo)) };
}

const sha256 = (file: string) => execFileSync("sha256sum", [file], { encoding: "utf8" }).split(" ")[0];

describe("one upload per machine", () => {
  it("a second run on the machine links the upload in its start's connection, opening none of its own", async () => {
    const { home, pkg, lease, spawned, uploads } = await setup();
    const progress = createProgress(undefined);
    const first = await uploads.deliver(lease, "20261202-000000-aaaa", progress);
    expect(first.prelude).toBeUndefined();
    expect(existsSync(join(home, incomingArchive("20261202-000000-aaaa")))).toBe(true);
    const before = spawned.length;
    const second = await uploads.deliver(lease, "20261202-000000-bbbb", progress);
    expect(spawned.length).toBe(before);
    expect(second).toMatchObject({ runId: "20261202-000000-aaaa", sha256: pkg.archiveSha256 });
    // The link, then the start's own check of what it finds (the part of startScript before it
    // unpacks), in one connection.
    const check = startScript("20261202-000000-bbbb", second.sha256).split("\ntar -xzf")[0];
    const r = await lease.machine.exec(`${second.prelude}\n${check}`);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(sha256(join(home, runDir("20261202-000000-bbbb"), ARCHIVE_NAME))).toBe(pkg.archiveSha256);
  });

  it("when the upload to link is gone, the start says checksum mismatch (so the launch uploads afresh)", async () => {
    const { home, lease, uploads } = await setup();
    const progress = createProgress(undefined);
    await uploads.deliver(lease, "20261202-000000-aaaa", progress);
    rmSync(join(home, incomingArchive("20261202-000000-aaaa")));
    const second = await uploads.deliver(lease, "20261202-000000-cccc", progress);
    const r = await lease.machine.exec(
      `${second.prelude}\n${startScript("20261202-000000-cccc", second.sha256)}`,
    );
    expect(r.exitCode).toBe(START_EXIT.checksumMismatch);
    // Asked again, fresh: this run gets its own upload.
    const fresh = await uploads.deliver(lease, "20261202-000000-cccc", progress, undefined, true);
    expect(fresh.prelude).toBeUndefined();
    expect(existsSync(join(home, incomingArchive("20261202-000000-cccc")))).toBe(true);
  });
});
