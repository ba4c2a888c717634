// Output helpers shared by the read commands.

/** serde_json without preserve_order: object keys sorted, pretty-printed with 2 spaces. */
export function sortedJson(value) {
  const sort = (v) => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort(v[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sort(value), null, 2);
}

/** RFC 4180 quoting. */
export function csvRow(fields) {
  return fields
    .map((f) => (/[",\n]/.test(String(f)) ? `"${String(f).replaceAll('"', '""')}"` : String(f)))
    .join(",");
}
