/**
 * Where a file shows an example, so what is there is documentation wherever the file sits
 * (severity.ts): an interactive session, an example in an API description, a page of a docs site,
 * a comment labelled as an example; and what is test code or generated there (a Rust file's
 * `#[cfg(test)]` items, a lock file's digests).
 *
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

/**
 * An API description's example: a YAML or pretty-printed JSON line under an `example`, `examples`,
 * `x-example(s)` or `description` key (the key's own line included), by indentation. OpenAPI
 * documents fill them with made-up credentials: Okta's management API spec holds 196 client
 * secrets, session tokens and shared secrets in `components.examples`, up to 24,000 lines below
 * that key, so the file is read once, top to bottom, with a stack of the open keys, rather than
 * walked up from each match. A `description` is the document's prose (Okta's shows a client secret
 * in a code block there).
 */
const EXAMPLE_KEY = /^\s*(?:-\s+)?["']?(?:(?:x-)?examples?|description)["']?\s*:/;
const DESCRIBED = /\.(?:ya?ml|json)$/i;

/** Whether a file at `path` is read for API-description examples (YAML or JSON). */
export function readsAsDescription(path: string): boolean {
  return DESCRIBED.test(path);
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** For each 1-based line of a YAML or JSON file, whether it sits in an example (index 0 unused). */
export function describedExampleLines(lines: readonly string[], path: string): Uint8Array {
  const marks = new Uint8Array(lines.length + 1);
  if (!readsAsDescription(path)) return marks;
  // Open keys: their indentation, and whether they or one above them is an example key.
  const open: { indent: number; example: boolean }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const trimmed = text.trim();
    if (trimmed === "" || trimmed.startsWith("#")) {
      marks[i + 1] = open.at(-1)?.example ? 1 : 0;
      continue;
    }
    const indent = indentOf(text);
    while (open.length > 0 && open.at(-1)!.indent >= indent) open.pop();
    const example = (open.at(-1)?.example ?? false) || EXAMPLE_KEY.test(text);
    open.push({ indent, example });
    marks[i + 1] = example ? 1 : 0;
  }
  return marks;
}

/**
 * Rust's unit tests live in the library file itself, in an item under `#[cfg(test)]` (by
 * convention `mod tests { … }` at the end), where they sign and check sample tokens:
 * Keats/jsonwebtoken's `src/lib.rs` holds eight example JWTs there over 83 versions. Such lines are
 * test code wherever the file sits. The item runs from the attribute to the brace that closes it
 * (or to its `;`), counted outside line comments; a brace inside a string literal is rare in tests
 * and at worst ends the marking early or carries it to the end of the file.
 */
const RUST_TEST_ATTRIBUTE = /^\s*#\[cfg\(test\)\]/;

/** For each 1-based line of a Rust file, whether it sits in a `#[cfg(test)]` item (index 0 unused). */
export function rustTestLines(lines: readonly string[], path: string): Uint8Array {
  const marks = new Uint8Array(lines.length + 1);
  if (!path.endsWith(".rs")) return marks;
  for (let i = 0; i < lines.length; i++) {
    if (!RUST_TEST_ATTRIBUTE.test(lines[i]!)) continue;
    let depth = 0;
    let opened = false;
    let j = i;
    for (; j < lines.length; j++) {
      marks[j + 1] = 1;
      const line = j === i ? lines[j]!.replace(RUST_TEST_ATTRIBUTE, "") : lines[j]!;
      const code = line.replace(/\/\/.*$/, "");
      for (const ch of code) {
        if (ch === "{") {
          depth++;
          opened = true;
        } else if (ch === "}") depth--;
      }
      if (opened ? depth <= 0 : code.trimEnd().endsWith(";")) break;
    }
    i = j;
  }
  return marks;
}

/**
 * A page of a documentation site: a Markdown file that opens with front matter (YAML between `---`
 * lines, or Hugo's TOML between `+++`) naming how a site generator lays it out (`layout`,
 * `permalink`, `slug`, `sidebar_position`, `nav_order`, `weight`…) or a post's byline (`author`,
 * `authorName`, `draft`, `categories`: documenso's blog tutorials). Jekyll, Hugo and Docusaurus
 * publish such pages to every reader, often from a `gh-pages` branch's root rather than a `docs/`
 * folder: thephpleague/oauth2-server's guide pages there show its example encryption key in code
 * blocks, 17 versions. A title alone does not make a page (a note-taking tool's notes have titles
 * too); a Markdown file in general is not documentation (severity.ts).
 */
const PAGE_FILE = /\.(?:md|markdown|mdx)$/i;
const FRONT_MATTER_FENCE = /^(?:---|\+\+\+)\s*$/;
const SITE_KEY =
  /^\s*(?:layout|permalink|slug|sidebar_position|sidebar_label|sidebar_order|nav_order|order|parent|grand_parent|weight|menu|has_children|nav_exclude|authors?|author_?name|draft|categories|excerpt|cover_?image)\s*[:=]/i;
/** How far down a page's front matter is looked for its end. */
const MAX_FRONT_MATTER_LINES = 60;

export function isSitePage(lines: readonly string[], path: string): boolean {
  if (!PAGE_FILE.test(path) || !FRONT_MATTER_FENCE.test(lines[0] ?? "")) return false;
  const fence = lines[0]!.trim();
  let laidOut = false;
  for (let i = 1; i < lines.length && i <= MAX_FRONT_MATTER_LINES; i++) {
    if (lines[i]!.trim() === fence) return laidOut;
    if (SITE_KEY.test(lines[i]!)) laidOut = true;
  }
  return false;
}

/**
 * A comment that labels what follows as an example (`Example:`, `e.g.`): doc comments copy
 * providers' API references there. better-auth's Zoom provider documents a field with
 * `(Example: [{ "key": "cbf_…", "name": "A1", "value": "1" }])`, Zoom's own sample, 16 versions.
 */
const COMMENT_LEADER = /^\s*(?:\/\/+|\/?\*+|#+)/;
const EXAMPLE_LABEL = /\bexamples?\s*:|\be\.g\./i;

export function isLabelledExample(line: string): boolean {
  return COMMENT_LEADER.test(line) && EXAMPLE_LABEL.test(line);
}

/**
 * A lock file's digests: a generated file pins each entry with a hash (formbricks' `i18n.lock`
 * maps 16,618 message ids, `auth/…/invalid_or_expired_token`, to 32-hex digests of their text over
 * 433 versions). Only a line whose value is a hex digest, so a registry URL with a password in a
 * `yarn.lock` is judged as anywhere.
 */
const LOCK_FILE = /\.lock$/i;
const DIGEST_LINE = /^\s*[^\s:=][^:=]*[:=]\s*["']?(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})["']?,?\s*$/i;

export function isLockDigest(line: string, path: string): boolean {
  return LOCK_FILE.test(path) && DIGEST_LINE.test(line);
}

/** Whether lines of a file at `path` are in an example (or test code) of any kind; the file is read once. */
export function exampleLines(lines: readonly string[], path: string): (line: number) => boolean {
  let described: Uint8Array | undefined;
  let rustTests: Uint8Array | undefined;
  let page: boolean | undefined;
  return (line) => {
    page ??= isSitePage(lines, path);
    if (page) return true;
    if (isLabelledExample(lines[line - 1] ?? "") || isLockDigest(lines[line - 1] ?? "", path)) return true;
    if (inExampleSession(lines, line)) return true;
    described ??= describedExampleLines(lines, path);
    if (described[line] === 1) return true;
    rustTests ??= rustTestLines(lines, path);
    return rustTests[line] === 1;
  };
}
