/**
 * Which findings stop a run. A match "blocks" unless a check says it cannot be a live credential
 * worth refusing an upload for; then it is "warn": reported, so a reviewer sees it, not blocking.
 *
 * - A match whose own structure fails (a GitHub token with a wrong CRC32: nobody issued it; a PEM
 *   key shorter than its DER header says: nothing can sign with it) or that grants nothing where
 *   it goes (a URL password for `localhost`), wherever it sits.
 * - A match with no provider structure to check (the generic assignment rule, Authorization
 *   headers, URL passwords) in a test fixture or a doc, or in an example anywhere (a `>>>` session, an API description's `example`):
 *   such places are full of made-up credentials, and a real one there still shows in the report.
 * A provider token whose structure holds blocks everywhere, tests and docs included.
 */
import type { Verdict } from "./provider-checks.js";
import type { Finding, Severity } from "./types.js";

export function isBlocking(finding: Pick<Finding, "severity">): boolean {
  return finding.severity !== "warn";
}

/** `inExample`: the match sits in an interactive session shown as an example (examples.ts). */
export function severityOf(verdict: Verdict, path: string, inExample = false): Severity {
  if (verdict === "invalid") return "warn";
  if (verdict === "unknown" && (inExample || isTestOrDocPath(path) || isVendoredTool(path))) return "warn";
  return "block";
}

/**
 * A package manager's own distribution, checked in by every project that uses it (Yarn 2+ keeps
 * `.yarn/releases/yarn-4.x.cjs` and its plugins in the repository): third-party code, whose
 * embedded keys (the public Algolia search key of Yarn's package search) are not the project's.
 */
const VENDORED_TOOL = /(?:^|\/)\.yarn\/(?:releases|plugins|sdks)\//;
/**
 * Other projects' code copied in whole: Go's `vendor/` (sops vendors the AWS, Azure and Vault SDKs,
 * their docs and test recordings included), `third_party/`, a committed `node_modules/`. What their
 * docs and tests hold is not this project's, and a token whose provider structure holds still blocks.
 */
// `vendored/`: saleor's copy of Authorize.net's SDK, with its published sandbox sample values.
const VENDORED_DIRS = /(?:^|\/)(?:vendor|vendored|third_party|third-party|node_modules|bower_components)\//;

export function isVendoredTool(path: string): boolean {
  return VENDORED_TOOL.test(path) || VENDORED_DIRS.test(path);
}

/** Folders that hold tests, fixtures, examples and docs, in the conventions of common ecosystems. */
const TEST_OR_DOC_DIRS = new Set([
  "test",
  "tests",
  "__tests__",
  "spec",
  "specs",
  "testdata",
  "testing",
  "testsuite",
  "testsuites",
  "unittests",
  "fixture",
  "fixtures",
  "__fixtures__",
  "__mocks__",
  // End-to-end suites (express-openid-connect's `end-to-end/fixture/`, Nx's `app-e2e`) and
  // benchmarks (Rust's `benches/`, Go's and JS's `bench/`): they sign and send sample tokens.
  "e2e",
  "end-to-end",
  "bench",
  "benches",
  "benchmark",
  "benchmarks",
  "mocks",
  "examples",
  "example",
  "samples",
  "sample",
  "demo",
  "demos",
  "docs",
  "doc",
  "documentation",
  "t", // Perl's and celery's test folder
  // Test helpers' packages (age's internal/testkit, Go's testutil), test keys' folders (minio-go's testcerts).
  "testcerts",
  "testkeys",
  "testkit",
  "testutil",
  "testutils",
  "testhelpers",
  "tap", // node-tap's
  // Recorded HTTP exchanges and snapshot tests (VCR cassettes, Azure SDK recordings, Jest and
  // insta snapshots): replies captured from test accounts.
  "cassettes",
  "recordings",
  "snapshots",
  "__snapshots__",
]);
/**
 * Words that make a folder a test one when its name joins them to others (`test-certs`,
 * `integration_tests`, `e2e.fixtures`), and prefixes that do on their own (`dummyserver`,
 * `mockserver`, `fakes3`): test doubles are named so.
 */
