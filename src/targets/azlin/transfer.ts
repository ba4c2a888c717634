/**
 * Files to and from a VM with `azlin cp`, verified by sha256 on both ends and retried when the
 * link hiccups. Remote paths may hold spaces or quotes, which scp handles differently depending on
 * its version (legacy scp lets the remote shell parse them, SFTP mode does not), so scp only ever
 * sees a plain name in our transfer directory; bash moves the file from/to the real path.
 */
import { randomUUID } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import pRetry, { AbortError } from "p-retry";
import type { AzlinClient } from "../../azlin/client.js";
import { AREA } from "../../remote/protocol.js";
import { RemoteError } from "../../util/errors.js";
import { sha256File } from "../../util/hash.js";
import { shellQuote } from "../../util/shell-quote.js";
import type { Machine, UploadOptions } from "../types.js";

export const TRANSFER_DIR = `${AREA}/transfer`;

export interface TransferPolicy {
  /** The file's sha256 as the machine reported it already (downloads of a plain path: no connection to ask). */
  expectedSha256?: string;
  /** Attempts in all (first try included). */
  attempts: number;
  /** Wait before the first retry; doubles after each. */
  minDelayMs: number;
  signal?: AbortSignal;
}

const DEFAULT_POLICY: TransferPolicy = { attempts: 3, minDelayMs: 2_000 };

/** Exit code of the verify script when the checksum differs (a corrupted copy: retried). */
const CHECKSUM_MISMATCH = 20;

/** Errors no retry will fix: stop at once. */
const PERMANENT = new Set([
  "azlin-missing",
  "azlin-auth",
  "azlin-no-rg",
  "azlin-not-found",
  "interrupted",
  "azlin-version",
]);

function retrying<T>(what: string, policy: TransferPolicy, attempt: () => Promise<T>): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await attempt();
      } catch (err) {
        if (policy.signal?.aborted || (err instanceof RemoteError && PERMANENT.has(err.code)))
          throw new AbortError(err as Error);
        throw err;
      }
    },
    { retries: Math.max(0, policy.attempts - 1), minTimeout: policy.minDelayMs, factor: 2, randomize: false },
  ).catch((err) => {
    if (err instanceof RemoteError && PERMANENT.has(err.code)) throw err;
    const cause = err instanceof Error ? err.message : String(err);
    throw new RemoteError(
      "transfer-failed",
      `${what} failed after ${policy.attempts} attempt(s): ${cause}`,
      "Check the VM is running and has disk space (`azlin connect <vm> -- df -h`), then retry.",
      { cause: err },
    );
  });
}

const tempRemoteName = () => `${TRANSFER_DIR}/${randomUUID()}.part`;
/**
 * Where an upload lands before it is verified: a plain name in the home directory, which always
 * exists, so no connection is spent making a directory for it first (every call costs seconds).
 */
const uploadTempName = () => `.amplihack-remote-upload-${randomUUID()}.part`;
/** A path scp takes as it is (no shell or scp metacharacters): downloaded in place, no staged copy. */
const PLAIN_PATH = /^[A-Za-z0-9._/-]+$/;

