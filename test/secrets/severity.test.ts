/**
 * Provider structure and severity: a token its provider could have issued blocks wherever it sits;
 * one that fails its own checksum, or a match with no structure to check in a test or a doc, is
 * reported and does not block.
 */
import { createHmac, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scanText } from "../../src/secrets/engine.js";
import { gitBlobId } from "../../src/secrets/fingerprint.js";
import {
  checksumToken,
  decodeBasic,
  jwtShape,
  slackShape,
  withChecksum,
} from "../../src/secrets/provider-checks.js";
import { type HistorySource, scanShippedContent } from "../../src/secrets/scan.js";
import { isTestOrDocPath } from "../../src/secrets/severity.js";
import { slackToken, TokenFactory } from "./support/tokens.js";

const t = new TokenFactory(11);
const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");

/** The same token with its last checksum character changed: shaped right, issued by nobody. */
function breakChecksum(token: string): string {
  const last = token.at(-1)!;
  return token.slice(0, -1) + (last === "A" ? "B" : "A");
}

async function severities(text: string, path: string) {
  return (await scanText(`${text}\n`, path)).findings.map((f) => `${f.rule} ${f.severity}`);
}

describe("provider checks", () => {
  it("checks the CRC32 GitHub and npm tokens carry in their last six characters", () => {
    for (const prefix of ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"]) {
      const token = withChecksum(prefix, t.mixed(30));
      expect(checksumToken(token)).toBe("valid");
      expect(checksumToken(breakChecksum(token))).toBe("invalid");
    }
    expect(checksumToken(`github_pat_${t.mixed(22)}_${t.mixed(59)}`)).toBe("unknown");
  });

  it("tells a JWT from one cut short", () => {
    const jwt = `${b64url({ alg: "HS256", typ: "JWT" })}.${b64url({ sub: "1" })}.${t.mixed(43)}`;
    expect(jwtShape(jwt)).toBe("valid");
    expect(jwtShape(`${jwt.slice(0, 30)}...`)).toBe("invalid");
    expect(jwtShape(`${b64url({ typ: "JWT" })}.${b64url({})}.x`)).toBe("invalid");
    expect(jwtShape(t.mixed(40))).toBe("unknown");
    // Well-formed, but no credential: jwt.io's example claims edited, a public (anon) key.
    const signed = (claims: object) =>
      `${b64url({ alg: "HS256", typ: "JWT" })}.${b64url(claims)}.${t.mixed(43)}`;
    expect(jwtShape(signed({ sub: "1234567890", role: "supabase_admin", iat: 1516239022 }))).toBe("invalid");
    expect(jwtShape(signed({ role: "anon", iat: 1613531985, exp: 1929107985 }))).toBe("invalid");
    expect(jwtShape(signed({ role: "service_role", iat: 1613531985, exp: 1929107985 }))).toBe("valid");
  });

  it("takes an HS* token whose signature has the wrong length, or verifies with a demo key, for no credential", () => {
    const header = b64url({ alg: "HS256", typ: "JWT" });
    const body = b64url({ sub: "b@b.com", company: "ACME", exp: 10_000_000_000 });
    const sign = (key: string, alg = "sha256", h = header) =>
      `${h}.${body}.${createHmac(alg, key).update(`${h}.${body}`).digest("base64url")}`;
    // Keats/jsonwebtoken's tests: signed with "secret", or a signature that is no digest at all.
    expect(jwtShape(sign("secret"))).toBe("invalid");
    expect(jwtShape(sign("your-256-bit-secret"))).toBe("invalid");
    expect(jwtShape(`${header}.${body}.wrong`)).toBe("invalid");
    expect(jwtShape(`${header}.${body}.${t.mixed(44)}`)).toBe("invalid");
    const hs512 = b64url({ alg: "HS512", typ: "JWT" });
    expect(jwtShape(`${hs512}.${body}.${t.mixed(43)}`)).toBe("invalid");
    // A key nobody publishes: a token someone could present.
    expect(jwtShape(sign(t.mixed(32)))).toBe("valid");
    expect(jwtShape(sign(t.mixed(32), "sha512", hs512))).toBe("valid");
    expect(jwtShape(`${header}.${body}.${t.mixed(43)}`)).toBe("valid");
    // An algorithm named after an object's own property is no HS* one (and no crash).
    expect(jwtShape(`${b64url({ alg: "toString" })}.${body}.${t.mixed(43)}`)).toBe("valid");
    // Other algorithms are not judged by length: an RSA signature's depends on its key.
    expect(jwtShape(`${b64url({ alg: "RS256" })}.${body}.${t.mixed(342)}`)).toBe("valid");
  });

  it("finds an unquoted JWT under a secret name, though its three dotted parts read like a member access", async () => {
    // As supabase-js's docker-compose files hold the service key; no `-` or `_`, so `a.b.c` in form.
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64").replace(/=+$/, "");
    const jwt = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ role: "service_role", iat: 1613531985 })}.k${t.mixed(42)}`;
    expect(/^[\w.]+$/.test(jwt) && !/[+/]/.test(jwt), jwt).toBe(true);
    expect(await severities(`      SERVICE_KEY: ${jwt}`, "infra/docker-compose.yml")).toEqual([
      "generic-api-key block",
    ]);
  });

  it("tells a Slack token from a stand-in by its ids and its generated tail", () => {
    for (const token of [t.slackBot(), t.slackUser(), t.slackApp(), t.slackRotating()])
      expect(slackShape(token), token.slice(0, 12)).toBe("valid");
    expect(slackShape(slackToken("xoxb", t.chars(12, "0123456789"), t.mixed(24)))).toBe("valid"); // legacy bot
    expect(slackShape(slackToken("xoxe", "1", t.mixed(146)))).toBe("valid"); // rotating refresh token
    // As python-slack-sdk's docs and tests write them.
    for (const standIn of [
      slackToken("xoxb", "abc", "1232"),
      slackToken("xapp", "A111", "222", "xyz"),
      slackToken("xoxp", "1234123412341234", "12341234", "1234"),
      slackToken("xoxp", "28192348123947234198234"),
      slackToken("xoxb", "asdlfkyadsofii7asdf734lkasdjfllakjba7zbu"),
      `xoxe.${slackToken("xoxp", "1", "refreshed")}`,
      slackToken("xoxa", "2", "abcdef"),
    ])
      expect(slackShape(standIn), standIn).toBe("invalid");
    expect(slackShape(t.mixed(30))).toBe("unknown");
  });

  it("decodes a Basic credential to user and password, and nothing else", () => {
    expect(decodeBasic(Buffer.from("имя:пароль").toString("base64"))).toEqual({
      user: "имя",
      password: "пароль",
    });
    expect(decodeBasic(Buffer.from("no colon here").toString("base64"))).toBeUndefined();
    expect(decodeBasic(Buffer.from([0, 1, 2, 58, 200, 201]).toString("base64"))).toBeUndefined();
  });
});

describe("severity", () => {
  it("knows test, fixture and doc paths of common ecosystems", () => {
    for (const p of [
      "tests/test_requests.py",
      "src/client/auth.test.ts",
      "pkg/client_test.go",
      "test_api.py",
      "packages/x/__tests__/a.js",
      "testdata/keys.json",
      "docs/client.md",
      "examples/guides/client.ts",
      "dummyserver/certs/server.key",
      "src/test-certs/client.pem",
      "integration_tests/conf.py",
      "samples/app/settings.py",
      "MockServer/keys.json",
      "demos/user_rsa_key",
      "test_rsa.key",
      "keys/demo-host-key",
      "certs/dummy_cert.pem",
      "werkzeug/testsuite/urls.py",
      "proxy-example.py",
      "config/settings.sample.json",
      "t/unit/security/__init__.py",
      "documentation/other/crypt.md",
      // A README and a change log, at any depth, in any language (minio-go's README_zh_CN.md).
      "README.md",
      "packages/adapter-firebase/README.md",
      "README_zh_CN.md",
      "etc/notes/CHANGES_3.0.0.md",
      "HISTORY.rst",
      // Docs sites, test runners' and recorders' folders, camel-case test classes, snapshots.
      "www/versioned_docs/version-v3/options.md",
      "api-docs/auth.md",
      "tap/pem.ts",
      "sdk/storage/recordings/TestBlob.json",
      "spec/cassettes/login.yml",
      "src/__snapshots__/app.test.ts.snap",
      "src/jobs/snapshots/crates_io__parse-2.snap",
      "api/v3.0.0/authorizationTest.js",
      "src/test/java/com/acme/ClientTest.java",
      "Acme.Tests/ClientTests.cs",
      // A docs site's configuration (its DocSearch key is served to every reader).
      "www/docusaurus.config.js",
      // Any word of a file's name (sops' `pgp/sops_functional_tests_key.asc`).
      "pgp/sops_functional_tests_key.asc",
      // End-to-end suites and benchmarks (express-openid-connect, Nx, Rust's benches/).
      "end-to-end/fixture/jwk.js",
      "fixture/keys.js",
      "e2e/login.spec.js",
      "apps/shop-e2e/src/support/auth.ts",
      "benches/jwt.rs",
      "bench/sign.go",
      "benchmarks/tokens.py",
      "src/auth.e2e.ts",
    ])
      expect(isTestOrDocPath(p), p).toBe(true);
    for (const p of [
      "src/config.ts",
      ".env",
      "deploy/settings.yaml",
      "latest/contest.py",
      "src/attestation.rs",
      "notes/todo.md",
      "testimonials/quotes.md",
      "news.py",
      "src/history.ts",
      "src/Latest.java",
      "src/Contest.java",
      "readme_parser.go.bak",
      "config/doc_store_credentials.json",
      "latest-release/config.yaml",
      "src/contest_results/data.json",
      "user_rsa_key",
      "deploy/attestation.key",
      "latest.json",
      "src/resample.py",
      "src/workbench/config.ts",
      "src/end/to/end.ts",
    ])
      expect(isTestOrDocPath(p), p).toBe(false);
  });

  it("reports AWS key ids and secret keys in a test without blocking, from either engine, and blocks them elsewhere", async () => {
    // As golang/oauth2's aws_test.go holds them: made up, no checksum to tell (made here, so this
    // file holds none).
    const id = `ASIA${t.chars(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`;
    const secret = t.chars(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    const text = `const (\n\taccessKeyID     = "${id}"\n\tsecretAccessKey = "${secret}"\n)\n`;
    for (const [path, severity] of [
      ["google/externalaccount/aws_test.go", "warn"],
      ["google/externalaccount/aws.go", "block"],
    ]) {
      const found = await severities(text, path);
      expect(found.length, path).toBeGreaterThan(0);
      expect(
        found.every((s) => s.endsWith(` ${severity}`)),
        `${path}: ${found.join(", ")}`,
      ).toBe(true);
    }
  });

  it("reports a Stripe test-mode key in a test without blocking, and blocks a live one there", async () => {
    // stripe-python's tests hold the test key Stripe documents; a live key in a test is a leak.
    const testKey = t.stripe().replace("sk_live_", "sk_test_");
    expect(await severities(`key = "${testKey}"`, "tests/test_http_client.py")).toEqual([
      "stripe-secret-key warn",
    ]);
    expect(await severities(`key = "${testKey}"`, "app/payments.py")).toEqual(["stripe-secret-key block"]);
    expect(await severities(`key = "${t.stripe()}"`, "tests/test_http_client.py")).toEqual([
      "stripe-secret-key block",
    ]);
  });

  it("reports a Slack stand-in without blocking, from either engine, and blocks an issued token in a test", async () => {
    // As python-slack-sdk's README, source and tests held them.
    for (const line of [
      `token = "${slackToken("xoxp", "28192348123947234198234")}"      # found at https://api.slack.com/#auth)`,
      `    'Authorization': 'Bearer ${slackToken("xoxb", "1234", "1243")}',`,
      `    app_token="${slackToken("xapp", "A111", "222", "xyz")}",`,
      `    token : ${slackToken("xoxb", "asdlfkyadsofii7asdf734lkasdjfllakjba7zbu")}`,
    ]) {
      const found = await severities(line, "slack_sdk/web/internal_utils.py");
      expect(found.length, line).toBeGreaterThan(0);
      expect(
        found.every((s) => s.endsWith(" warn")),
        `${line}: ${found.join(", ")}`,
      ).toBe(true);
    }
    for (const token of [t.slackBot(), t.slackUser(), t.slackApp()]) {
      const found = await severities(`client = WebClient("${token}")`, "tests/test_client.py");
      expect(found.length, token.slice(0, 12)).toBeGreaterThan(0);
      expect(
        found.every((s) => s.endsWith(" block")),
        found.join(", "),
      ).toBe(true);
    }
  });

  it("names a provider's key under a secret-sounding name after its provider, not the generic rule", async () => {
    // As sendgrid-python's history holds one: `export SENDGRID_API_KEY='SG.…'` in sendgrid.env.
    expect(await severities(`export SENDGRID_API_KEY='${t.sendgrid()}'`, "sendgrid.env")).toEqual([
      "sendgrid-api-key block",
    ]);
    // secretlint's SendGrid rule, where it finds the key, outranks the generic rule too.
    const wordy = `SG.${t.mixed(22)}.${t.mixed(43)}`;
    expect(await severities(`export SENDGRID_API_KEY='${wordy}'`, "sendgrid.env")).toEqual([
      "sendgrid-api-key block",
    ]);
    // Where no provider's rule matches, the generic one still reports.
    expect(await severities(`export SENDGRID_API_KEY='${t.mixed(40)}'`, "sendgrid.env")).toEqual([
      "generic-api-key block",
    ]);
  });

  it("blocks on a GitHub token with a valid checksum, in a test too", async () => {
    const token = t.githubPat();
    expect(await severities(`GH_TOKEN=${token}`, "src/config.env")).toEqual(["github-token block"]);
    expect(await severities(`GH_TOKEN=${token}`, "test/fixtures/config.env")).toEqual(["github-token block"]);
  });

  it("reports a GitHub token with a wrong checksum without blocking, wherever it sits", async () => {
    const token = breakChecksum(t.githubPat());
    expect(await severities(`GH_TOKEN=${token}`, "src/config.env")).toEqual(["github-token warn"]);
    expect(await severities(`GH_TOKEN=${token}`, "test/config.env")).toEqual(["github-token warn"]);
  });

  it("reports a match with no provider structure in a test or a doc without blocking, and blocks elsewhere", async () => {
    const line = `api_secret = "${t.mixed(32)}"`;
    expect(await severities(line, "src/settings.py")).toEqual(["generic-api-key block"]);
    expect(await severities(line, "tests/test_settings.py")).toEqual(["generic-api-key warn"]);
    expect(await severities(line, "docs/setup.md")).toEqual(["generic-api-key warn"]);
  });

  it("reports a match with no provider structure in an example session without blocking, wherever the file sits", async () => {
    const secret = t.mixed(20);
    const session = [
      "    >>> oauth_session.fetch_access_token(access_token_url)",
      "    {",
      `        'oauth_token_secret': '${secret}',`,
      "    }",
    ].join("\n");
    expect(await severities(session, "requests_oauthlib/oauth1_session.py")).toEqual([
      "generic-api-key warn",
    ]);
    expect(await severities(`    >>> client_secret = '${secret}'`, "README.rst")).toEqual([
      "generic-api-key warn",
    ]);
    // Out of the session (after a blank line), or without one, it blocks as before.
    expect(
      await severities(`${session.split("\n")[0]}\n\n    oauth_token_secret = '${secret}'`, "app.py"),
    ).toEqual(["generic-api-key block"]);
    // A token its provider's structure confirms blocks in a session too.
    expect(await severities(`>>> Github("${t.githubPat()}")`, "README.md")).toEqual(["github-token block"]);
  });

  it("reports a match with no provider structure in a Rust file's #[cfg(test)] item without blocking", async () => {
    const secret = t.mixed(32);
    const line = `    let api_secret = "${secret}";`;
    const lib = [
      "pub fn sign() {",
      line,
      "}",
      "",
      "#[cfg(test)]",
      "mod tests {",
      "    use super::*;",
      "    #[test]",
      "    fn signs() {",
      line,
      '        let s = format!("{}", 1);',
      "    }",
      "}",
      "",
      "#[cfg(test)] use std::fmt;",
      line,
    ].join("\n");
    // The library's own line and the one after the test-only `use` block; the test module's does not.
    expect((await scanText(`${lib}\n`, "src/lib.rs")).findings.map((f) => `${f.line} ${f.severity}`)).toEqual(
      ["2 block", "10 warn", "16 block"],
    );
    // Only in Rust: a Python file with the same text is judged as before.
    expect((await scanText(`${lib}\n`, "src/lib.py")).findings.map((f) => `${f.line} ${f.severity}`)).toEqual(
      ["2 block", "10 block", "16 block"],
    );
  });

  it("reports a match with no provider structure in a docs site's page without blocking; other Markdown still blocks", async () => {
    // As thephpleague/oauth2-server's gh-pages branch holds its guide, at the branch's root.
    const secret = t.mixed(43);
    const body = ["", "# Authorization code grant", "", "~~~ php", `$encryptionKey = '${secret}';`, "~~~"];
    const page = (frontMatter: string[]) => [...frontMatter, ...body].join("\n");
    const jekyll = page([
      "---",
      "layout: default",
      "title: Authorization code grant",
      "permalink: /auth-code/",
      "---",
    ]);
    const hugo = page(["+++", 'title = "Grant"', "weight = 20", "+++"]);
    expect(await severities(jekyll, "auth-server-auth-code.md")).toEqual(["generic-api-key warn"]);
    expect(await severities(hugo, "content/grants.md")).toEqual(["generic-api-key warn"]);
    // A title alone is a note's, not a site's; no front matter, or one never closed, is no page;
    // and a page's layout does not make a source file a page.
    expect(await severities(page(["---", "title: my notes", "---"]), "notes/todo.md")).toEqual([
      "generic-api-key block",
    ]);
    expect(await severities(page([]), "notes/todo.md")).toEqual(["generic-api-key block"]);
    expect(await severities(page(["---", "layout: default"]), "notes/todo.md")).toEqual([
      "generic-api-key block",
    ]);
    expect(await severities(jekyll, "config/app.yml")).toEqual(["generic-api-key block"]);
  });

  it("reports what benchmark scripts, files for localhost, documentation folders and labelled examples hold without blocking", async () => {
    const pem = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({
      type: "pkcs1",
      format: "pem",
    }) as string;
    // caddy's test helper package holds a key for its self-signed `*.localhost` certificate;
    // pycryptodome's benchmark times RSA with a throwaway key.
    expect(await severities(pem, "caddytest/caddy.localhost.key")).toEqual(["private-key warn"]);
    expect(await severities(pem, "bench_monty.py")).toEqual(["private-key warn"]);
    expect(await severities(pem, "keys/server.key")).toEqual(["private-key block"]);
    expect(await severities(pem, "workbench.py")).toEqual(["private-key block"]);
    // lucia's versioned docs, and a docs page ordered by its front matter.
    const line = `apiKey = "${t.mixed(24)}"`;
    expect(await severities(line, "documentation-v2/reference/auth.md")).toEqual(["generic-api-key warn"]);
    expect(await severities(`---\norder: 2\ntitle: Auth\n---\n\n${line}`, "site/auth.md")).toEqual([
      "generic-api-key warn",
    ]);
    // A doc comment's example copied from a provider's API reference (better-auth's Zoom provider);
    // the label softens only its own line.
    const zoom = `  /** Custom attributes (Example: [{ "key": "cbf_${t.mixed(22)}", "name": "A1", "value": "1" }]) */`;
    expect(await severities(`${zoom}\napi_key = "${t.mixed(24)}"`, "src/zoom.ts")).toEqual([
      "generic-api-key warn",
      "generic-api-key block",
    ]);
  });

  it("reports a vendored SDK's sample, a token in a link to localhost and a blog post's value without blocking", async () => {
    const value = t.mixed(24);
    // saleor's copy of Authorize.net's SDK, with its published sandbox values.
    expect(
      await severities(`transaction.key : ${value}`, "vendored/authorizenet/sdk_properties_template.ini"),
    ).toEqual(["generic-api-key warn"]);
    // documenso's comment with a signing link to its development server; a link elsewhere blocks.
    expect(
      await severities(`//http://localhost:3000/documents/40/sign?token=${value}`, "apps/web/sign.tsx"),
    ).toEqual(["generic-api-key warn"]);
    expect(
      await severities(`//https://app.example.com/documents/40/sign?token=${value}`, "apps/web/sign.tsx"),
    ).toEqual(["generic-api-key block"]);
    // A post with a byline in its front matter is a published page (documenso's blog tutorials).
    const post = `---\ntitle: Deploy\ndate: 2024-01-01\nauthorName: Tim\n---\n\nDB_PASSWORD=${value}`;
    expect(await severities(post, "apps/marketing/content/blog/deploy.mdx")).toEqual([
      "generic-api-key warn",
    ]);
    // Real values beside the new stand-ins: a provider's prefix before a random tail, a password
    // that starts with `!`.
    expect(
      await severities(`BLOB_READ_WRITE_TOKEN=vercel_blob_rw_${t.mixed(16)}_${t.mixed(30)}`, "scripts/a.sh"),
    ).toEqual(["generic-api-key block"]);
    expect(await severities(`password=!${value}`, "config/app.env")).toEqual(["generic-api-key block"]);
    // A lock file's digests (formbricks' i18n.lock); the same line elsewhere, a PostHog personal
    // key, and a password in a lock file's registry URL still block.
    const digest = `  auth/email-change/invalid_or_expired_token: ${t.chars(32, "0123456789abcdef")}`;
    expect(await severities(`checksums:\n${digest}`, "apps/web/i18n.lock")).toEqual(["generic-api-key warn"]);
    expect(await severities(digest, "apps/web/i18n.yml")).toEqual(["generic-api-key block"]);
    expect(await severities(`  api_key: "phx_${t.mixed(43)}",`, "lib/telemetry.ts")).toEqual([
      "generic-api-key block",
    ]);
    expect(
      await severities(
        `  resolved "https://deploy:${value}@npm.corp.example.com/p/-/p-1.0.0.tgz"`,
        "yarn.lock",
      ),
    ).toEqual(["url-credentials block"]);
  });

  it("still blocks what sits beside the stand-ins it lets go: a pepper, a real password in base64, an Algolia admin key", async () => {
    const hex = (n: number) => t.chars(n, "0123456789abcdef");
    // devise's old default pepper, in library code: a site-wide secret under a name of its own.
    expect(
      await severities(`    self.pepper = '${hex(40)}'`, "lib/devise/models/authenticatable.rb"),
    ).toEqual(["generic-api-key block"]);
    // A Kubernetes Secret's password is base64 of something that is no stand-in.
    expect(
      await severities(`  password: ${Buffer.from(t.mixed(20)).toString("base64")}`, "deploy/secret.yaml"),
    ).toEqual(["generic-api-key block"]);
    // An admin key lives in an environment, beside an index's name there; a key with no index is not a search key.
    expect(
      (await scanText(`ALGOLIA_INDEX_NAME=docs\nALGOLIA_API_KEY=${hex(32)}\n`, ".env")).findings.map(
        (f) => f.severity,
      ),
    ).toEqual(["block"]);
    expect(
      await severities(`const client = algoliasearch(appId, { apiKey: '${hex(32)}' });`, "src/search.js"),
    ).toEqual(["generic-api-key block"]);
    // A lower-case random value with a short letter-and-digit segment, or whose pieces happen to
    // read as words and short codes (allauth's OpenAPI example session token), is still random.
    const base36 = "abcdefghijklmnopqrstuvwxyz0123456789";
    expect(await severities(`api_key = "h1_${t.chars(16, base36)}"`, "src/app.py")).toEqual([
      "generic-api-key block",
    ]);
    // (Joined here, so this file's own scan does not find it.)
    const allauth = ["ufwcig0zen9sky", "d545jc0fkq813ghar2"].join("");
    expect(await severities(`session_token: ${allauth}`, "config/app.yaml")).toEqual([
      "generic-api-key block",
    ]);
    expect(await severities(`session_token = "${allauth}"`, "src/app.py")).toEqual(["generic-api-key block"]);
  });

  it("reports a match with no provider structure in an API description's example without blocking", async () => {
    // As Okta's management API spec holds them, in components.examples.
    const secret = t.mixed(40);
    const spec = [
      "components:",
      "  examples:",
      "    ClientResponse:",
      "      value:",
      `        clientSecret: ${secret}`,
    ];
    expect(await severities(spec.join("\n"), "oas-spec/management.yaml")).toEqual(["generic-api-key warn"]);
    // The same value in a schema's settings, not an example, blocks.
    const config = ["server:", "  oauth:", `    clientSecret: ${secret}`];
    expect(await severities(config.join("\n"), "deploy/management.yaml")).toEqual(["generic-api-key block"]);
  });

  it("knows an example thousands of lines under its key in a description scanned in windows", async () => {
    // Okta's 3.4 MB management spec: its `examples:` key 24,000 lines above the client secret.
    const filler = Array.from({ length: 60_000 }, (_, i) => `      field${i}: some value of the example`);
    const secret = t.mixed(40);
    const spec = ["components:", "  examples:", "    Big:", "      value:", ...filler];
    const text = (tail: string[]) => Buffer.from(`${[...spec, ...tail].join("\n")}\n`);
    const scan = async (content: Buffer) =>
      (
        await scanShippedContent({
          files: [{ path: "oas-spec/management.yaml", size: content.length, read: async () => content }],
          workers: 0,
        })
      ).findings.map((f) => `${f.rule} ${f.severity}`);
    const inExample = text([`        clientSecret: ${secret}`]);
    expect(inExample.length).toBeGreaterThan(2 * 1024 * 1024); // more than one window
    expect(await scan(inExample)).toEqual(["generic-api-key warn"]);
    // Out of the examples (a top-level key after them), it blocks.
    expect(await scan(text(["server:", `  clientSecret: ${secret}`]))).toEqual(["generic-api-key block"]);
  });

  it("still finds a token in an API URL's query; only an image's (a badge) is let go", async () => {
    const token = t.mixed(32);
    expect(
      await severities(`fetch("https://api.service.io/v1/data?token=${token}")`, "src/client.js"),
    ).toEqual(["generic-api-key block"]);
    expect(await severities(`![build](https://ci.service.io/badge.svg?token=${token})`, "README.md")).toEqual(
      [],
    );
  });

  it("reports a URL password for a service on the machine itself without blocking; one for another host blocks", async () => {
    const password = t.mixed(16);
    for (const host of [
      "localhost",
      "localhost:5432",
      "127.0.0.1:27017",
      "[::1]:6379",
      "%2Ftmp%2Fmongodb-27017.sock",
    ])
      expect(
        await severities(`MONGODB_URI='mongodb://ci:${password}@${host}/db'`, ".evergreen/config.yml"),
        host,
      ).toEqual(["database-url-password warn"]);
    expect(
      await severities(`psql postgresql://postgres:${password}@localhost:5432 -c 'x'`, "ci/setup.txt"),
    ).toEqual(["database-url-password warn"]);
    for (const host of ["db.internal.example", "localhost.evil.example", "127.0.0.1.nip.io"])
      expect(
        await severities(`DATABASE_URL=postgres://app:${password}@${host}/db`, "deploy/env"),
        host,
      ).toEqual(["database-url-password block"]);
  });

  it("reports a private key cut short for a doc without blocking; a whole one blocks however it is written", async () => {
    const pem = (
      generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
        type: "pkcs1",
        format: "pem",
      }) as string
    ).trim();
    const lines = pem.split("\n");
    // twilio's generated API docs: the header, one line of body, the footer.
    const cut = `:param str private_key: For example, \`${lines[0]} ${lines[1]}. ${lines.at(-1)}\``;
    expect(await severities(cut, "twilio/rest/chat/v1/credential.py")).toEqual(["private-key warn"]);
    const elided = [lines[0], lines[1], "...", lines.at(-1)].join("\n");
    expect(await severities(elided, "notes/key.txt")).toEqual(["private-key warn"]);
    // Whole: as a file, as JSON, and as string pieces in JavaScript and Python.
    const js = `const key = "${lines[0]}\\n" +\n${lines
      .slice(1, -1)
      .map((l) => `  "${l}\\n" +`)
      .join("\n")}\n  "${lines.at(-1)}";`;
    const py = `KEY = (\n${lines.map((l) => `    "${l}\\n"`).join("\n")}\n)`;
    for (const [text, path] of [
      [pem, "deploy/server.key"],
      [JSON.stringify({ key: pem }), "deploy/key.json"],
      [js, "src/sign.js"],
      [py, "app/sign.py"],
    ] as const)
      expect(await severities(text, path), path).toEqual(["private-key block"]);
  });

  it("blocks on a whole private key that straddles two windows of a large file", async () => {
    const pem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs1",
      format: "pem",
    }) as string;
    // 100-byte lines up to 576 bytes before the first window's end: the key runs past it, so that
    // window sees its body cut short; the next one (16 KB of overlap) holds it whole.
    const filler = `# ${"x".repeat(97)}\n`.repeat(10_480);
    const content = Buffer.from(`${filler}${pem}${filler}`);
    const findings = (
      await scanShippedContent({
        files: [{ path: "deploy/bundle.txt", size: content.length, read: async () => content }],
        workers: 0,
      })
    ).findings.map((f) => `${f.line} ${f.rule} ${f.severity}`);
    expect(findings).toEqual(["10481 private-key block"]);
  });

  it("blocks on an age identity whose checksum holds outside tests and docs; a stand-in is reported anywhere", async () => {
    const key = t.ageKey();
    expect(await severities(`SOPS_AGE_KEY=${key}`, "deploy/keys.txt")).toEqual(["age-secret-key block"]);
    // Anyone's age-keygen makes a valid one: in a test it is the test's (age's own hold dozens).
    expect(await severities(`SOPS_AGE_KEY=${key}`, "internal/testkit/testkit.go")).toEqual([
      "age-secret-key warn",
    ]);
    const standIn = `AGE-SECRET-KEY-1${"QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L".repeat(2).slice(0, 58)}`;
    expect(await severities(standIn, "docs/keys.txt")).toEqual(["age-secret-key warn"]);
  });

  it("reports what README files and vendored code hold without blocking; a provider's token there still blocks", async () => {
    const secret = t.mixed(32);
    for (const path of [
      "README.md",
      "vendor/github.com/hashicorp/vault/website/source/docs/aws.md",
      "third_party/x/config.py",
    ])
      expect(await severities(`password = "${secret}"`, path), path).toEqual(["generic-api-key warn"]);
    expect(await severities(`token = "${t.githubPat()}"`, "vendor/github.com/acme/ci.go")).toEqual([
      "github-token block",
    ]);
  });

  it("reports a key in a checked-in Yarn release without blocking; its setting declarations are no credential", async () => {
    // As sequelize's .yarn/releases/yarn-4.9.2.cjs holds them (minified).
    const key = t.chars(32, "0123456789abcdef");
    const bundle = (more: string) =>
      `W9={appId:"OFCNCOG2CU",apiKey:"${key}"${more}},npmAuthToken:{description:"The token",type:"SECRET"}`;
    expect(await severities(bundle(""), ".yarn/releases/yarn-4.9.2.cjs")).toEqual(["generic-api-key warn"]);
    expect(await severities(bundle(""), "src/search.js")).toEqual(["generic-api-key block"]);
    // Beside the index it searches (as Yarn's is), it is Algolia's search-only key, made to be public.
    expect(await severities(bundle(',indexName:"npm-search"'), "src/search.js")).toEqual([]);
  });

  it("blocks on a Basic credential with a random password outside tests", async () => {
    const basic = Buffer.from(`deploy:${t.mixed(20)}`).toString("base64");
    expect(await severities(`Authorization: Basic ${basic}`, "scripts/deploy.sh")).toEqual([
      "authorization-header block",
    ]);
  });
});

