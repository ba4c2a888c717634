/**
 * Text that came from an untrusted machine (branch names, commit subjects, log lines), made safe to
 * show: escape sequences (CSI, OSC, DCS and the other string controls) and C0/C1 control characters
 * are removed, except newline and tab. Without this a commit subject can retitle the terminal,
 * clear the screen or rewrite what the user reads above it.
 */

// ESC [ ... final byte (CSI); ESC ] / P / X / ^ / _ ... terminated by BEL or ST (OSC, DCS, SOS,
// PM, APC); ESC followed by one more character (two-byte sequences); the 8-bit C1 forms of CSI
// (\x9b) and of the string controls (\x90, \x98, \x9d, \x9e, \x9f).
const SEQUENCES =
  /\x1b\[[0-?]*[ -/]*[@-~]?|\x9b[0-?]*[ -/]*[@-~]?|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[\s\S]?/g;
// What is left of C0 (but \t and \n), DEL, C1, and the Unicode line/paragraph separators and
// bidirectional overrides that reorder what a reader sees.
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function sanitizeTerminalText(text: string): string {
  return text.replace(SEQUENCES, "").replace(CONTROLS, "");
}

/** One line of untrusted text: as above, and line breaks and tabs become spaces. */
export function sanitizeLine(text: string): string {
  return sanitizeTerminalText(text).replace(/[\t\n]/g, " ");
}
