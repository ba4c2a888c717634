/**
 * What a URL around a password says of it. The URL rules capture only the password; the user before
 * it and the host after it are read here from the match and the text that follows.
 */
import { isRealPassword } from "./placeholders.js";
import type { Verdict } from "./provider-checks.js";
import type { MatchContext } from "./regex-rule.js";

/** `scheme://user:` in a match. */
const USER = /:\/\/([^:/\s@'"\x60]{1,100}):/;

/** The database a URL names: the first path segment after the host (`…@host:5432/knex_test?ssl=1`). */
const DATABASE = /^[^/\s'"\x60]*\/([\w.-]+)/;

/**
 * A password worth reporting: not a placeholder or tutorial default, and not the user name or the
 * database's name again (`postgres://sops:sops@localhost`, `postgres://u:knex_test@db/knex_test`:
 * an account made for a test).
 */
export function isRealUrlPassword(password: string, at: MatchContext): boolean {
  if (!isRealPassword(password)) return false;
  const plain = decode(password);
  const user = USER.exec(at.match)?.[1];
  if (user !== undefined && decode(user) === plain) return false;
  const database = DATABASE.exec(fromHost(at, 300))?.[1];
  return database !== plain;
}

/** `length` characters from the host on: after the match's last `@` (a rule's pattern may run a character into the host). */
function fromHost(at: MatchContext, length: number): string {
  const start = at.end - at.match.length + at.match.lastIndexOf("@") + 1;
  return at.text.slice(start, start + length);
}

/**
 * Loopback hosts: `localhost`, `*.localhost`, 127.0.0.0/8, `[::1]`, `0.0.0.0`; and a Unix socket,
 * an empty host before a path (`@/tmp/mongodb-27017.sock`) or one percent-encoded (`@%2Ftmp%2F…`).
 */
const LOCAL_HOST =
  /^(?:localhost|[\w-]+\.localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|0\.0\.0\.0|%2F.*|)$/i;

/** Whether a URL's host is the machine itself (generic-rule.ts asks it of a link's query, too). */
export function isLocalHost(host: string): boolean {
  return LOCAL_HOST.test(host);
}

/**
 * A password for a service on the machine itself (a local or CI database: mongodb's CI config,
 * `postgresql://postgres:…@localhost:5432`) reaches nothing from anywhere else: reported, not
 * blocking (severity.ts: "invalid" is shaped like a credential but grants nothing where it goes).
 */
export function urlHostVerdict(_password: string, at: MatchContext): Verdict {
  const after = fromHost(at, 200);
  const host = /^(?:\[[^\]\s]*\]|[^:/?#\s'"\x60,;)]*)/.exec(after)![0];
  // An empty host is a socket path only when a path follows: `@/tmp/x.sock`, not `@ ` at a line's end.
  if (host === "" && !after.startsWith("/")) return "unknown";
  return isLocalHost(host) ? "invalid" : "unknown";
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