const TEST_NAME_PARTS = new Set([
  "test",
  "tests",
  "testing",
  "fixture",
  "fixtures",
  "mock",
  "mocks",
  "dummy",
  "fake",
  "fakes",
  "stub",
  "stubs",
  "example",
  "examples",
  "sample",
  "samples",
  "demo",
  "demos",
  "e2e",
  "benchmark",
  "benchmarks",
  // A benchmark script named as one (`bench_monty.py`, `sign-bench.js`): pycryptodome's times RSA
  // with a throwaway key. Split at separators only, so `workbench.py` is not one.
  "bench",
  // Material for the machine itself: a key whose certificate is for `*.localhost` (caddy's
  // `caddytest/caddy.localhost.key`), a name no public authority issues for.
  "localhost",
]);
/** A docs site's folders (`versioned_docs` of Docusaurus, `api-docs`): folders only, a file named `doc_store.json` may hold anything. */
const DOC_DIR_PARTS = new Set(["doc", "docs", "documentation"]);
const TEST_DOUBLE_PREFIX = /^(?:dummy|fake|mock|stub)/;

/**
 * A file named as a test double or a sample, whatever its extension: `test_rsa.key`,
 * `demo-host-key`, `dummy_cert.pem`, `proxy-example.py`, `settings.sample.json`,
 * `sops_functional_tests_key.asc` (any word of the name).
 */
function isTestFileName(file: string): boolean {
  const words = file
    .toLowerCase()
    .split(/[-_.]+/)
    .filter(Boolean);
  return words.length >= 2 && words.some((w) => TEST_NAME_PARTS.has(w));
}

/**
 * Files that are documentation by their name wherever they sit: a README (the project's published
 * front page) and its change log. What they show is shown to everyone who opens the project, as an
 * example; a Markdown file in general is not (`notes/todo.md` may hold a real password).
 */
const DOC_FILE =
  /^(?:readme|changelog|changes|history|news|release[-_]?notes)(?:[-_][\w-]*(?:\.\d+)*)?(?:\.(?:md|markdown|mdx|rst|txt|adoc|asciidoc|org|textile))?$/i;

function isTestDir(dir: string): boolean {
  const d = dir.toLowerCase();
  if (TEST_OR_DOC_DIRS.has(d) || TEST_DOUBLE_PREFIX.test(d)) return true;
  const parts = d.split(/[-_.]+/);
  return parts.length > 1 && parts.some((p) => TEST_NAME_PARTS.has(p) || DOC_DIR_PARTS.has(p));
}
/**
 * A docs site's own configuration: what it holds is served to every reader (the search-only
 * Algolia DocSearch key of next-auth's `www/docusaurus.config.js`).
 */
const DOCS_SITE_CONFIG = /^(?:docusaurus\.config\.[cm]?[jt]s|mkdocs\.ya?ml)$/;

/**
 * File names: foo.test.ts, foo.spec.js, foo_test.go, test_foo.py, foo_test.py, conftest.py, and
 * the camel-case classes of Java, C#, Kotlin and old JavaScript suites (FooTest.java,
 * authorizationTest.js, BarTests.cs, BazSpec.scala); a Jest or insta snapshot (`.snap`).
 */
const TEST_FILE =
  /(?:\.(?:test|spec)\.[A-Za-z0-9]+$|_test\.(?:go|py|rs|rb|exs?)$|^test_.*\.py$|^conftest\.py$|[a-z0-9](?:Tests?|Specs?|IT)\.[A-Za-z0-9]+$|\.snap$)/;

export function isTestOrDocPath(path: string): boolean {
  const parts = path.split("/");
  const file = parts[parts.length - 1] ?? "";
  // A Markdown file is not a doc by its extension alone: notes/todo.md may hold a real password.
  if (TEST_FILE.test(file) || isTestFileName(file) || DOC_FILE.test(file) || DOCS_SITE_CONFIG.test(file))
    return true;
  return parts.slice(0, -1).some(isTestDir);
}

/** What decides a severity, for the rule-set version (the scan cache keeps verdicts per version). */
export const SEVERITY_SIGNATURE = JSON.stringify([
  "severity@8",
  "examples@8",
  VENDORED_TOOL.source,
  VENDORED_DIRS.source,
  DOC_FILE.source,
  DOCS_SITE_CONFIG.source,
  "file-name-words@3",
  [...TEST_OR_DOC_DIRS],
  TEST_FILE.source,
  [...TEST_NAME_PARTS],
  [...DOC_DIR_PARTS],
  TEST_DOUBLE_PREFIX.source,
]);
