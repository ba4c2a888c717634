/** `git log --raw` read as changes, for the history walks (where blobs sit, and under which names). */
import { createInterface } from "node:readline";

/**
 * Every change of every commit: `--root` shows a root commit's files as added, merges are compared
 * with their first parent, and a rename is a deletion and an addition (so the new path shows).
 */
export const RAW_LOG_ARGS = [
  "-c",
  "core.quotePath=off",
  "log",
  "--format=commit %H",
  "--raw",
  "--no-abbrev",
  "--no-renames",
  "--root",
  "--diff-merges=first-parent",
];

export interface RawChange {
  /** The commit that made the change. */
  commit: string;
  newMode: string;
  /** The blob the path holds after the commit; all zeros when the commit deleted it. */
  newOid: string;
  path: string;
}

/** The changes of a RAW_LOG_ARGS log, in its order; stopping early closes the reader. */
export async function* rawChanges(stdout: NodeJS.ReadableStream): AsyncGenerator<RawChange> {
  const lines = createInterface({ input: stdout, crlfDelay: Number.POSITIVE_INFINITY });
  let commit = "";
  try {
    for await (const line of lines) {
      if (line.startsWith("commit ")) commit = line.slice(7);
      else {
        const change = parseRawLine(line, commit);
        if (change) yield change;
      }
    }
  } finally {
    lines.close();
  }
}

/** `:<old mode> <new mode> <old oid> <new oid> <status>\t<path>`; undefined for any other line. */
function parseRawLine(line: string, commit: string): RawChange | undefined {
  if (!line.startsWith(":")) return undefined;
  const tab = line.indexOf("\t");
  if (tab === -1) return undefined;
  const fields = line.slice(1, tab).split(" ");
  const newOid = fields[3];
  if (!newOid) return undefined;
  return { commit, newMode: fields[1] ?? "", newOid, path: unquotePath(line.slice(tab + 1)) };
}

/** A path as git prints it with core.quotePath off: quoted only for control characters and quotes. */
function unquotePath(p: string): string {
  if (!p.startsWith('"') || !p.endsWith('"')) return p;
  return p.slice(1, -1).replace(/\\(["\\tn])/g, (_m, c: string) => ({ t: "\t", n: "\n" })[c] ?? c);
}
