/**
 * What azlin prints is shown to users only after this: ANSI colours and OSC title sequences
 * removed (azlin emits both even without a terminal), blank lines dropped, length bounded.
 */
import { stripVTControlCharacters } from "node:util";

/** OSC sequences (window titles): ESC ] ... BEL or ESC \. Node's stripper leaves their text. */
const OSC = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g;

export function stripTerminalCodes(text: string): string {
  return stripVTControlCharacters(text.replace(OSC, "")).replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "");
}

export function cleanAzlinText(text: string, maxLines = 20): string {
  const lines = stripTerminalCodes(text)
    .replace(/\r/g, "")
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim().length > 0);
  if (lines.length <= maxLines) return lines.join("\n");
  return [...lines.slice(0, maxLines), `… (${lines.length - maxLines} more lines)`].join("\n");
}

/** The first meaningful line, without azlin's "Error: " prefix. */
export function firstAzlinLine(text: string): string {
  const first = cleanAzlinText(text, 1).split("\n")[0] ?? "";
  return first.replace(/^Error:\s*/, "");
}
