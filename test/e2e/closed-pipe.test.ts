/**
 * Issue 12 item 2: `amplihack-remote exec ... | head -1` (or a pager quit early) never stops a
 * run. Through the real CLI and the fake azlin: the reader goes away after one line, the run goes
 * on to its end, the VM it created is deleted, the results land in remote-exec/, and nothing is
 * left under refs/amplihack-remote/ (or any other ref but ours) in the user's repository.
 */
import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { CLI_ENTRY } from "../support/cli.js";
import { createFakeAzlin, type FakeAzlin } from "../support/fake-azlin.js";
import { cliEnvFor } from "../support/fault-support.js";
import { RECORDING_AGENT } from "../support/local-run.js";
import { cleanup, git, makeRepo, tempDir } from "../support/repo.js";

const TSX = import.meta.resolve("tsx");
const fakes: FakeAzlin[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.cleanup();
  cleanup(...dirs.splice(0));
});

/** Runs the CLI in bash with one of its streams piped into `head -1`; the CLI's own exit code. */
function pipedIntoHead(stream: "stdout" | "stderr", cwd: string, env: NodeJS.ProcessEnv) {
  const cli = `node --import ${TSX} ${CLI_ENTRY} exec --target azlin --agent-command ${RECORDING_AGENT} auto "piped task"`;
  const pipe = stream === "stdout" ? `${cli} | head -1` : `${cli} 2>&1 >/dev/null | head -1`;
  return new Promise<{ code: number; head: string }>((resolve) => {
    const child = spawn("bash", ["-c", `${pipe}; echo "cli-exit=\${PIPESTATUS[0]}"`], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.on("close", () => {
      const code = Number(out.match(/cli-exit=(\d+)/)?.[1] ?? -1);
      resolve({ code, head: out.replace(/cli-exit=\d+\n?/, "") });
    });
  });
}

describe("a reader that goes away (closed pipe)", () => {
  it.each(["stdout", "stderr"] as const)(
    "%s piped into head -1: the run ends as usual, VM deleted, results home, no stray ref",
    async (stream) => {
      const fake = await createFakeAzlin();
      fakes.push(fake);
      const repo = makeRepo();
      const state = tempDir("ar-state-");
      dirs.push(repo, state);
      const env = cliEnvFor({ fake, state }, { ANTHROPIC_API_KEY: `sk-ant-api03-pipe${"Q".repeat(40)}` });

      const r = await pipedIntoHead(stream, repo, env);

      // head printed one line and left; the CLI still ended with the run's own outcome.
      expect(r.head.trim().split("\n")).toHaveLength(1);
      expect(r.code).toBe(0);
      expect(fake.state().vms).toEqual({});
      expect(fake.argvs().some((a) => a[0] === "new")).toBe(true);
      expect(fake.argvs().at(-1)?.[0]).toBe("kill");
      expect(git(repo, "log", "--format=%s", "-1", "remote-exec/main").trim()).not.toBe("Initial commit");
      const refs = git(repo, "for-each-ref", "--format=%(refname)").trim().split("\n");
      expect(refs.filter((ref) => !ref.startsWith("refs/remotes/remote-exec/"))).toEqual(["refs/heads/main"]);
      expect(refs.some((ref) => ref.startsWith("refs/amplihack-remote/"))).toBe(false);
    },
    600_000,
  );
});