export async function uploadFile(
  machine: Machine,
  azlin: AzlinClient,
  localFile: string,
  remotePath: string,
  options: Partial<TransferPolicy> & UploadOptions = {},
): Promise<void> {
  const policy = { ...DEFAULT_POLICY, ...options };
  const local = resolve(localFile);
  const what = `Uploading ${local} to ${machine.name}:${remotePath}`;
  if (options.checkedByCaller) {
    // The copy alone, straight to its place: it must then be a plain name in the home directory.
    if (!PLAIN_PATH.test(remotePath) || remotePath.includes("/") || remotePath.startsWith("-"))
      throw new RemoteError(
        "internal",
        `An upload the caller checks goes to a plain name in the home directory, not ${JSON.stringify(remotePath)}.`,
        "This is a bug in amplihack-remote: report it.",
      );
    return retrying(what, policy, () =>
      azlin.copy(local, `${machine.name}:${remotePath}`, machine.name, { signal: policy.signal }),
    );
  }
  const sha = await sha256File(local);
  await retrying(what, policy, async () => {
    const temp = uploadTempName();
    await azlin.copy(local, `${machine.name}:${temp}`, machine.name, { signal: policy.signal });
    const dest = shellQuote(remotePath);
    const verify = await machine.exec(
      [
        `got=$(sha256sum ${temp} | cut -d' ' -f1)`,
        `if [ "$got" != ${sha} ]; then rm -f ${temp}; echo "sha256 mismatch: $got" >&2; exit ${CHECKSUM_MISMATCH}; fi`,
        `mkdir -p -- "$(dirname -- ${dest})" && mv -f -- ${temp} ${dest}`,
      ].join("\n"),
      { signal: policy.signal, timeoutMs: 10 * 60_000 },
    );
    if (verify.exitCode === CHECKSUM_MISMATCH)
      throw new Error(`the copy on the VM does not match (${verify.stderr.trim()})`);
    if (verify.exitCode !== 0)
      throw new Error(`could not move the upload into place: ${verify.stderr.trim()}`);
  });
}

export async function downloadFile(
  machine: Machine,
  azlin: AzlinClient,
  remotePath: string,
  localFile: string,
  options: Partial<TransferPolicy> = {},
): Promise<void> {
  const policy = { ...DEFAULT_POLICY, ...options };
  const local = resolve(localFile);
  // A path scp would mangle is staged under a plain name first (and removed after); a plain one
  // is copied as it is, which saves the staging and the clean-up connections.
  const staged = !PLAIN_PATH.test(remotePath) || remotePath.startsWith("-");
  const temp = staged ? tempRemoteName() : remotePath;
  // A checksum the machine already told us (the watcher's last record) saves the connection that
  // would ask for it; the copy is checked against it all the same.
  const expected =
    !staged && options.expectedSha256
      ? options.expectedSha256
      : await stageForDownload(machine, remotePath, temp, staged, policy);
  await mkdir(dirname(local), { recursive: true });
  const partial = `${local}.part-${randomUUID().slice(0, 8)}`;
  try {
    await retrying(`Downloading ${machine.name}:${remotePath} to ${local}`, policy, async () => {
      await rm(partial, { force: true });
      await azlin.copy(`${machine.name}:${temp}`, partial, machine.name, { signal: policy.signal });
      const got = await sha256File(partial);
      if (got !== expected)
        throw new Error(`the downloaded copy does not match (sha256 ${got}, expected ${expected})`);
    });
    await rename(partial, local);
  } finally {
    await rm(partial, { force: true });
    if (staged) await machine.exec(`rm -f ${temp}`, { timeoutMs: 120_000 }).catch(() => undefined);
  }
}

/** Checks the file is there (staging it under a plain name if scp would mangle its path) and returns its sha256. */
async function stageForDownload(
  machine: Machine,
  remotePath: string,
  temp: string,
  staged: boolean,
  policy: TransferPolicy,
): Promise<string> {
  const src = shellQuote(remotePath);
  // A hard link costs no space; cp when the run directory is on another filesystem.
  const stage = await machine.exec(
    [
      "set -e",
      `if [ ! -f ${src} ]; then echo "no such file: "${src} >&2; exit 2; fi`,
      ...(staged
        ? [`mkdir -p ${TRANSFER_DIR}`, `ln -f -- ${src} ${temp} 2>/dev/null || cp -- ${src} ${temp}`]
        : []),
      `sha256sum -- ${shellQuote(temp)} | cut -d' ' -f1`,
    ].join("\n"),
    { signal: policy.signal, timeoutMs: 10 * 60_000 },
  );
  if (stage.exitCode !== 0) {
    throw new RemoteError(
      "transfer-failed",
      `Could not read ${remotePath} on ${machine.name}: ${stage.stderr.trim() || `exit ${stage.exitCode}`}`,
      `Look on the VM (${machine.howToReach}) for the file.`,
    );
  }
  return stage.stdout.trim().split("\n").pop() ?? "";
}
