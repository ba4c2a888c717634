/**
 * Running commands and moving files on an azlin VM, through the fake in both modes: quoting that
 * survives ssh byte for byte, stdin for secrets (never argv, never sshd's log), verified and
 * retried transfers, and clear errors when ssh or scp fail for good.
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AzlinMachine, remoteCommand } from "../../src/targets/azlin/machine.js";
import { createFakeAzlin, type FakeAzlin } from "../support/fake-azlin.js";
import { sshdForTests } from "../support/sshd.js";
import { rejected, subcommands, targetFor } from "./azlin-scenarios.js";

const sshd = await sshdForTests();
afterAll(async () => {
  await sshd?.stop();
});

/** Quotes of every kind, $() and backticks (some meant to run, some not), newlines, non-ASCII. */
const NASTY_SCRIPT = [
  `printf '%s\\n' "it's" 'say "hi"' '$(not run)' "\`echo not run either\`" "$(echo ran)" "\`echo ran too\`"`,
  "printf '%s\\n' 'ünïcödé ✓ 日本語 🚀' \"tab\there\" 'back\\slash'",
  "cat <<'EOF'",
  `heredoc with 'single' "double" $HOME \`x\` \\n`,
  "EOF",
  "echo 'to stderr' >&2",
  "exit 42",
].join("\n");

const modes = [
  { mode: "direct", ssh: null, skip: false },
  { mode: "ssh", ssh: sshd, skip: !sshd },
];

