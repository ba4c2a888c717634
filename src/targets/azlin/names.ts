/**
 * VM names we choose ourselves, so the name is known (and recorded) before the long `azlin new`:
 * amplihack-{user}-{YYYYMMDD-HHMMSS}-{4 hex}, within azlin's rule (1-64 of [A-Za-z0-9.-], not
 * starting or ending with '-' or '.').
 */
import { randomBytes } from "node:crypto";
import { userInfo } from "node:os";

const MAX_NAME = 64;
const PREFIX = "amplihack";

/** The user as it may appear in a VM name and a tag: lowercase [a-z0-9-], "user" if nothing is left. */
export function sanitizeUser(raw: string): string {
  const cleaned = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "")
    .replace(/-+/g, "-")
    .replace(/^-+|-+$/g, "");
  return cleaned || "user";
}

/** USER, else the OS account name. */
export function currentUser(env: NodeJS.ProcessEnv = process.env): string {
  let name = env.USER || env.LOGNAME || env.USERNAME || "";
  if (!name) {
    try {
      name = userInfo().username;
    } catch {
      name = "";
    }
  }
  return sanitizeUser(name);
}

function stamp(now: Date): string {
  const iso = now.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, "")}-${iso.slice(11, 19).replace(/:/g, "")}`;
}

export function makeVmName(
  user: string,
  now: Date = new Date(),
  hex: string = randomBytes(2).toString("hex"),
): string {
  const tail = `-${stamp(now)}-${hex}`;
  const room = MAX_NAME - PREFIX.length - 1 - tail.length;
  const who = sanitizeUser(user).slice(0, room).replace(/-+$/, "") || "user";
  return `${PREFIX}-${who}${tail}`;
}

/** azlin's validate_vm_name, for names handed to us (--vm-name) and for our own. */
export function isValidVmName(name: string): boolean {
  return (
    name.length >= 1 && name.length <= MAX_NAME && /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(name)
  );
}
