// `azlin cp SRC DST`: one file between here and a VM through scp, no -r (reference §3.6).
import { appendFileSync } from "node:fs";
import { Exit, fail, RG_OPTIONS } from "../context.mjs";
import { findVm } from "../state.mjs";
import { cpNeedsTwoArgs, resourceNotFound, scpFailed } from "../texts.mjs";
import { copyWithVm, remoteFile } from "../vm-access.mjs";

export const spec = {
  usage: "azlin cp [OPTIONS] [ARGS]...",
  options: { ...RG_OPTIONS, "--dry-run": { key: "dryRun", flag: true } },
  positionals: [{ name: "ARGS", multiple: true }],
};

/** cmd_sync_ops.rs::is_remote_path, quirks included: `./a:b` is local, `a:b` is remote. */
export function isRemotePath(s) {
  return s.includes(":") && !s.startsWith("/") && s.length > 2 && s[1] !== ":";
}

export async function run(ctx, args) {
  const list = args.ARGS ?? [];
  if (list.length < 2) throw new Exit(1, { stderr: `${cpNeedsTwoArgs}\n` });
  // Only the first and the last argument are used.
  const src = list[0];
  const dst = list[list.length - 1];
  const rg = ctx.azure();
  const srcRemote = isRemotePath(src);
  const dstRemote = isRemotePath(dst);
  const direction =
    srcRemote && !dstRemote
      ? "remote→local"
      : !srcRemote && dstRemote
        ? "local→remote"
        : srcRemote
          ? "remote→remote"
          : "local→local";
  if (ctx.opts.dryRun)
    return new Exit(0, { stdout: `Would copy (${direction}) ${src} -> ${dst} (rg: ${rg})\n` });
  if (direction === "remote→remote" || direction === "local→local")
    throw fail("Error: Use vm_name:path for remote paths.");

  const remote = srcRemote ? src : dst;
  const colon = remote.indexOf(":");
  const vmName = remote.slice(0, colon);
  const remotePath = remote.slice(colon + 1);
  const vm = ctx.faults.has("notfound") ? undefined : findVm(ctx.state(), vmName, rg);
  if (!vm) throw fail(resourceNotFound(vmName, rg));

  process.stdout.write(`Copying (${direction}) ${src} -> ${dst}...\n`);
  const host = vm.public_ip ?? "127.0.0.1";
  if (ctx.faults.has("transient") || ctx.faults.has("fail")) {
    throw fail(`Connection closed by ${host} port 22\nscp: Connection closed\n${scpFailed}`);
  }
  if (vm.power_state !== "Running") {
    throw fail(
      `ssh: connect to host ${host} port 22: Connection timed out\nscp: Connection closed\n${scpFailed}`,
    );
  }
  const result = await copyWithVm(
    ctx.env,
    ctx.paths,
    vm,
    srcRemote ? "down" : "up",
    srcRemote ? dst : src,
    remotePath,
  );
  // scp's own stderr passes through before azlin's verdict.
  if (!result.ok) throw fail(`${result.stderr}${scpFailed}`);
  // corrupt: the copy "succeeds" but a byte too many arrives (what checksums are for).
  if (ctx.faults.has("corrupt"))
    appendFileSync(srcRemote ? dst : remoteFile(ctx.paths, vm.name, remotePath), "X");
  return new Exit(0, { stdout: "Copy complete.\n" });
}
