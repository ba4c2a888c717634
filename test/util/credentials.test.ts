/**
 * What of the user's environment reaches the agent: credentials (redacted everywhere), Claude
 * Code's provider settings, names the user adds; and what a nested agent must never inherit.
 */
import { describe, expect, it } from "vitest";
import { runOptionsSchema } from "../../src/core/options.js";
import {
  credentialValues,
  forwardedValues,
  hasClaudeAccess,
  scrubbedAgentEnv,
} from "../../src/util/credentials.js";

describe("forwarded environment", () => {
  it("accepts a Claude subscription's OAuth token alone, and Bedrock or Vertex by their switch", () => {
    expect(hasClaudeAccess({ CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat01-x" })).toBe(true);
    expect(hasClaudeAccess({ CLAUDE_CODE_USE_BEDROCK: "1" })).toBe(true);
    expect(hasClaudeAccess({ CLAUDE_CODE_USE_VERTEX: "true" })).toBe(true);
    expect(hasClaudeAccess({ CLAUDE_CODE_USE_BEDROCK: "0", ANTHROPIC_BASE_URL: "http://x" })).toBe(false);
  });

  it("forwards the documented settings and the names the user adds, never the run's own", () => {
    const env = {
      ANTHROPIC_API_KEY: "sk-ant-api03-key",
      ANTHROPIC_BASE_URL: "https://gateway.example",
      ANTHROPIC_MODEL: "claude-sonnet-4-5",
      AWS_SECRET_ACCESS_KEY: "aws-secret-value",
      AMPLIHACK_REMOTE_FORWARD_ENV: "MY_TOKEN,",
      MY_TOKEN: "my-token-value",
      PATH: "/laptop/bin",
      UNRELATED: "x",
    };
    const names = forwardedValues(env, ["AWS_SECRET_ACCESS_KEY"]).map((v) => v.name);
    expect(names).toEqual([
      "ANTHROPIC_API_KEY",
      "ANTHROPIC_BASE_URL",
      "ANTHROPIC_MODEL",
      "AWS_SECRET_ACCESS_KEY",
      "MY_TOKEN",
    ]);
    // A name the run sets itself is refused, with the place it came from.
    expect(() => forwardedValues({ ...env, AMPLIHACK_REMOTE_FORWARD_ENV: "MY_TOKEN PATH" })).toThrow(
      /PATH \(in --forward-env or \$AMPLIHACK_REMOTE_FORWARD_ENV\) is set by the run/,
    );
    // Credentials and added names are redacted from logs; a model name is not a secret.
    expect(credentialValues(env, ["AWS_SECRET_ACCESS_KEY"]).sort()).toEqual(
      ["aws-secret-value", "my-token-value", "sk-ant-api03-key"].sort(),
    );
  });

  it("refuses --forward-env names that are not variable names or that the run sets itself", () => {
    const base = { command: "auto", prompt: "p" };
    expect(runOptionsSchema.safeParse({ ...base, forwardEnv: ["AWS_PROFILE"] }).success).toBe(true);
    for (const bad of ["PATH", "AR_RUN_ID", "A=B", "1X"]) {
      const r = runOptionsSchema.safeParse({ ...base, forwardEnv: [bad] });
      expect(r.success, bad).toBe(false);
      expect(r.error?.issues[0].message).toContain(`--forward-env ${bad}`);
    }
  });

  it("drops a surrounding Claude Code session's variables and the forwarded values from the agent's inherited environment", () => {
    const env = {
      CLAUDECODE: "1",
      CLAUDE_CODE_ENTRYPOINT: "cli",
      CLAUDE_CODE_SESSION_ID: "s",
      CLAUDE_CODE_MESSAGING_SOCKET: "/tmp/cc.sock",
      CLAUDE_CODE_MESSAGING_TOKEN: "t",
      CLAUDE_PLUGIN_ROOT: "/p",
      CLAUDE_PLUGIN_DATA: "/d",
      CLAUDE_PROJECT_DIR: "/proj",
      ANTHROPIC_API_KEY: "k",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      PATH: "/usr/bin",
    };
    expect(Object.keys(scrubbedAgentEnv(env)).sort()).toEqual([
      "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
      "PATH",
    ]);
  });
});
