// The exact texts of azlin 2.7.3 that a wrapper can meet (reference §1-§5 and §7). Kept in one
// place so the fake's contract tests and the fake itself read the same words.

export const VERSION = "2.7.3";

export const authFailed = () =>
  [
    "Error: Azure authentication failed: `az account show` failed (exit 1): ERROR: Please run 'az login' to setup account.",
    "Run 'az login' to authenticate with Azure CLI.",
    "",
    "💡 Suggestion: Run 'az login' to authenticate with Azure",
  ].join("\n");

export const noResourceGroup = () =>
  [
    "Error: No resource group configured.",
    "",
    "Set one of these — the first that applies wins:",
    "  1. pass --resource-group <rg> (or --rg <rg>) on the command line",
    "  2. switch to a context that has one: azlin context use <name>",
    "  3. set a default once: azlin config set default_resource_group <rg>",
  ].join("\n");

export const configParseFailed = (path, detail) =>
  [
    `azlin-error: Failed to parse config at ${path}: ${detail}`,
    "azlin will not fall back to default settings when the config file is invalid; fix or remove it.",
  ].join("\n");

export const resourceNotFound = (name, rg) =>
  `Error: ❌ Azure error [ResourceNotFound]: The Resource 'Microsoft.Compute/virtualMachines/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`;

export const azTimeout = "Failed to execute 'az' CLI. Is Azure CLI installed?: az timed out after 120s";

export const createTimedOut = (name) => `Error: Failed to create VM '${name}': ${azTimeout}`;

export const quotaExceeded = (region, sku, cores = { limit: 10, inUse: 8, requested: 16 }) =>
  [
    "Error: ❌ Quota exceeded: not enough vCPU cores available.",
    `   Region:     ${region}`,
    `   VM size:    ${sku}`,
    `   Limit:      ${cores.limit} cores`,
    `   In use:     ${cores.inUse} cores`,
    `   Requested:  ${cores.requested} cores`,
    "",
    "💡 Options:",
    "   • Use a smaller VM size (--size s or --size m)",
    "   • Try another region (--region eastus2)",
    "   • Request a quota increase: https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/UsageAndQuota.ReactView",
    "   • Use --region-fit to auto-find a region with enough quota",
  ].join("\n");

export const skuNotAvailable = (sku, region) =>
  `Error: ❌ VM size not available: The requested VM size '${sku}' is currently not available in location '${region}'. Please try another size or deploy to a different location.`;

export const egressFailed = (name) =>
  `Error: 1 VM(s) were created but have NO outbound internet: ${name}. Check the NAT gateway of the subnet, or delete the VM with 'azlin kill ${name} --force'.`;

export const killConfirm = "Error: Confirmation required but stdin is not a terminal. Use --force to skip.";

export const killTimedOut = (name) =>
  [
    `Error: Deleted 0 of 1 resource(s) for '${name}'; 1 failed and may still be billing:`,
    `  Microsoft.Compute/virtualMachines/${name}: ${azTimeout}`,
    "Run 'azlin cleanup' to retry the remainder.",
  ].join("\n");

export const destroyed = (name) => `Deleted ${name} and 3 associated resource(s) (~$3.65/month reclaimed)`;

export const nothingToDelete = (name, rg) => `VM '${name}' not found in '${rg}' — nothing to delete`;

export const scpFailed = "Error: scp failed.";

export const cpNeedsTwoArgs =
  "Usage: azlin cp <source> <destination>\nError: Use vm_name:path for remote paths.";

/** ssh's words when an established connection dies under a running command. */
export const connectionClosed = (host) => `Connection to ${host} closed by remote host.`;

export const sshTimedOut = (host) => `ssh: connect to host ${host} port 22: Connection timed out`;

export const connectUnknownVm = (name, rg) =>
  `Error: No VM or tmux session named '${name}' found in resource group '${rg}'.`;

export const invalidTagFormat = (t) => `Error: Invalid tag format '${t}'. Use key=value.`;
export const invalidTagKey = (k) =>
  `Error: Invalid tag key '${k}': must be non-empty and contain only alphanumeric, hyphen, underscore, dot`;
export const invalidTagValue = "Error: Invalid tag value: must not contain control characters";

/** validate_vm_name (azlin-core/src/models.rs). */
export function vmNameError(name) {
  if (name.length === 0) return `VM name '${name}' cannot be empty`;
  if (name.length > 64) return `VM name '${name}' exceeds 64 character limit (${name.length})`;
  if (/^[-.]/.test(name)) return `VM name '${name}' cannot start with hyphen or period`;
  if (/[-.]$/.test(name)) return `VM name '${name}' cannot end with hyphen or period`;
  if (!/^[A-Za-z0-9.-]+$/.test(name))
    return `VM name '${name}' can only contain alphanumeric characters, hyphens, and periods`;
  return null;
}

/** tier_to_sku (cmd_vm_ops.rs), D family unless E is asked for; xl/xxl default to E. */
export function tierToSku(tier, family) {
  const d = {
    xs: "Standard_D2s_v5",
    s: "Standard_D4s_v5",
    m: "Standard_D8s_v5",
    l: "Standard_D16s_v5",
    xl: "Standard_D32s_v5",
    xxl: "Standard_D64s_v5",
  };
  const e = {
    xs: "Standard_E2as_v5",
    s: "Standard_E4as_v5",
    m: "Standard_E8as_v5",
    l: "Standard_E16as_v5",
    xl: "Standard_E32as_v5",
    xxl: "Standard_E64as_v5",
  };
  const useE = family === "e" || (family !== "d" && (tier === "xl" || tier === "xxl"));
  return (useE ? e : d)[tier];
}

/** vCPUs and memory per SKU, for list's cpu/mem columns (az vm list-sizes). */
export function skuShape(sku) {
  const m = /^Standard_([DE])(\d+)a?s_v(\d)$/i.exec(sku);
  if (!m) return { cpu: "2", mem: "8 GB" };
  const cores = Number(m[2]);
  const perCore = m[1].toUpperCase() === "E" ? 8 : 4;
  return { cpu: String(cores), mem: `${cores * perCore} GB` };
}

/** SimpleTable with widths [14, 40]; longer values are cut with "…". */
export function propertyTable(rows) {
  const cell = (s, w) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  const line = (l, m, r) => `${l}${"─".repeat(16)}${m}${"─".repeat(42)}${r}`;
  return [
    line("┌", "┬", "┐"),
    `│ ${cell("Property", 14)} │ ${cell("Value", 40)} │`,
    line("├", "┼", "┤"),
    ...rows.map(([k, v]) => `│ ${cell(k, 14)} │ ${cell(v, 40)} │`),
    line("└", "┴", "┘"),
  ].join("\n");
}
