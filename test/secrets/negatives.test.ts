/**
 * Precision: text shaped like a secret that is not one must pass, and so must this project's own
 * source tree (the predecessor could not package its own repository: 139 false hits).
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the corpus holds literal ${VAR} placeholders on purpose.
import { execFileSync } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { scanText } from "../../src/secrets/engine.js";
import { scanShippedContent } from "../../src/secrets/scan.js";
import { TokenFactory } from "./support/tokens.js";

const t = new TokenFactory(7);
const sha1 = createHash("sha1").update("x").digest("hex");
const sha256 = createHash("sha256").update("x").digest("hex");
const sri = `sha512-${createHash("sha512").update("x").digest("base64")}`;
const hex = (n: number) => t.chars(n, "0123456789abcdef");
const traceparent = `00-${hex(32)}-${hex(16)}-01`;
const b64 = (s: string) => Buffer.from(s).toString("base64");
const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
const pngBase64 = Buffer.from(Array.from({ length: 1500 }, (_, i) => (i * 7919) % 256)).toString("base64");

const NEGATIVES: Record<string, string> = {
  "sk- inside words":
    "see task-management-overview-framework-for-large-projects and risk-assessment-framework-2024",
  "sk- slug": "branch: feat/disk-usage-report-for-the-quarterly-review-2024",
  "env placeholder": "password: ${DB_PASSWORD}",
  "env default": "DB_PASSWORD=${DB_PASSWORD:-}",
  template: 'api_key: "{{ api_key }}"',
  "github actions expression": "token: ${{ secrets.GITHUB_TOKEN }}",
  "angle placeholder": "token: <your-token-here>",
  "your- placeholder": "ANTHROPIC_API_KEY=your-anthropic-api-key-here",
  "command substitution": "export GITHUB_TOKEN=$(gh auth token)",
  changeme: 'password = "changeme"',
  xxxx: "secret: xxxxxxxxxxxxxxxxxxxxxxxx",
  "xxxx github": "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
  asterisks: 'api_key = "****************"',
  "aws example id": "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
  "aws example secret": "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "bare sha1": sha1,
  "bare sha256": sha256,
  "commit sha": `"commit": "${sha1}"`,
  checksum: `checksum = "${sha256}"`,
  "sha256 key": `sha256: ${sha256}`,
  "uuid as id": `client_id = "${randomUUID()}"`,
  "uuid as token": `token = "${randomUUID()}"`,
  "lockfile integrity": `"integrity": "${sri}",`,
  "yarn integrity": `  integrity ${sri}`,
  "lockfile resolved": '"resolved": "https://registry.npmjs.org/js-tokens/-/js-tokens-4.0.0.tgz",',
  "member access": "apiKey: config.apiKey,",
  "env access": "token: process.env.GITHUB_TOKEN,",
  "function call": "const token = await getToken(request);",
  "type annotation": "password: string;",
  "python default": "def connect(api_key: str = None):",
  numbers: "max_tokens: 4096",
  "public key": `public_key = "${t.generic(40)}"`,
  "cache key": `cache_key: ${t.generic(40)}`,
  "pagination token": `next_page_token: "${t.generic(40)}"`,
  "not a secret name": `monkey = "${t.generic(24)}"`,
  "short password": "password: hunter2",
  "key value": "key: value",
  "short token": "token: abc123",
  "base64 image": `background: url(data:image/png;base64,${pngBase64});`,
  "img tag": `<img src="data:image/png;base64,${pngBase64}" alt="logo">`,
  "tutorial basic auth": "curl https://user:pass@example.com/api",
  "local postgres": "DATABASE_URL=postgres://postgres:postgres@localhost:5432/app",
  "url template": "mongodb://${MONGO_USER}:${MONGO_PASSWORD}@mongo:27017/db",
  "bearer variable": 'headers: { Authorization: "Bearer ${TOKEN}" }',
  "bearer concat": 'const header = "Bearer " + token;',
  "private key header only": "Paste the -----BEGIN RSA PRIVATE KEY----- block into the field.",
  "public key block": `-----BEGIN PUBLIC KEY-----\n${t.pemBody(4).join("\n")}\n-----END PUBLIC KEY-----`,
  "ssh public key": `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${t.generic(43)} user@host`,
  "slack placeholder": "SLACK_BOT_TOKEN=xoxb-your-bot-token",
  "query string": "https://example.com/search?key=value&page=2",
  "regex source": 'const TOKEN_PATTERN = "[A-Za-z0-9._~+/-]+=*";',
  "translated message": '"Key_remapping_1234": "インデックス署名のキーを再マップします"',
  "reverse dns id": 'export const RELATED_TASK_META_KEY = "io.modelcontextprotocol/related-task";',
  "sig word": "sig=abc",
  keyboard: `keyboard_layout = "${t.generic(24)}"`,
  // The false-positive classes measured on real histories (issue 13, bench/precision.bench.ts).
  "W3C traceparent under a computed key": `[TRACEPARENT_META_KEY]: '${traceparent}',`,
  "W3C traceparent under a token name": `const trace_token = "${traceparent}";`,
  "hex trace id": `trace_key: "${hex(32)}"`,
  "computed key in brackets": "[CLIENT_CAPABILITIES_META_KEY]: ClientCapabilities2026Schema,",
  "identifier assigned": "api_key = ApiKeyFromEnvironment2024",
  "URL query example": "const endpoint = '/messages?key=value#section2';",
  "URL query example, ampersand": "fetch(`/search?q=1&token=abc123#top`)",
  "a class name with a version mark under a key's name (stripe-node's resource registry)":
    "  Iam: resourceNamespace('iam', {ApiKeys: V2IamApiKeys}),",
  "a URN under a token-type constant (RFC 8693, dexidp/dex)":
    '\ttokenTypeSAML2 = "urn:ietf:params:oauth:token-type:saml2"',
  "a stand-in in base64 (dex's example client secret)": `      secret: ${b64("example-app-secret")}`,
  "a stand-in in base64, twice (a Kubernetes manifest)": `  key-secrets: ${b64(b64("x".repeat(32)))} # 32 x's base64 encoded twice.`,
  "Algolia DocSearch's search-only key beside its index": `    docsearch({ apiKey: '${hex(32)}', indexName: 'oauth2-thephpleague', inputSelector: '#search' });`,
  "a protocol's short name in a name of words (caddy)": 'const tlsH1OnlyVarKey = "reverse_proxy.tls_h1_only"',
  "kubeadm's documented bootstrap token": "  token: abcdef.0123456789abcdef",
  "RFC 6455's sample WebSocket key": 'wsKey := "dGhlIHNhbXBsZSBub25jZQ=="',
  "an endpoint's path of words under an _API name (wagtail)":
    "window.PATTERN_LIBRARY_API = '/pattern-library/api/v1/render-pattern'",
  "filler after a provider's prefix (payload)": "BLOB_READ_WRITE_TOKEN=vercel_blob_rw_abc123_xyz789",
  "a negated environment lookup in a minified bundle (payload)":
    "a={isTestKey:!!e7.env.PAYLOAD_PUBLIC_STRIPE_IS_TEST_KEY,b:1}",
  "an option's id ending in a number and its unit (documenso)":
    "  { key: 'MonthDateYear_TIME_12H', label: 'x' },",
  "a settings key's name with a vowelless protocol (hoppscotch)":
    "  key: 'mailer_smtp_oauth2_client_secret',",
  "a PostHog project key, public by design (formbricks)": `  api_key: "phc_${t.mixed(43)}",`,
  "JWT cut short": "access_token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...',",
  "JWT cut short in a header": "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIi",
  "value cut short": `api_key = "${t.mixed(12)}..."`,
  "Basic with a tutorial password": `expect(h).toBe('Basic ${b64("client123:secret123")}');`,
  "Basic, RFC 7617 example": `"Proxy-Authorization: Basic ${b64("Aladdin:open sesame")}"`,
  "Basic that is not user:password": `Basic ${t.mixed(24)}`,
  "UUID inside a value": `session_token = "urn:uuid:${randomUUID()}"`,
  "format placeholders in a URL": 'f"http://{ENCODED_USER}:{ENCODED_PASSWORD}@request.com/url.html"',
  "percent-encoded tutorial password": 'Proxy::http("http://ldap%5Cgremlin:pass%3Bword@127.0.0.1:8080")',
  "RFC 6749 example token": '"access_token":"2YotnFZFEjr1zCsicMWpAA",',
  "URL grammar in a doc comment":
    "/// postgresql://[user[:password]@][host][:port][/dbname][?param1=value1&...]",
  "URL grammar with angle brackets": "/// mysql://<user>[:<password>]@<host>[:<port>]/<database>",
  "tutorial password with digits and a symbol": "DATABASE_URL: mssql://sa:Password123!@localhost/sqlx",
  "a short phrase around a tutorial word":
    'url = httpx.URL("HTTPS://jo%40email.com:a%20secret@example.com:1234/")',
  "leetspeak tutorial password": '"https://user%20name:p%40ssword@example.com",',
  "weak password with symbols": 'assert str(new) == "https://tom%40example.org:abc123%40%20%25@example.org"',
  "escape sequence after a tutorial word": '"input": "https://user:pass[\\u007F@foo/bar",',
  "xkcd 936 password": "postgresql://user:correct%20horse%20battery%20staple@localhost",
  "enum value named like a password": 'AuthPlugin::CachingSha2Password => "caching_sha2_password",',
  // Code that assigns one identifier to another, as axios's mergeConfig.js does.
  "identifier joined by a digit": "  var axiosKeys = valueFromConfig2Keys",
  "identifier with a two-letter word": "    'withCredentials': defaultToConfig2,",
  "identifier with a digit and a short word": "  const authToken = mergeTo3Sources;",
  // authlib's README: an HTML attribute value ends (`">`) next to a link's text.
  "attribute end before link text":
    '<a href="https://auth0.com/overview?utm_campaign=authlib&utm_content=auth">auth0.com/overview</a>',
  // social-core's docstring: the digit row and the hex letters.
  "digit row and hex letters": "                'refreshToken': '1234567890abcdef',",
  // RFC 7592's registration access token, in authlib's docstring.
  "RFC 7592 registration access token": "            Authorization: Bearer reg-23410913-abewfq.123483",
  // pyjwt's algorithms.py: a parameter's type, an abbreviation among words.
  "type annotation with an abbreviation":
    "        self, msg: str | bytes, key: Ed25519PrivateKey | Ed448PrivateKey",
  // urllib3's rfc3986 docstring: a stand-in password, percent-encoded and in leetspeak.
  "percent-encoded leetspeak stand-in":
    "    'https://sigmavirus24:not-re%40l@github.com/sigmavirus24/rfc3986'",
  "stand-in password": "https://deploy:not-real@git.example.net/repo.git",
  // google-auth-library-python's aws.py: a module-private constant (leading underscore) as a value.
  "module-private constant":
    '                "X-aws-ec2-metadata-token-ttl-seconds": _IMDSV2_SESSION_TOKEN_TTL_SECONDS',
  "dunder constant": "token_key = __DEFAULT_TOKEN_KEY_V2__",
  // openai-python: a name of words and a vowel-less abbreviation; an SDP offer's ICE password.
  "identifier with a vowel-less abbreviation": "        self._sigv4_auth_cls = sigv4_auth_cls",
  "SDP ICE password": `          a=ice-pwd:${t.mixed(32)}`,
  // psycopg's workflows: a cache key of names and a dotted version, in a URL's query.
  "a cache key ending in a version":
    '  url: "https://api.github.com/repos/o/r/actions/caches?key=libpq-manylinux-ppc64le-17.2-3.4.0"',
  // supabase-js's jsr.json: a dependency under a package name holding "api".
  "a package specifier": '    "@opentelemetry/api": "npm:@opentelemetry/api@^1.0.0",',
  // supabase-js's helpers.ts: the base64 alphabet.
  "an alphabet": "  const key = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='",
  // okta-sdk-nodejs's generated models: type names with OAuth, acronyms and a vowel-less abbreviation.
  "type name with OAuth": "exports.OAuth2RefreshToken = OAuth2RefreshToken;",
  "type name with an acronym": "  'OAuth2ClientJsonSigningKeyRequest__EC': OAuth2ClientJsonWebKeyECRequest,",
  "type name with Jwk": "export type ListJwk200ResponseKeysInner = OAuth2ClientJsonEncryptionKeyResponse;",
  // Okta's API spec: a resource name's segments, and when a password changed.
  "a resource name's segment":
    "          orn: orn:okta:idp:00o1n8sbwArJ7OQRw406:authorization_servers:aus1gjh63g214q0Hq0g4",
  "an AWS ARN's segment": `  arn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:${t.mixed(20)}"`,
  "a timestamp under a password name": "          passwordChanged: '2013-07-02T21:36:25.344Z'",
  // Okta's API docs: Basic credentials of admin and an emphatic stand-in.
  "Basic with an emphatic stand-in password": `For example, \`Basic ${b64("admin:supersecret")}\`.`,
  "URL with an emphatic stand-in password": "redis://default:mypassword@localhost:6379/0",
  // firebase-admin-node: ascending runs end to end in a doc comment; a typings registry specifier.
  "ascending runs end to end": ' * const apiToken = "abc123xyz456";',
  "a typings registry specifier":
    '    "firebase-token-generator": "registry:dt/firebase-token-generator#2.0.0+20160316155526",',
  // celery's changelog and CI: Oracle's demo account; the Azure Storage emulator's published key.
  "scott/tiger": 'CELERY_RESULT_DBURI = "mysql://scott:tiger@localhost/foo"',
  "Azure Storage emulator key":
    "AZURE_STORAGE=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;",
  // knex's compose file: a camel-case phrase around "password"; a password joined from two words.
  "camel-case phrase around password": "      - SA_PASSWORD=S0meVeryHardPassword",
  "SQL Server docs' password": "      - MSSQL_SA_PASSWORD=YourStrong!Passw0rd",
  "a trivial word joined to a short one": "psql postgres://testuser:knextest@postgres/knex_test",
  // dotenv's README: a badge's image URL carries a token made to be public.
  "badge image token":
    "[![Openbase](https://badges.openbase.com/js/rating/dotenv.svg?token=WUAwEp0xbxX/gLzmvHayop33HsR7b+YpI/xOzklgqpk=)](https://openbase.com/js/dotenv)",
  "codecov badge token": `[![codecov](https://codecov.io/gh/o/r/branch/main/graph/badge.svg?token=${t.mixed(10).toUpperCase()})](https://codecov.io/gh/o/r)`,
  // vault-ruby's CircleCI config: a cache key's literal head before a pipeline parameter.
  "a value running into a CircleCI parameter":
    '          key: v1-dependencies-bundler-<< parameters.ruby-version >>-{{ checksum "vault.gemspec" }}',
  // Sinatra's README: a session secret with its middle left out.
  "a value cut with snip": '# echo "export SESSION_SECRET=99ae8af...snip...ec0f262ac" >> ~/.bashrc',
  // RFC 6749's client credentials, in oauthlib's docstrings.
  "RFC 6749 Basic credential": "            Authorization: Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW",
  "RFC 6749 authorization code": "code=SplxlOBeZQQYbYS6WxSbIA&state=xyz",
  "RFC 6750 bearer token": "Authorization: Bearer mF_9.B5f-4.1JqM",
  // werkzeug's IRI tests: a tutorial password with an accent, percent-encoded.
  "accented tutorial password":
    "assert urls.uri_to_iri('http://%C3%BCser:p%C3%A4ssword@xn--n3h.net/p%C3%A5th')",
  // next-auth's older pnpm-lock.yaml: a tarball's host and path under a package name.
  "a registry path without a scheme":
    "      '@types/jsonwebtoken': registry.npmjs.org/@types/jsonwebtoken/8.5.8",
  // next-auth's and crates.io's pnpm-lock.yaml: a dependency's version with its peers, under a
  // package name holding "keys" or "auth".
  "a pnpm version with its peers":
    "      '@babel/plugin-transform-duplicate-keys': 7.18.6_@babel+core@7.19.6",
  "a pnpm version with its peers in brackets": "      '@firebase/auth': 0.20.1(@firebase/app@0.9.1)",
  // minio-go: an HTTP header's name assigned to a name with "Key" in it.
  "an HTTP header name": '	sseCustomerKeyMD5 = "X-Amz-Server-Side-Encryption-Customer-Key-MD5"',
  // moto's IAM policies: an ARN with wildcard segments.
  "an ARN with wildcards": '            "Resource": "arn:*:secretsmanager:*:*:secret:eks12ab/*",',
  // moto and the AWS SDK: a key algorithm's name.
  "a key algorithm's name": "        key_algo = 'EC_prime256v1'",
  // age's keygen help text and sops' keys.txt: the public key printed before the identity.
  "an age public key in prose":
    "# public key: age1lvyvwawkr0mcnnnncaghunadrqkmuf9e6507x9y920xxpp866cnql7dp2z",
  // RFC 7520's JOSE cookbook in panva/jose: ciphertext under an "encrypted" name.
  "an encrypted key": `  encrypted_key: '${t.mixed(54)}',`,
  // crates.io's snapshot tests: an S3 object's key, a path to a file.
  "an object key that is a file path":
    '                    key: "cloudfront/index.staging.crates.io/E35K556QRQDZXW.2024-01-16-16.d01d5f13.gz",',
  // sentry-python's security notes: a provider's prefix and a short mask.
  "an npm token masked short": "//registry.npmjs.org/:_authToken=npm_XXXX",
  // moto: a value naming itself a mock.
  "a mock credential": `Credential=mock_access_key${hex(4)}/20200101/us-east-1/s3/aws4_request`,
  // mongodb's changelog: `password` in leetspeak with braces for the o.
  "leetspeak with braces": "whereas before `mongodb://u$ername:pa$$w{}rd@/tmp/mongodb-27017.sock/test` would",
  // sops' functional tests: the user name again as the password.
  "the user name as password": "DATABASE_URL=postgres://sops:sops@db.internal/sops",
  // knex's CI: the database's name again as the password.
  "the database name as password": "DB_URL=postgres://testuser:knex_test_db@pg.ci.internal:5432/knex_test_db",
  // MinIO's public playground, in its SDKs' Makefiles and READMEs.
  "MinIO's playground keys":
    "SERVER_ENDPOINT=play.min.io ACCESS_KEY=Q3AM3UQ867SPQQA43P2F SECRET_KEY=zuf+tfteSlswRu7BJ86wekitnifILbZam1KYY3TG go test",
  // djangorestframework-simplejwt's README: a token that expired in 1970.
  "an expired JWT": `-H "Authorization: Bearer ${b64url({ alg: "HS256", typ: "JWT" })}.${b64url({ user_pk: 1, token_type: "access", exp: 1234567 })}.${t.mixed(43, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")}"`,
  // AWS's documentation key in a Go struct: secretlint's match stops 40 characters after the name.
  "AWS example secret under a Go field name":
    '\t\tSecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",',
};

describe("not secrets", () => {
  it.each(Object.entries(NEGATIVES))("%s", async (_name, text) => {
    const { findings } = await scanText(`${text}\n`, "example.txt");
    expect(findings).toEqual([]);
  });

  it("the whole corpus in one file is clean too", async () => {
    const { findings } = await scanText(Object.values(NEGATIVES).join("\n"), "corpus.txt");
    expect(findings).toEqual([]);
  });
});

describe("this project's own source tree", () => {
  it("scans clean", async () => {
    const root = resolve(import.meta.dirname, "../..");
    const paths = execFileSync("git", ["ls-files", "-z", "--", "src", "test", "bench", "scripts"], {
      cwd: root,
      encoding: "utf8",
    })
      .split("\0")
      .filter(Boolean);
    const files = paths.flatMap((p) => {
      const abs = join(root, p);
      try {
        const size = statSync(abs).size;
        return [{ path: p, size, read: async () => readFileSync(abs) }];
      } catch {
        return []; // deleted in the working tree
      }
    });
    const report = await scanShippedContent({ files, workers: 0 });
    expect(report.findings.map((f) => `${f.path}:${f.line} ${f.rule}`)).toEqual([]);
    expect(report.stats.filesScanned).toBeGreaterThan(20);
  });
});
