/**
 * The baseline: after a user reviewed today's findings, record them in the allow file at the
 * repository root so that only new findings block. The entries name path, rule and fingerprint,
 * never a value; the user commits the file like any other reviewed change.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { ALLOWLIST_FILE, withAccepted } from "../secrets/allowlist.js";
import type { Finding } from "../secrets/types.js";
import { RemoteError } from "../util/errors.js";

export interface Accepted {
  /** The allow file written (absolute path). */
  file: string;
  /** Findings newly recorded (already-recorded fingerprints are not repeated). */
  added: number;
}

export async function acceptFindings(
  root: string,
  findings: readonly Finding[],
  now = new Date(),
): Promise<Accepted> {
  const file = join(root, ALLOWLIST_FILE);
  let before = "";
  try {
    before = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw unwritable(file, err);
  }
  const { content, added } = withAccepted(before, findings, now);
  if (added === 0) return { file, added };
  try {
    await writeFileAtomic(file, content);
  } catch (err) {
    throw unwritable(file, err);
  }
  return { file, added };
}

function unwritable(file: string, cause: unknown): RemoteError {
  return new RemoteError(
    "usage",
    `Could not update ${file} to accept the findings.`,
    "Check that the repository root is writable and the file is a regular file, then run the scan with --accept again.",
    { cause },
  );
}
