/**
 * POSIX single-quote quoting: the one way we put a value into a shell command string. Everything
 * between single quotes is literal, and a single quote is written as '\''.
 */
export function shellQuote(value: string): string {
  if (value !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
