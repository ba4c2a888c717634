/**
 * A VM reached through azlin: `exec` is `azlin connect ... -- '<one quoted command>'`, transfers
 * are `azlin cp` with checksums (see transfer.ts).
 */
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import writeFileAtomic from "write-file-atomic";
import type { AzlinClient } from "../../azlin/client.js";
import { RemoteError } from "../../util/errors.js";
import { shellQuote } from "../../util/shell-quote.js";
import type {
  ExecOptions,
  ExecResult,
  Machine,
  StreamExecOptions,
  StreamExecResult,
  UploadOptions,
} from "../types.js";
import { downloadFile, type TransferPolicy, uploadFile } from "./transfer.js";

/**
 * The one word we put after `--`. ssh joins the words after `--` with spaces and the VM's login
 * shell parses the result again, so the script travels single-quoted, once: `bash -c '<script>'`.
 * The login shell starts in the home directory, where every path of ours is relative to.
 */
export function remoteCommand(script: string): string {
  return `bash -c ${shellQuote(script)}`;
}

const sha256Of = (data: Buffer) => createHash("sha256").update(data).digest("hex");

export class AzlinMachine implements Machine {
  readonly target = "azlin" as const;
  /** Checksums the machine reported for its files (rememberChecksum), by remote path. */
  private readonly checksums = new Map<string, string>();
  /** Files that already arrived (rememberDownload), by remote path: served once, then forgotten. */
  private readonly arrived = new Map<string, Buffer>();

  constructor(
    readonly name: string,
    private readonly azlin: AzlinClient,
    private readonly transferPolicy?: Partial<TransferPolicy>,
  ) {}

  get vm(): string {
    return this.name;
  }

  get howToReach(): string {
    return this.azlin.howToReach(this.name);
  }

  /**
   * Runs `script` with bash in the VM's home. `input` reaches the script's stdin (ssh carries it),
   * never a command line. The script's exit code is returned; ssh failing (255) throws azlin-ssh.
   */
  async exec(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (options.signal?.aborted) {
      throw new RemoteError(
        "interrupted",
        `Cancelled before running a command on ${this.name}.`,
        "Run the command again when ready.",
      );
    }
    return this.azlin.connect(this.name, remoteCommand(script), {
      input: options.input,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
  }

  /** One long-lived `azlin connect` whose output lines are handed on as they come. */
  async stream(
    script: string,
    onLine: (line: string) => void,
    options: StreamExecOptions = {},
  ): Promise<StreamExecResult> {
    const r = await this.azlin.connectStream(this.name, remoteCommand(script), onLine, {
      signal: options.signal,
      input: options.input,
    });
    return { exitCode: r.exitCode, stderrTail: r.stderr };
  }

  upload(
    localFile: string,
    remotePath: string,
    signal?: AbortSignal,
    options: UploadOptions = {},
  ): Promise<void> {
    return uploadFile(this, this.azlin, localFile, remotePath, {
      ...this.transferPolicy,
      signal,
      ...options,
    });
  }

  async download(remotePath: string, localFile: string, signal?: AbortSignal): Promise<void> {
    const expectedSha256 = this.checksums.get(remotePath);
    const arrived = this.arrived.get(remotePath);
    this.arrived.delete(remotePath);
    if (arrived && expectedSha256 && sha256Of(arrived) === expectedSha256) {
      await mkdir(dirname(localFile), { recursive: true });
      await writeFileAtomic(localFile, arrived, { mode: 0o600 });
      return;
    }
    return downloadFile(this, this.azlin, remotePath, localFile, {
      ...this.transferPolicy,
      signal,
      expectedSha256,
    });
  }

  rememberChecksum(remotePath: string, sha256: string): void {
    this.checksums.set(remotePath, sha256);
  }

  rememberDownload(remotePath: string, data: Buffer): void {
    this.arrived.set(remotePath, data);
  }
}
