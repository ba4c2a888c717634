/**
 * Findings are named by content, not by where the content sits: `<blob id>:<rule>:<line>`. The
 * blob id of a file that ships in the archive is computed the way git would, so the same bytes in
 * history and in `.claude/` share one fingerprint.
 */
import { createHash } from "node:crypto";

export function gitBlobId(content: Uint8Array): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}

export function fingerprintOf(blobId: string, rule: string, line: number): string {
  return `${blobId}:${rule}:${line}`;
}
