/**
 * Shannon entropy in bits per character. Random tokens score high (base62 of 24 chars: ~4.2),
 * words, identifiers and repeated placeholders score low; gitleaks and detect-secrets use the same
 * measure to tell a secret from a name.
 */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  const n = value.length;
  for (const count of counts.values()) {
    const p = count / n;
    bits -= p * Math.log2(p);
  }
  return bits;
}