describe("severity of a blob at more than one path", () => {
  // One blob, listed at a test path (the first path rev-list saw) and shipping as configuration
  // in the commit that shows it: the configuration path decides, from the cache too.
  const content = Buffer.from(`password = "${t.generic(24)}"\n`);
  const oid = gitBlobId(content);
  const history = (path: string, locatedAt: string): HistorySource => ({
    blobs: [{ oid, path, size: content.length }],
    async *read() {
      // In pieces, as git's output arrives: the value is cut in two.
      yield { oid, parts: [content.subarray(0, 16), content.subarray(16)] };
    },
    locate: async () => new Map([[oid, { commit: "c".repeat(40), path: locatedAt }]]),
  });
  const scan = async (path: string, locatedAt: string, cacheDir?: string) =>
    (await scanShippedContent({ history: history(path, locatedAt), workers: 0, cacheDir })).findings.map(
      (f) => `${f.path} ${f.severity}`,
    );

  it("blocks when any path it ships at is not a test or a doc, scanned or cached, and names that path", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "ar-severity-"));
    try {
      expect(await scan("tests/fixture.py", "tests/fixture.py", cacheDir)).toEqual(["tests/fixture.py warn"]);
      expect(await scan("tests/fixture.py", "app/settings.py", cacheDir)).toEqual(["app/settings.py block"]);
      // The path named is the one that blocks, whichever of the two the listing or the commit gave.
      expect(await scan("app/settings.py", "tests/fixture.py")).toEqual(["app/settings.py block"]);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
