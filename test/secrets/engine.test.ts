/**
 * The engine over one text: where a finding is reported, how it is masked, how overlapping rules
 * and secretlint collapse to one finding per secret, and what an inline marker does.
 */
import { describe, expect, it } from "vitest";
import { parseAllowlist } from "../../src/secrets/allowlist.js";
import { decodeUtf8, scanText } from "../../src/secrets/engine.js";
import { shannonEntropy } from "../../src/secrets/entropy.js";
import { gitBlobId } from "../../src/secrets/fingerprint.js";
import { maskValue } from "../../src/secrets/mask.js";
import { compileAutomaton } from "../../src/secrets/prefilter.js";
import { redactText } from "../../src/secrets/redact.js";
import { plantAll, TokenFactory } from "./support/tokens.js";

const t = new TokenFactory(42);

describe("scanText", () => {
  it("reports line and column of the value, one finding per secret", async () => {
    const key = t.githubPat();
    const { findings } = await scanText(`first line\n  token: ${key}\n`, "a.yml");
    expect(findings).toEqual([
      {
        rule: "github-token",
        line: 2,
        column: 10,
        masked: "ghp_****",
        allowedInline: false,
        severity: "block",
        verdict: "valid",
      },
    ]);
  });

  it("finds a secret as an XML element's content, with or without a namespace, and not after an attribute", async () => {
    const value = t.mixed(28);
    for (const xml of [`<password>${value}</password>`, `  <ns:apiKey>${value}</ns:apiKey>`]) {
      const { findings } = await scanText(`${xml}\n`, "conf/settings.xml");
      expect(
        findings.map((f) => f.rule),
        xml,
      ).toEqual(["generic-api-key"]);
    }
    const { findings } = await scanText(`<a href="/x?auth">${value}</a>\n`, "conf/page.html");
    expect(findings).toEqual([]);
  });

  it("keeps the most specific rule when several match the same value", async () => {
    // ANTHROPIC_API_KEY=... is also a generic assignment, and secretlint has an anthropic rule.
    const { findings } = await scanText(`ANTHROPIC_API_KEY=${t.anthropic()}\n`, ".env");
    expect(findings.map((f) => f.rule)).toEqual(["anthropic-api-key"]);
  });

  it("reports a PEM block at its BEGIN line and shows only the header", async () => {
    const text = `x\n-----BEGIN OPENSSH PRIVATE KEY-----\n${t.pemBody(3).join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`;
    const { findings } = await scanText(text, "id_ed25519");
    expect(findings).toMatchObject([
      { rule: "private-key", line: 2, column: 1, masked: "-----BEGIN OPENSSH PRIVATE KEY-----****" },
    ]);
  });

  it("runs secretlint's preset for providers we have no rule of our own for", async () => {
    const gitlab = `glpat-${t.mixed(20)}`;
    const { findings } = await scanText(`GITLAB=${gitlab}\n`, "ci.env");
    expect(findings.map((f) => f.rule)).toEqual(["@secretlint/secretlint-rule-gitlab"]);
    expect(findings[0]!.masked).not.toContain(gitlab.slice(6));
  });

  it("leaves secretlint's O(n²) profiler nothing to record", async () => {
    for (let i = 0; i < 50; i++) await scanText(`GITLAB=glpat-${t.mixed(20)}\n`, `f${i}.env`);
    expect(performance.getEntriesByType("mark").filter((m) => m.name.includes("@core>"))).toEqual([]);
  });

  it("finds every planted secret in one file with distinct lines", async () => {
    const planted = plantAll(t, "env");
    const { findings } = await scanText(planted.content, "all.env");
    expect(findings.map((f) => `${f.line} ${f.rule}`)).toEqual(
      planted.expected.map((e) => `${e.line} ${e.rule}`),
    );
  });

  it("scans only around keywords, at the lines and columns of the whole text", async () => {
    // Between the secrets: long stretches without a keyword, non-ASCII text (a two-byte string
    // when decoded) and CRLF lines; before each secret on its line, characters of 2 and 4 bytes.
    const planted = plantAll(t, "env");
    const filler = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0 ? `prose ünïcödé 🚀 line ${i}\r` : i % 3 === 1 ? "" : "x".repeat(300),
    );
    const wanted = new Map(planted.expected.map((e) => [e.line, e]));
    const lines: string[] = [];
    const expected: string[] = [];
    for (const [i, line] of planted.content.split("\n").slice(0, -1).entries()) {
      const e = wanted.get(i + 1);
      if (!e) {
        lines.push(line);
        continue;
      }
      lines.push(...filler);
      const shown = e.rule === "private-key" ? line : `é🚀 ${line}`;
      lines.push(shown);
      const column = e.rule === "private-key" ? 1 : shown.indexOf(e.value) + 1;
      expected.push(`${lines.length}:${column} ${e.rule}`);
    }
    const { findings } = await scanText(`\ufeff${lines.join("\n")}\n`, "all.env");
    expect(findings.map((f) => `${f.line}:${f.column} ${f.rule}`)).toEqual(expected);
  });

  it("finds matches that run over many lines after their keyword", async () => {
    const far = `${"filler without any keyword\n".repeat(2000)}`;
    const body = t.pemBody(40).join("\n"); // ~2.6 KB of key after the header
    const keyId = t.chars(40, "0123456789abcdef");
    const account = `{\n  "private_key_id": "${keyId}",\n  "client_email": "${"x".repeat(150)}",\n  "private_key": "..." }`;
    const netrc = `machine api.internal.example\n  login deploy\n  password ${t.password()}`;
    const text = [
      far,
      "-----BEGIN RSA PRIVATE KEY-----",
      body,
      "-----END RSA PRIVATE KEY-----",
      far,
      account,
      far,
      netrc,
      far,
    ].join("\n");
    const { findings } = await scanText(text, "notes.txt");
    expect(findings.map((f) => f.rule)).toEqual(["private-key", "service-account-json", "netrc-password"]);
    const lineOf = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
    expect(findings.map((f) => f.line)).toEqual([lineOf("BEGIN RSA"), lineOf(keyId), lineOf("  password ")]);
  });

  it("tells the prefilter's verdict", async () => {
    expect((await scanText("just prose about cats\n", "a.md")).reachedEngine).toBe(false);
    expect((await scanText("const apiKey = compute();\n", "a.ts")).reachedEngine).toBe(true);
  });

  it.each([
    ["same line, detect-secrets", (s: string) => `password = "${s}"  # pragma: allowlist secret`],
    ["same line, gitleaks", (s: string) => `password = "${s}" // gitleaks:allow`],
    ["line before", (s: string) => `# pragma: allowlist nextline secret\npassword = "${s}"`],
  ])("marks a finding allowed inline (%s)", async (_name, render) => {
    const { findings } = await scanText(`${render(t.generic())}\n`, "a.py");
    expect(findings).toHaveLength(1);
    expect(findings[0]!.allowedInline).toBe(true);
  });

  it("does not let a marker reach the next line", async () => {
    const { findings } = await scanText(`# pragma: allowlist secret\npassword = "${t.generic()}"\n`, "a.py");
    expect(findings[0]!.allowedInline).toBe(false);
  });
});

