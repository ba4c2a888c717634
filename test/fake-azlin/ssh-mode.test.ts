/**
 * The fake in ssh mode: connect and cp cross a real sshd on 127.0.0.1, as a Unix user per VM whose
 * home is the VM home. Skipped (with the reason printed) where sshd cannot run, except under CI.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFakeAzlin, type FakeAzlin } from "../support/fake-azlin.js";
import { sshdForTests } from "../support/sshd.js";

const sshd = await sshdForTests();
afterAll(async () => {
  await sshd?.stop();
});

describe.skipIf(!sshd)("fake azlin over a real sshd", () => {
  let fake: FakeAzlin;
  beforeEach(async () => {
    fake = await createFakeAzlin({ ssh: sshd });
    fake.addVm({ name: "ssh-vm" });
  });
  afterEach(async () => {
    await fake.cleanup();
  });

  const connect = (words: string[], input?: string) =>
    fake.run(["connect", "ssh-vm", "--no-tmux", "--no-reconnect", "--no-status", "--", ...words], { input });

  it("runs the command as the VM's own user in its home, passing exit codes and stdin", async () => {
    const r = await connect(["echo", "$HOME", "$(id -un);", "pwd;", "cat;", "exit 9"], "piped\n");
    expect(r.exitCode).toBe(9);
    const user = fake.vm("ssh-vm")?.ssh_user;
    expect(user).toMatch(/^azf[0-9a-f]{10}$/);
    expect(r.stdout).toBe(`${fake.vmHome("ssh-vm")} ${user}\n${fake.vmHome("ssh-vm")}\npiped\n`);
    expect(r.stderr).toBe("");
    expect(sshd?.commandsSeen()).toContain("echo $HOME $(id -un); pwd; cat; exit 9");
  });

  it("ssh joins the words: one single-quoted word arrives intact", async () => {
    const r = await connect([`bash -c 'printf "%s|" a "b c"'`]);
    expect(r.stdout).toBe("a|b c|");
  });

  it("cp crosses scp both ways, with spaces in the names", async () => {
    const local = join(fake.root, "with space.txt");
    writeFileSync(local, "über\n");
    const up = await fake.run(["cp", local, "ssh-vm:~/remote name.txt"]);
    expect(up.exitCode).toBe(0);
    const remote = join(fake.vmHome("ssh-vm"), "remote name.txt");
    expect(readFileSync(remote, "utf8")).toBe("über\n");
    expect(statSync(remote).uid).not.toBe(0);
    const back = join(fake.root, "back.txt");
    expect((await fake.run(["cp", "ssh-vm:remote name.txt", back])).exitCode).toBe(0);
    expect(readFileSync(back, "utf8")).toBe("über\n");
  });

  it("a failing scp reports scp's error, then Error: scp failed.", async () => {
    const r = await fake.run(["cp", "ssh-vm:does-not-exist", join(fake.root, "x")]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/does-not-exist[\s\S]*Error: scp failed\.\n$/);
  });

  it("kill removes the VM's user and home", async () => {
    await connect(["true"]);
    const user = fake.vm("ssh-vm")?.ssh_user;
    expect((await fake.run(["kill", "ssh-vm", "--force"])).exitCode).toBe(0);
    expect(readFileSync("/etc/passwd", "utf8")).not.toContain(`${user}:`);
  });
});
