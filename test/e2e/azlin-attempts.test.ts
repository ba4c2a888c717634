/**
 * Best of N against the fake azlin through the real CLI: three attempts on machines shared by
 * capacity (Standard_D4s_v3 holds two runs), one package uploaded once per machine, every attempt
 * home under its own ref with its --check exit code, and every VM the attempts created deleted.
 */
import { afterAll, describe, expect } from "vitest";
import { azlinModes, useAzlinRuns } from "../support/azlin-run.js";
import { runCli } from "../support/cli.js";
import { cliEnvFor } from "../support/fault-support.js";
import { RECORDING_AGENT } from "../support/local-run.js";
import { cleanup, git, tempDir } from "../support/repo.js";
import { sshdForTests } from "../support/sshd.js";

const sshd = await sshdForTests();
const tickets: string[] = [];
afterAll(async () => {
  await sshd?.stop();
  cleanup(...tickets);
});

const KEY = `sk-ant-api03-best${"Q".repeat(40)}`;
const CHECK = "test $(( $(cat attempt.txt) % 2 )) -eq 1";

// Direct mode: the attempts' ticket directory must be writable by the VMs' user, which it is only
// when the fake's VMs run as this user.
describe.each(azlinModes(sshd).filter((m) => !m.ssh))(
  "exec --attempts on the azlin target ($mode)",
  (mode) => {
    const { test, setup } = useAzlinRuns(mode);

    test("three attempts on shared VMs: each home with its check, VMs deleted, the key on no command line", async () => {
      const s = await setup({ ANTHROPIC_API_KEY: KEY });
      const dir = tempDir("ar-tickets-");
      tickets.push(dir);
      const r = await runCli(
        [
          "exec",
          "--target",
          "azlin",
          "--vm-size",
          "Standard_D4s_v3",
          "--agent-command",
          RECORDING_AGENT,
          "--attempts",
          "3",
          "--check",
          CHECK,
          "--json",
          "auto",
          `ticket ${dir}`,
        ],
        { cwd: s.repo, env: cliEnvFor(s, { ANTHROPIC_API_KEY: KEY }) },
      );
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as {
        attempts: { rows: { runId: string; status: string; checkExitCode: number | null; refs: string[] }[] };
        summaries: { runId: string; vm: string }[];
      };
      const rows = out.attempts.rows;
      expect(rows.map((x) => x.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
      for (const row of rows) {
        const ticket = Number(git(s.repo, "show", `${row.refs[0]}:attempt.txt`).trim());
        expect(row.checkExitCode).toBe(ticket % 2 === 1 ? 0 : 1);
      }
      // Shared by capacity: two runs fit one D4s_v3, so three attempts made two VMs, each sent the package once.
      const vms = new Set(out.summaries.map((x) => x.vm));
      expect(vms.size).toBe(2);
      expect(s.fake.argvs().filter((a) => a[0] === "new")).toHaveLength(2);
      expect(
        s.fake.argvs().filter((a) => a[0] === "cp" && a.some((w) => w.endsWith("context.tar.gz"))),
      ).toHaveLength(2);
      expect(s.fake.state().vms).toEqual({});
      expect(JSON.stringify(s.fake.argvLog())).not.toContain(KEY);
    });
  },
);