describe("masking and redaction", () => {
  it("masks to a format prefix or a few characters, never the value", () => {
    const anthropic = t.anthropic();
    expect(maskValue(anthropic)).toBe("sk-ant-api03-****");
    expect(maskValue("hunter2")).toBe("****");
    const generic = t.generic(24);
    expect(maskValue(generic)).toBe(`${generic.slice(0, 3)}****`);
  });

  it("redacts every rule match and every known value", () => {
    const gh = t.githubPat();
    const apiKey = t.anthropic();
    const known = `custom-${t.generic(30)}`;
    const log = `cloning with ${gh}\nexport ANTHROPIC_API_KEY=${apiKey}\nagent used ${known} today\n`;
    const out = redactText(log, [known]);
    expect(out).not.toContain(gh);
    expect(out).not.toContain(apiKey);
    expect(out).not.toContain(known);
    expect(out).toContain("cloning with ghp_****");
    expect(out).toContain("agent used ");
  });

  it("redacts a whole PEM block, and leaves ordinary text alone", () => {
    const body = t.pemBody(2);
    const out = redactText(
      `a\n-----BEGIN EC PRIVATE KEY-----\n${body.join("\n")}\n-----END EC PRIVATE KEY-----\nb\n`,
    );
    for (const line of body) expect(out).not.toContain(line);
    expect(out).toBe("a\n-----BEGIN EC PRIVATE KEY-----****-----END EC PRIVATE KEY-----\nb\n");
    expect(redactText("nothing to see: task-management-overview-framework")).toBe(
      "nothing to see: task-management-overview-framework",
    );
  });

  it("ignores known values too short to be credentials", () => {
    expect(redactText("a b c", ["a", ""])).toBe("a b c");
  });
});

describe("building blocks", () => {
  it("entropy separates random tokens from words", () => {
    expect(shannonEntropy(t.generic(24))).toBeGreaterThan(3.5);
    expect(shannonEntropy("passwordpassword")).toBeLessThan(3);
    expect(shannonEntropy("")).toBe(0);
  });

  it("computes blob ids the way git does", () => {
    // `printf 'hello\n' | git hash-object --stdin`
    expect(gitBlobId(Buffer.from("hello\n"))).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
  });

  it("parses the allowlist file: one fingerprint a line, # comments", () => {
    const set = parseAllowlist(
      "# reviewed 2026-11\nabc:generic-api-key:3  # test fixture\n\n  def:private-key:1\n",
    );
    expect([...set]).toEqual(["abc:generic-api-key:3", "def:private-key:1"]);
  });

  it("finds every keyword in bytes, overlapping or nested, whatever the ASCII case", () => {
    const words = ["sk-", "sk-ant-", "ant", "ghp_", "gho_", "a.b", "://", "he", "she", "hers"];
    const find = (text: string) =>
      compileAutomaton(words)
        .find(Buffer.from(text))
        .map((i) => words[i])
        .sort();
    expect(find("x = SK-ANT-abc")).toEqual(["ant", "sk-", "sk-ant-"]);
    expect(find("ushers")).toEqual(["he", "hers", "she"]);
    expect(find("GhO_ a.b https://h")).toEqual(["://", "a.b", "gho_"]);
    expect(find("axb gh_ sk_ éé ant")).toEqual(["ant"]);
    expect(find("")).toEqual([]);
  });

  it("decodes content as TextDecoder does: replacement characters, byte order mark dropped", () => {
    const decoder = new TextDecoder("utf-8");
    const samples = [
      "\u00ef\u00bb\u00bfkey=1",
      "caf\u00c3\u00a9 \u00ff\u00fe \u00e2\u0082 \u00f0\u009f\u0098\u0080 \u00ed\u00a0\u0080 \u00c0\u00af",
    ].map((s) => Buffer.from(JSON.parse(`"${s}"`) as string, "latin1"));
    for (let seed = 1; seed < 2000; seed++)
      samples.push(
        Buffer.from(Array.from({ length: seed % 23 }, (_, i) => (seed * 7919 + i * 104729) % 256)),
      );
    for (const bytes of samples) expect(decodeUtf8(bytes)).toBe(decoder.decode(bytes));
  });
});
