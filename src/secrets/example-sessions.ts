/**
 * Interactive sessions shown as examples: a Python prompt (`>>>`), its `...` continuations and the
 * output printed after it, up to a blank line (doctest's own reading of a session). Docstrings and
 * READMEs show credentials there as made-up responses: requests-oauthlib's OAuth1Session docstring
 * prints a keyboard-mashed token secret as the answer of `>>> fetch_access_token(...)`, 378 times
 * over its history. Such a line is documentation wherever the file sits (severity.ts).
 */

/** A comment's leader before a session line in a doc comment: `# `, `// `, `/// `, ` * `. */
const LEADER = /^\s*(?:(?:#|\/\/\/?|\*)\s?)?/;
const PROMPT = />>>(?:\s|$)/y;
/** How far up a session's output is followed; a session's answer is rarely longer. */
const MAX_OUTPUT_LINES = 100;

function afterLeader(line: string): string {
  return line.slice(LEADER.exec(line)?.[0].length ?? 0);
}

/** Whether the 1-based line of `lines` is a prompt, continuation or output line of a session. */
export function inExampleSession(lines: readonly string[], line: number): boolean {
  for (let i = line - 1; i >= 0 && i >= line - 1 - MAX_OUTPUT_LINES; i--) {
    const body = afterLeader(lines[i] ?? "");
    if (body.trim() === "") return false;
    PROMPT.lastIndex = 0;
    if (PROMPT.test(body)) return true;
  }
  return false;
}
