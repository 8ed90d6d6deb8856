import { describe, expect, it } from "vitest";
import { hashKey } from "../config/load.js";
import { GatewayError } from "../errors/gateway-error.js";
import { KeyRing } from "./keys.js";

describe("KeyRing", () => {
  const ring = new KeyRing([
    {
      name: "a",
      sha256: hashKey("sk-alpha-123"),
      tenant: "t-a",
      prefix: undefined,
      models: undefined,
      admin: false,
    },
    {
      name: "b",
      sha256: hashKey("sk-bravo-456"),
      tenant: "t-b",
      prefix: undefined,
      models: new Set(["m"]),
      admin: false,
    },
  ]);
  const codeOf = (headers: Record<string, string>): string | undefined => {
    try {
      ring.authenticate(headers);
      return undefined;
    } catch (error) {
      return error instanceof GatewayError ? error.code : "not a GatewayError";
    }
  };

  it("finds a key sent as Bearer (any case), api-key or x-api-key, repeatedly", () => {
    expect(ring.authenticate({ authorization: "Bearer sk-alpha-123" }).tenant).toBe("t-a");
    expect(ring.authenticate({ authorization: "bearer sk-alpha-123" }).tenant).toBe("t-a");
    expect(ring.authenticate({ "api-key": "sk-bravo-456" }).tenant).toBe("t-b");
    expect(ring.authenticate({ "x-api-key": "sk-bravo-456" }).tenant).toBe("t-b");
    expect(ring.authenticate({ authorization: "Bearer sk-alpha-123" }).name).toBe("a");
  });

  it("refuses a missing, malformed or unknown key with invalid_api_key", () => {
    expect(codeOf({})).toBe("invalid_api_key");
    expect(codeOf({ authorization: "Basic abc" })).toBe("invalid_api_key");
    expect(codeOf({ authorization: "Bearer sk-wrong" })).toBe("invalid_api_key");
    expect(codeOf({ authorization: "Bearer sk-wrong" })).toBe("invalid_api_key");
  });
});
