/**
 * Masks credentials in text we show or keep: agent logs, run output, error messages. Every match of
 * our rules is masked, and so is every occurrence of a value we know is secret (the API key we hand
 * to the VM), whatever its shape.
 */
import { MASK, maskValue } from "./mask.js";
import { buildGates } from "./prefilter.js";
import { OWN_RULES } from "./rules.js";

const gates = buildGates(OWN_RULES, []);
const PEM_BLOCK =
  /(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)[\s\S]*?(?:(-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)|$)/g;
/** Shorter known values would mask ordinary words; no credential we forward is this short. */
const MIN_KNOWN_LENGTH = 8;

export function redactText(text: string, knownValues: readonly string[] = []): string {
  let out = text;
  const known = [...new Set(knownValues.filter((v) => v && v.length >= MIN_KNOWN_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  for (const value of known) if (out.includes(value)) out = out.split(value).join(maskValue(value));
  out = out.replace(PEM_BLOCK, (_m, begin: string, end: string | undefined) => `${begin}${MASK}${end ?? ""}`);
  const open = gates.open(gates.prepare(out));
  if (!open) return out;

  const spans: { start: number; end: number; value: string }[] = [];
  for (const i of open.rules) {
    for (const m of OWN_RULES[i]!.find(out))
      spans.push({ start: m.index, end: m.index + m.value.length, value: m.value });
  }
  if (spans.length === 0) return out;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let result = "";
  let at = 0;
  for (const s of spans) {
    if (s.start < at) continue; // overlaps a span already masked
    result += out.slice(at, s.start) + maskValue(s.value);
    at = s.end;
  }
  return result + out.slice(at);
}
