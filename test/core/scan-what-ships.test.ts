/**
 * `scan` and a run judge the same set: the package stage's shipment plan, through the same gate.
 * One repository holds a modified tracked file, an untracked excluded credential file, an ignored
 * file, and a .claude file, each with a key; `scan --json` (the real CLI) and the package stage
 * must block on exactly the same findings, and neither may change the user's repository.
 */
import { afterAll, describe, expect, it } from "vitest";
import { agentInvocation } from "../../src/core/agent-invocation.js";
import { runOptionsSchema } from "../../src/core/options.js";
import { createGit } from "../../src/git/git.js";
import { readRepoFacts } from "../../src/git/repo-facts.js";
import { buildContext } from "../../src/package/build-context.js";
import type { Finding } from "../../src/secrets/types.js";
import { scanCacheDir } from "../../src/state/paths.js";
import { RemoteError } from "../../src/util/errors.js";
import { runCli } from "../support/cli.js";
import { cleanup, makeRepo, tempDir, userStateHash, write } from "../support/repo.js";
import { TEST_TIMEOUT_MS } from "../support/waits.js";

const dirs: string[] = [];
afterAll(() => cleanup(...dirs));

const key = (n: number) => `AKIA${"Q7XK2M9PLW3RTZ5V".slice(0, 16 - String(n).length)}${n}`;
const verdict = (f: Pick<Finding, "path" | "rule" | "fingerprint" | "commit" | "severity">) =>
  `${f.path} ${f.rule} ${f.fingerprint} ${f.commit ?? "uncommitted"} ${f.severity ?? "block"}`;

describe("scan and the package stage", () => {
  it(
    "judge the same files and blobs, with the same verdicts",
    async () => {
      const repo = makeRepo();
      const state = tempDir("ar-state-");
      dirs.push(repo, state);
      write(repo, "src/app.txt", `export AWS_ACCESS_KEY_ID=${key(1)}\n`); // modified, tracked
      write(repo, "config/.env", `AWS_ACCESS_KEY_ID=${key(2)}\n`); // untracked, excluded
      write(repo, "ignored.txt", `AWS_ACCESS_KEY_ID=${key(3)}\n`); // ignored: not uncommitted work
      write(repo, ".claude/settings.local.json", `{ "env": { "AWS_ACCESS_KEY_ID": "${key(4)}" } }\n`);
      const before = userStateHash(repo);

      const cli = await runCli(["scan", "--json"], { cwd: repo, env: { AMPLIHACK_REMOTE_STATE_DIR: state } });
      expect(cli.code, cli.stderr).toBe(3);
      const scanned = (JSON.parse(cli.stdout) as { findings: Finding[] }).findings.map(verdict).sort();

      const options = runOptionsSchema.parse({ command: "auto", prompt: "go", target: "local" });
      const packaged = await buildContext({
        git: createGit(repo),
        facts: await readRepoFacts(repo),
        runId: "20261202-000000-same",
        options,
        agent: {
          argv: agentInvocation({ command: "auto", prompt: "go", maxTurns: 10 }).argv,
          ensureTooling: false,
        },
        cwd: repo,
        cacheDir: scanCacheDir(state),
      }).then(
        () => [],
        (err: unknown) => {
          expect(err).toBeInstanceOf(RemoteError);
          expect((err as RemoteError).code).toBe("secret-found");
          return ((err as RemoteError).details.findings as Finding[]).map(verdict).sort();
        },
      );

      expect(packaged).toEqual(scanned);
      const paths = new Set(scanned.map((v) => v.split(" ")[0]));
      expect(paths).toEqual(new Set(["src/app.txt", ".claude/settings.local.json"]));
      expect(scanned).toHaveLength(2);
      // A finding in uncommitted work is shown as a file to fix, not a commit to rewrite.
      expect(scanned.every((v) => v.includes(" uncommitted "))).toBe(true);
      expect(userStateHash(repo)).toBe(before);
    },
    TEST_TIMEOUT_MS,
  );
});
