/**
 * Extracts an archive that came from a machine we do not fully trust (a VM can be compromised, or
 * an agent can write anything). Only regular files and directories under the destination are
 * accepted: an absolute path, a `..` segment, a link or a device refuses the whole archive.
 */
import { mkdir } from "node:fs/promises";
import * as tar from "tar";
import { RemoteError } from "../util/errors.js";

export async function safeExtract(archive: string, dest: string): Promise<void> {
  const problems: string[] = [];
  // First pass: list and judge every entry before writing anything.
  await tar.list({
    file: archive,
    onReadEntry: (entry) => {
      const reason = unsafeReason(entry.path, entry.type);
      if (reason) problems.push(`${JSON.stringify(entry.path)}: ${reason}`);
    },
  });
  if (problems.length > 0) {
    throw new RemoteError(
      "unsafe-archive",
      `Refused to extract ${problems.length} unsafe entr${problems.length === 1 ? "y" : "ies"} from the results archive: ${problems.slice(0, 5).join("; ")}`,
      "Nothing was extracted. Inspect the machine by hand; it may be compromised.",
    );
  }
  await mkdir(dest, { recursive: true });
  await tar.extract({ file: archive, cwd: dest, preserveOwner: false, noChmod: true, strict: true });
}

export function unsafeReason(path: string, type: string): string | null {
  if (type !== "File" && type !== "OldFile" && type !== "Directory")
    return `entry type ${type} is not allowed`;
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "absolute path";
  if (path.split("/").includes("..")) return "path contains a .. segment";
  if (path.includes("\\")) return "backslash in path";
  return null;
}
