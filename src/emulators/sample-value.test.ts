import { describe, expect, it } from "vitest";
import { sampleFromSchema } from "./sample-value.js";

const context = { text: "Book a table in Lisbon tonight" };

describe("sampleFromSchema", () => {
  it("fills required properties by type and leaves optional ones out", () => {
    const value = sampleFromSchema(
      {
        type: "object",
        properties: {
          city: { type: "string" },
          seats: { type: "integer", minimum: 50 },
          price: { type: "number", maximum: 10 },
          vip: { type: "boolean" },
          mood: { enum: ["calm", "loud"] },
          note: { type: "string" },
        },
        required: ["city", "seats", "price", "vip", "mood"],
      },
      context,
    );
    expect(value).toEqual({
      city: expect.stringMatching(/^(Book|table|Lisbon|tonight)$/) as unknown,
      seats: 50,
      price: 10,
      vip: true,
      mood: "calm",
    });
  });

  it("handles nested objects, arrays, $ref, anyOf, nullable types, const and formats", () => {
    const value = sampleFromSchema(
      {
        type: "object",
        $defs: {
          slot: {
            type: "object",
            properties: { at: { type: "string", format: "date-time" } },
            required: ["at"],
          },
        },
        properties: {
          slots: { type: "array", items: { $ref: "#/$defs/slot" }, minItems: 2 },
          owner: {
            anyOf: [
              { type: "null" },
              {
                type: "object",
                properties: { email: { type: "string", format: "email" } },
                required: ["email"],
              },
            ],
          },
          version: { const: 3 },
          code: { type: ["string", "null"], minLength: 12, maxLength: 12 },
        },
        required: ["slots", "owner", "version", "code"],
      },
      context,
    ) as Record<string, unknown>;
    expect(value["slots"]).toEqual([{ at: "2024-01-01T00:00:00Z" }, { at: "2024-01-01T00:00:00Z" }]);
    expect(value["owner"]).toEqual({ email: "user@example.com" });
    expect(value["version"]).toBe(3);
    expect(value["code"]).toHaveLength(12);
  });

  it("is deterministic and survives recursive schemas", () => {
    const recursive = { type: "object", properties: { child: { $ref: "#" } }, required: ["child"] };
    expect(sampleFromSchema(recursive, context)).toEqual(sampleFromSchema(recursive, context));
    expect(sampleFromSchema(undefined, { text: "" })).toEqual({});
  });
});