describe.each(modes)("azlin machine ($mode)", ({ ssh, skip }) => {
  let fake: FakeAzlin;
  let machine: AzlinMachine;
  let work: string;
  beforeEach(async () => {
    if (skip) return;
    fake = await createFakeAzlin({ ssh });
    fake.addVm({ name: "box-1" });
    machine = targetFor(fake).machine("box-1");
    work = mkdtempSync(join(tmpdir(), "azlin-machine-"));
  });
  afterEach(async () => {
    await fake?.cleanup();
  });
  const test = skip ? it.skip : it;

  test("exec returns byte-exact output of a script full of quotes, $(), backticks, newlines and non-ASCII", async () => {
    const expected = execFileSync("bash", ["-c", NASTY_SCRIPT.replace("exit 42", "exit 0")], {
      cwd: work,
      encoding: "utf8",
    });
    const r = await machine.exec(NASTY_SCRIPT);
    expect(r.exitCode).toBe(42);
    expect(r.stdout).toBe(expected);
    expect(r.stderr).toBe("to stderr\n");
    // One word after `--`; sshd saw exactly the bash -c command with the script quoted once.
    const connect = fake.argvs().find((a) => a[0] === "connect");
    expect(connect?.slice(connect.indexOf("--") + 1)).toHaveLength(1);
    if (ssh) {
      // sshd logs the command's first line with backslashes doubled (strnvis).
      const firstLine = remoteCommand(NASTY_SCRIPT).split("\n")[0].replaceAll("\\", "\\\\");
      expect(ssh.commandsSeen()).toContain(firstLine);
    }
  });

  test("exec runs in the VM's home", async () => {
    const r = await machine.exec('pwd; echo "$HOME"');
    expect(r.stdout).toBe(`${fake.vmHome("box-1")}\n${fake.vmHome("box-1")}\n`);
  });

  test("stdin input reaches the script and a secret appears on no command line and in no log", async () => {
    const secret = `sk-ant-api03-${randomBytes(24).toString("hex")}`;
    const r = await machine.exec(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${#key} is bash's string length
      'IFS= read -r key; printf "%s" "$key" | sha256sum | cut -c1-64; echo "len=${#key}"',
      {
        input: `${secret}\n`,
      },
    );
    const sha = execFileSync("sha256sum", { input: secret, encoding: "utf8" }).slice(0, 64);
    expect(r.stdout).toBe(`${sha}\nlen=${secret.length}\n`);
    expect(readFileSync(join(fake.stateDir, "argv.log"), "utf8")).not.toContain(secret);
    if (ssh) {
      expect(ssh.log()).not.toContain(secret);
      expect(ssh.log()).not.toContain(secret.slice(-16));
    }
  });

  test("upload and download a file with spaces in its paths, verified on both ends", async () => {
    const local = join(work, "my file (v1).txt");
    const content = `héllo ${"x".repeat(70_000)}\n`;
    writeFileSync(local, content);
    await machine.upload(local, ".amplihack-remote/runs/r 1/it's here.txt");
    expect(readFileSync(join(fake.vmHome("box-1"), ".amplihack-remote/runs/r 1/it's here.txt"), "utf8")).toBe(
      content,
    );
    const back = join(work, "back dir", "got it.txt");
    await machine.download(".amplihack-remote/runs/r 1/it's here.txt", back);
    expect(readFileSync(back, "utf8")).toBe(content);
    // scp only ever saw plain names (the upload's in the home, the staged download's in our
    // transfer directory), with absolute local paths.
    for (const a of fake.argvs().filter((x) => x[0] === "cp")) {
      expect(
        a
          .slice(1, 3)
          .some((p) =>
            /^box-1:(?:\.amplihack-remote-upload-|\.amplihack-remote\/transfer\/)[0-9a-f-]+\.part$/.test(p),
          ),
      ).toBe(true);
      expect(a.slice(1, 3).some((p) => p.startsWith("/"))).toBe(true);
    }
    // No temporary files are left behind on either side.
    expect(execFileSync("ls", ["-A", fake.vmHome("box-1")], { encoding: "utf8" })).not.toContain(".part");
    expect(
      execFileSync("ls", ["-A", join(fake.vmHome("box-1"), ".amplihack-remote/transfer")], {
        encoding: "utf8",
      }),
    ).toBe("");
    expect(execFileSync("ls", ["-A", join(work, "back dir")], { encoding: "utf8" })).toBe("got it.txt\n");
  });

  test("stream hands on each line as it is printed, returns the exit code, and throws when ssh drops", async () => {
    const lines: string[] = [];
    const r = await machine.stream(
      "printf 'one\\ntwo\\n'; sleep 0.2; printf 'three\\npartial'; exit 4",
      (l) => lines.push(l),
    );
    expect(lines).toEqual(["one", "two", "three"]);
    expect(r.exitCode).toBe(4);
    fake.setFaults("connect:drop:1000");
    const seen: string[] = [];
    const e = await rejected(machine.stream("sleep 30; echo after", (l) => seen.push(l)));
    expect(e.code).toBe("azlin-ssh");
    expect(seen).toEqual([]);
  });

  test("a plain path is downloaded in place: one connection to checksum it, one copy, nothing staged", async () => {
    const remote = ".amplihack-remote/runs/r2/results.tar.gz";
    mkdirSync(join(fake.vmHome("box-1"), ".amplihack-remote/runs/r2"), { recursive: true });
    writeFileSync(join(fake.vmHome("box-1"), remote), "results\n");
    const before = fake.argvs().length;
    await machine.download(remote, join(work, "results.tar.gz"));
    expect(readFileSync(join(work, "results.tar.gz"), "utf8")).toBe("results\n");
    expect(
      fake
        .argvs()
        .slice(before)
        .map((a) => a[0]),
    ).toEqual(["connect", "cp"]);
  });

  test("a file that already arrived (the watcher's results) is served without a call; one that does not match its checksum is copied", async () => {
    const remote = ".amplihack-remote/runs/r3/results.tar.gz";
    mkdirSync(join(fake.vmHome("box-1"), ".amplihack-remote/runs/r3"), { recursive: true });
    writeFileSync(join(fake.vmHome("box-1"), remote), "the real results\n");
    const sha = createHash("sha256").update("the real results\n").digest("hex");
    machine.rememberChecksum(remote, sha);
    machine.rememberDownload(remote, Buffer.from("the real results\n"));
    const before = fake.argvs().length;
    await machine.download(remote, join(work, "streamed.tar.gz"));
    expect(readFileSync(join(work, "streamed.tar.gz"), "utf8")).toBe("the real results\n");
    expect(fake.argvs().length).toBe(before);
    // Served once; and bytes that are not the ones the machine vouched for are never used.
    machine.rememberDownload(remote, Buffer.from("tampered\n"));
    await machine.download(remote, join(work, "copied.tar.gz"));
    expect(readFileSync(join(work, "copied.tar.gz"), "utf8")).toBe("the real results\n");
    expect(subcommands(fake).slice(before)).toEqual(["cp"]);
  });

  test("a transient cp failure is retried and the upload succeeds", async () => {
    fake.setFaults("cp:transient:1");
    const local = join(work, "a.txt");
    writeFileSync(local, "a\n");
    await machine.upload(local, "a.txt");
    expect(readFileSync(join(fake.vmHome("box-1"), "a.txt"), "utf8")).toBe("a\n");
    expect(subcommands(fake).filter((s) => s === "cp")).toHaveLength(2);
  });

  test("a corrupted copy is caught by the checksum and sent again", async () => {
    fake.setFaults("cp:corrupt:1");
    const local = join(work, "c.txt");
    writeFileSync(local, "c\n");
    await machine.upload(local, "c.txt");
    expect(readFileSync(join(fake.vmHome("box-1"), "c.txt"), "utf8")).toBe("c\n");
    fake.setFaults("cp:corrupt");
    writeFileSync(join(fake.vmHome("box-1"), "d.txt"), "d\n");
    const e = await rejected(machine.download("d.txt", join(work, "d.txt")));
    expect(e.code).toBe("transfer-failed");
    expect(e.message).toContain("does not match");
    expect(existsSync(join(work, "d.txt"))).toBe(false);
  });

  test("a permanent cp failure gives a clear error after 3 attempts", async () => {
    fake.setFaults("cp:fail");
    const local = join(work, "b.txt");
    writeFileSync(local, "b\n");
    const e = await rejected(machine.upload(local, "b.txt"));
    expect(e.code).toBe("transfer-failed");
    expect(e.message).toMatch(/^Uploading .*b\.txt to box-1:b\.txt failed after 3 attempt\(s\): /);
    expect(e.message).toContain("scp failed");
    expect(subcommands(fake).filter((s) => s === "cp")).toHaveLength(3);
  });

  test("downloading a file that is not there says so, without retrying", async () => {
    const e = await rejected(machine.download("nope/missing.tar.gz", join(work, "m")));
    expect(e.code).toBe("transfer-failed");
    expect(e.message).toContain("nope/missing.tar.gz");
    expect(subcommands(fake)).not.toContain("cp");
  });

  test("ssh failing (255) in exec is an azlin-ssh error, not an exit code", async () => {
    fake.setFaults("connect:ssh255-after:2");
    expect((await machine.exec("exit 0")).exitCode).toBe(0);
    const e = await rejected(machine.exec("exit 0"));
    expect(e.code).toBe("azlin-ssh");
    expect(e.message).toContain("box-1");
    expect(e.remedy).toMatch(/azlin/);
  });
});
