/**
 * Approximate pay-as-you-go prices of common Linux VM sizes, in USD per hour, for the `vms`
 * listing ("what is this costing me?"). Source: Azure's public price list for East US, Linux,
 * pay-as-you-go, as of 2025; other regions differ by roughly ±20 %, and disks, public IPs and a
 * Bastion (~$0.19/h per region) come on top. An estimate to notice a forgotten VM, not a bill.
 */

export const HOURLY_PRICE_USD: Readonly<Record<string, number>> = {
  Standard_D2s_v3: 0.096,
  Standard_D4s_v3: 0.192,
  Standard_D8s_v3: 0.384,
  Standard_D2s_v5: 0.096,
  Standard_D4s_v5: 0.192,
  Standard_D8s_v5: 0.384,
  Standard_D16s_v5: 0.768,
  Standard_E2as_v5: 0.113,
  Standard_E4as_v5: 0.226,
  Standard_E8as_v5: 0.452,
  Standard_E16as_v5: 0.904,
};

/** The estimated hourly price of a SKU, or null when it is not in the table. */
export function hourlyPriceUsd(vmSize: string): number | null {
  const key = Object.keys(HOURLY_PRICE_USD).find((k) => k.toLowerCase() === vmSize.toLowerCase());
  return key ? HOURLY_PRICE_USD[key] : null;
}
