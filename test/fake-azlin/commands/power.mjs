// `azlin start` / `azlin stop`: change the power state; only spinners, so nothing on stdout.
import { Exit, fail, RG_OPTIONS } from "../context.mjs";
import { findVm, updateState } from "../state.mjs";
import { resourceNotFound } from "../texts.mjs";

export const startSpec = {
  usage: "azlin start [OPTIONS] <VM_NAME>",
  requiredUsage: "azlin start <VM_NAME>",
  options: { ...RG_OPTIONS },
  positionals: [{ name: "VM_NAME", required: true }],
};

export const stopSpec = {
  usage: "azlin stop [OPTIONS] <VM_NAME>",
  requiredUsage: "azlin stop <VM_NAME>",
  options: { ...RG_OPTIONS, "--no-deallocate": { key: "noDeallocate", flag: true } },
  positionals: [{ name: "VM_NAME", required: true }],
};

function setPower(ctx, name, state) {
  const rg = ctx.azure();
  const ok = updateState(ctx.env, (s) => {
    const vm = findVm(s, name, rg);
    if (vm) vm.power_state = state;
    return Boolean(vm);
  });
  if (!ok) throw fail(resourceNotFound(name, rg));
  return new Exit(0);
}

export const start = (ctx, args) => setPower(ctx, args.VM_NAME, "Running");
export const stop = (ctx, args) =>
  setPower(ctx, args.VM_NAME, ctx.opts.noDeallocate ? "Stopped" : "Deallocated");
