/**
 * Turns a failed azlin call into a RemoteError a user can act on. azlin exits 1 for every handled
 * error and 2 for usage errors, so the kind of failure is read from its (ANSI-stripped) text; the
 * patterns are the messages listed in shared/reference/azlin-cli.md §1.4, §2.2 and §5.
 */
import { type ErrorCode, RemoteError } from "../util/errors.js";
import type { SpawnResult } from "../util/run.js";
import { cleanAzlinText, firstAzlinLine } from "./text.js";

export interface FailureContext {
  /** The subcommand, e.g. "new", "connect". */
  operation: string;
  binary: string;
  vmName?: string;
  resourceGroup?: string;
  vmSize?: string;
  region?: string;
}

interface Rule {
  code: ErrorCode;
  test: RegExp;
  message: (ctx: FailureContext, text: string) => string;
  remedy: (ctx: FailureContext) => string;
}

const vm = (ctx: FailureContext) => (ctx.vmName ? `VM ${ctx.vmName}` : "the VM");
const rgText = (ctx: FailureContext) => (ctx.resourceGroup ? ` in resource group ${ctx.resourceGroup}` : "");

const RULES: Rule[] = [
  {
    code: "azlin-failed",
    test: /azlin-error: Failed to (?:parse|read) config/,
    message: (_c, t) =>
      `azlin cannot read its configuration: ${firstAzlinLine(t).replace(/^azlin-error:\s*/, "")}`,
    remedy: () => "Fix or remove the file it names (see `azlin config show`), then retry.",
  },
  {
    code: "azlin-auth",
    test: /Azure authentication failed|Run 'az login'|run: az login|Run: az login|AADSTS\d+|🔑/,
    message: (_c, t) => `azlin is not logged in to Azure: ${firstAzlinLine(t)}`,
    remedy: () =>
      "Run `az login` (and `az account set --subscription <id>` if you have several), then retry.",
  },
  {
    code: "azlin-auth",
    test: /Authorization failed|AuthorizationFailed|🔒/,
    message: (c, t) => `Azure refused the operation${rgText(c)}: ${firstAzlinLine(t)}`,
    remedy: () =>
      "Ask for Contributor rights on the resource group, or use another one (AMPLIHACK_REMOTE_RG).",
  },
  {
    code: "azlin-no-rg",
    test: /No resource group configured/,
    message: () => "azlin has no resource group to work in.",
    remedy: () =>
      "Set AMPLIHACK_REMOTE_RG=<resource-group>, or give azlin a default: `azlin config set default_resource_group <rg>`.",
  },
  {
    code: "azlin-no-rg",
    test: /ResourceGroupNotFound|Resource group '[^']*' could not be found/,
    message: (c, t) =>
      `The resource group${c.resourceGroup ? ` ${c.resourceGroup}` : ""} does not exist: ${firstAzlinLine(t)}`,
    remedy: () =>
      "Create it (`az group create -n <rg> -l <region>`) or point AMPLIHACK_REMOTE_RG at an existing one.",
  },
  {
    code: "azlin-quota",
    test: /Quota exceeded|QuotaExceeded|No region found with available quota/,
    message: (c, t) =>
      `Azure has no vCPU quota left for ${c.vmSize ?? "this VM size"}${c.region ? ` in ${c.region}` : ""}:\n${cleanAzlinText(t)}`,
    remedy: () =>
      "Use a smaller --vm-size, another --region, reuse a VM (drop --no-reuse), or request a quota increase.",
  },
  {
    code: "azlin-sku",
    test: /VM size not available|SkuNotAvailable/,
    message: (c, t) =>
      `The VM size ${c.vmSize ?? ""} is not available${c.region ? ` in ${c.region}` : ""}: ${firstAzlinLine(t)}`,
    remedy: () => "Pick another --vm-size (e.g. Standard_D2s_v5) or another --region.",
  },
  {
    code: "azlin-not-found",
    test: /ResourceNotFound|was not found|No VM or tmux session named|not found in '/,
    message: (c) => `${vm(c)} was not found${rgText(c)}.`,
    remedy: () => "List the VMs with `azlin list --all` (or `amplihack-remote vms`) and check the name.",
  },
  {
    code: "azlin-ssh",
    test: /No bastion host found|bastion tunnel|Permission denied \(publickey\)|SSH not ready/,
    message: (c, t) => `Could not reach ${vm(c)} over ssh: ${firstAzlinLine(t)}`,
    remedy: () =>
      "Check the VM is running (`azlin list --all`); for key problems run `azlin sync-keys <vm>`; then retry.",
  },
  {
    code: "azlin-timeout",
    test: /timed out after \d+s/,
    message: (c, t) => `azlin ${c.operation} timed out: ${firstAzlinLine(t)}`,
    remedy: () => "Azure may still be working on it: check with `azlin list --all`, then retry.",
  },
];

/** The RemoteError for a failed call; `result` is what the Runner returned. */
export function classifyAzlinFailure(result: SpawnResult, ctx: FailureContext): RemoteError {
  const raw = `${result.stderr}\n${result.stdout}`;
  const text = cleanAzlinText(raw);
  const details = { azlinOperation: ctx.operation, azlinExitCode: result.exitCode, vm: ctx.vmName };
  if (result.failedToStart) {
    return new RemoteError(
      "azlin-missing",
      `azlin is not installed or not runnable (tried \`${ctx.binary}\`: ${firstAzlinLine(result.stderr) || "not found"}).`,
      "Install azlin 2.7 or newer (https://github.com/rysweet/azlin#installation), make sure `azlin` is on PATH, or set AMPLIHACK_REMOTE_AZLIN to its path.",
      { details },
    );
  }
  if (result.canceled) {
    return new RemoteError(
      "interrupted",
      `azlin ${ctx.operation} was cancelled.`,
      "Run the command again when ready.",
      { details },
    );
  }
  if (result.timedOut) {
    return new RemoteError(
      "azlin-timeout",
      `azlin ${ctx.operation}${ctx.vmName ? ` ${ctx.vmName}` : ""} did not finish in time and was stopped.`,
      "Azure may still be working on it: check with `azlin list --all` (or `amplihack-remote vms`), then retry.",
      { details },
    );
  }
  for (const rule of RULES) {
    if (rule.test.test(text))
      return new RemoteError(rule.code, rule.message(ctx, text), rule.remedy(ctx), { details });
  }
  if (ctx.operation === "connect" && result.exitCode === 255) {
    return new RemoteError(
      "azlin-ssh",
      `ssh to ${vm(ctx)} failed (exit 255)${text ? `: ${firstAzlinLine(text)}` : "."}`,
      "Check the VM is running (`azlin list --all`) and reachable (`azlin connect <vm>`), then retry.",
      { details },
    );
  }
  if (result.exitCode === 2 && /^error: /m.test(text)) {
    return new RemoteError(
      "azlin-failed",
      `azlin rejected the arguments of \`azlin ${ctx.operation}\`: ${firstAzlinLine(text)}`,
      "This azlin speaks a different CLI than amplihack-remote expects (azlin 2.7.x); check `azlin --version` and update one of them.",
      { details },
    );
  }
  return new RemoteError(
    "azlin-failed",
    `azlin ${ctx.operation}${ctx.vmName ? ` ${ctx.vmName}` : ""} failed (exit ${result.exitCode})${text ? `:\n${text}` : "."}`,
    "Run the same azlin command by hand to see the whole story, fix the cause, then retry.",
    { details },
  );
}
