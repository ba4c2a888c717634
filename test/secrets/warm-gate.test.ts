/**
 * What a repeat gate costs when nothing moved: no walk of the history and no blob read, only the
 * look at where the tips are.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runSecretGate } from "../../src/package/secret-gate.js";
import { recordingRunner } from "../../src/util/run.js";
import { cleanup, commitFile, git, tempDir, write } from "../support/repo.js";

const REVS = ["--branches", "--tags", "HEAD"];
const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

describe("a repeat gate", () => {
  it("starts one git process when no tip moved, and lists only new objects after a commit", async () => {
    const repo = tempDir("ar-warm-");
    const cacheDir = mkdtempSync(join(tmpdir(), "ar-warm-cache-"));
    dirs.push(repo, cacheDir);
    git(repo, "init", "-q", "-b", "main");
    write(repo, "a.txt", "const apiKey = readKey();\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "init");
    await runSecretGate({ repo, revs: REVS, files: [], cacheDir });

    const warm = recordingRunner();
    const report = await runSecretGate({ repo, revs: REVS, files: [], cacheDir, stream: warm.stream });
    expect(report.stats).toMatchObject({ blobsScanned: 0, blobsBehindJudgedTips: 1 });
    // One process: where the refs and HEAD point.
    expect(warm.calls.map((c) => c.args.join(" "))).toEqual(["show-ref --head"]);

    commitFile(repo, "b.txt", "more\n");
    const next = recordingRunner();
    const after = await runSecretGate({ repo, revs: REVS, files: [], cacheDir, stream: next.stream });
    expect(after.stats).toMatchObject({ blobsScanned: 1, blobsBehindJudgedTips: 1 });
    expect(next.calls.map((c) => c.args.join(" "))).toContain("cat-file --batch");
  });
});
