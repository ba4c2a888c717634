/**
 * Writes a .tar.gz of files in a directory and returns its sha256 and size, hashed as it is written
 * (never read back). Members already compressed (the git bundle, whose objects are zlib streams)
 * are stored, not deflated again: deflating a bundle costs about as much as making it and saves
 * almost nothing. The file is one tar stream in two gzip members, the deflated files first, then
 * the stored ones: a gzip file is a series of members (RFC 1952), which `tar -xz`, gzip and node's
 * zlib all read as one stream.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import * as tar from "tar";
import { RemoteError } from "../util/errors.js";

/** The two 512-byte zero blocks that end a tar stream (node-tar writes exactly these). */
const TAR_END = 1024;

export interface WrittenArchive {
  sha256: string;
  bytes: number;
}

export async function writeArchive(
  cwd: string,
  members: { deflated: string[]; stored: string[] },
  dest: string,
): Promise<WrittenArchive> {
  const hash = createHash("sha256");
  let bytes = 0;
  const { deflated, stored } = members;
  const pack = (files: string[]) =>
    tar.create({ cwd, portable: true }, files) as unknown as AsyncIterable<Buffer>;
  // Made one after the other, each when the one before is written.
  const parts: (() => AsyncIterable<Buffer>)[] = [];
  if (deflated.length > 0) {
    // The stream goes on in the stored member: the first one's end-of-archive blocks would stop
    // tar there.
    parts.push(() => gzip(stored.length > 0 ? withoutTarEnd(pack(deflated)) : pack(deflated), 1));
  }
  if (stored.length > 0) parts.push(() => gzip(pack(stored), 0));
  await pipeline(async function* () {
    for (const part of parts) {
      for await (const chunk of part()) {
        hash.update(chunk);
        bytes += chunk.length;
        yield chunk;
      }
    }
  }, createWriteStream(dest));
  return { sha256: hash.digest("hex"), bytes };
}

function gzip(source: AsyncIterable<Buffer>, level: number): AsyncIterable<Buffer> {
  const zip = createGzip({ level });
  pipeline(source, zip).catch((err) => zip.destroy(err));
  return zip;
}

/** A tar stream without its end-of-archive blocks, checked to be there (zero bytes). */
async function* withoutTarEnd(pack: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  let held = Buffer.alloc(0);
  for await (const chunk of pack) {
    const all = held.length > 0 ? Buffer.concat([held, chunk]) : chunk;
    if (all.length > TAR_END) yield all.subarray(0, all.length - TAR_END);
    held = Buffer.from(all.subarray(Math.max(0, all.length - TAR_END)));
  }
  if (held.length !== TAR_END || held.some((b) => b !== 0))
    throw new RemoteError(
      "package-failed",
      "Writing the context archive failed: the tar stream did not end with its end-of-archive blocks.",
      "Retry; if it happens again, report it with the version of amplihack-remote.",
    );
}
