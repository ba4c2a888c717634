import { describe, expect, it } from "vitest";
import { parseAzlinVersion, requireSupportedVersion } from "../../src/azlin/version.js";
import { RemoteError } from "../../src/util/errors.js";

describe("azlin version", () => {
  it("reads both version outputs", () => {
    expect(parseAzlinVersion("azlin 2.7.3\n")).toMatchObject({ major: 2, minor: 7, patch: 3, text: "2.7.3" });
    expect(parseAzlinVersion("azlin 2.7.3 (rust)\n")?.text).toBe("2.7.3");
    expect(parseAzlinVersion("something else")).toBeNull();
  });
  it("accepts 2.7.0 and newer", () => {
    expect(requireSupportedVersion("azlin 2.7.0").text).toBe("2.7.0");
    expect(requireSupportedVersion("azlin 2.10.1").text).toBe("2.10.1");
    expect(requireSupportedVersion("azlin 3.0.0").text).toBe("3.0.0");
  });
  it("refuses older versions, naming the one needed and how to update", () => {
    try {
      requireSupportedVersion("azlin 2.6.9");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(RemoteError);
      const e = err as RemoteError;
      expect(e.code).toBe("azlin-version");
      expect(e.message).toContain("2.6.9");
      expect(e.message).toContain("2.7.0");
      expect(e.remedy).toContain("azlin update");
    }
  });
  it("refuses output it cannot read", () => {
    expect(() => requireSupportedVersion("usage: azlin [OPTIONS]")).toThrow(/Could not read azlin's version/);
  });
});
