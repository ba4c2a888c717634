/**
 * Which ref names from the machine come home, and how one is shown. A name that comes home is
 * printed in commands the user may paste (`git merge remote-exec/<name>`), so only plain names are
 * accepted: letters, digits and `. _ - /`, no component starting with `-` or `.`. Everything else
 * (`$(touch x)`, `;`, backticks, spaces, newlines, quotes) is refused at import and reported, quoted.
 * A plain name is also one git accepts (`git check-ref-format`), checked here rather than by a git
 * process per ref: within these characters git's only further rules are no `..`, no component
 * ending in `.lock` and no `.` at the end.
 */
import { sanitizeLine } from "../util/terminal-text.js";

const PLAIN = /^[A-Za-z0-9_][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;

export function isPlainRefName(name: string): boolean {
  return (
    PLAIN.test(name) &&
    !name.includes("..") &&
    !name.endsWith(".") &&
    !name.split("/").some((part) => part.endsWith(".lock"))
  );
}

/** A ref name from the machine, safe to print: sanitised and in JSON quotes, so nothing is hidden. */
export function showRefName(name: string): string {
  return JSON.stringify(sanitizeLine(name));
}
