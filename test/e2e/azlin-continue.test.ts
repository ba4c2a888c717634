/**
 * `continue RUN` against the fake azlin through the real CLI (directly, and across a real sshd):
 * on RUN's kept VM the new run goes to that very VM and the agent's session carries over there;
 * when RUN's VM was deleted, a fresh VM starts from RUN's result commits.
 */
import { afterAll, describe, expect } from "vitest";
import { azlinModes, useAzlinRuns } from "../support/azlin-run.js";
import { runCli } from "../support/cli.js";
import { cliEnvFor } from "../support/fault-support.js";
import { RECORDING_AGENT } from "../support/local-run.js";
import { git } from "../support/repo.js";
import { sshdForTests } from "../support/sshd.js";

const sshd = await sshdForTests();
afterAll(async () => {
  await sshd?.stop();
});

const KEY = `sk-ant-api03-cont${"Q".repeat(40)}`;
const AGENT = ["--target", "azlin", "--agent-command", RECORDING_AGENT];

interface Summary {
  runId: string;
  status: string;
  vm: string;
  release: { deleted: boolean; kept: boolean };
}

describe.each(azlinModes(sshd))("continue RUN on the azlin target ($mode)", (mode) => {
  const { test, setup } = useAzlinRuns(mode);

  async function withCli() {
    const s = await setup({ ANTHROPIC_API_KEY: KEY });
    const env = cliEnvFor(s, { ANTHROPIC_API_KEY: KEY });
    const cli = async (...args: string[]) => {
      const r = await runCli(args, { cwd: s.repo, env });
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const seen = (runId: string) =>
      git(s.repo, "show", `refs/remotes/remote-exec/${runId}/main:.agent-record/env`);
    return { ...s, cli, seen };
  }

  test("on RUN's kept VM: the same VM, RUN's result, RUN's session", async () => {
    const s = await withCli();
    const parent = (await s.cli("exec", ...AGENT, "--keep-vm", "--json", "auto", "session one")) as Summary;
    expect(parent.release).toMatchObject({ kept: true });
    const out = (await s.cli("continue", parent.runId, "session two", ...AGENT, "--json")) as {
      chain: string[];
      summary: Summary;
    };
    expect(out.chain).toEqual([parent.runId, out.summary.runId]);
    expect(out.summary.status).toBe("succeeded");
    expect(out.summary.vm).toBe(parent.vm); // continued where RUN ran...
    expect(Object.keys(s.fake.state().vms)).toEqual([parent.vm]); // ...and that VM, never deleted, is all there is
    expect(s.fake.argvs().filter((a) => a[0] === "new")).toHaveLength(1);
    expect(git(s.repo, "show", `remote-exec/${out.summary.runId}/main:notes.txt`)).toBe(
      "session one\nsession two\n",
    );
    const seen = s.seen(out.summary.runId);
    expect(seen).toContain(`continued_from=${parent.runId}`);
    expect(seen).toContain("session_kept=1");
    expect(seen).toContain(`{"run":"${parent.runId}"}`);
  });

  test("RUN's VM deleted: a fresh VM starts from RUN's result commits, no session to resume", async () => {
    const s = await withCli();
    const parent = (await s.cli("exec", ...AGENT, "--json", "auto", "session one")) as Summary;
    expect(parent.release).toMatchObject({ deleted: true });
    const out = (await s.cli("continue", parent.runId, "session two", ...AGENT, "--json")) as {
      summary: Summary;
    };
    expect(out.summary.status).toBe("succeeded");
    expect(out.summary.vm).not.toBe(parent.vm);
    expect(s.fake.state().vms).toEqual({});
    expect(git(s.repo, "show", `remote-exec/${out.summary.runId}/main:notes.txt`)).toBe(
      "session one\nsession two\n",
    );
    const seen = s.seen(out.summary.runId);
    expect(seen).toContain(`continued_from=${parent.runId}`);
    expect(seen).toContain("session_kept=0");
    // The credential travelled on stdin only, as for any run.
    expect(JSON.stringify(s.fake.argvLog())).not.toContain(KEY);
  });
});
