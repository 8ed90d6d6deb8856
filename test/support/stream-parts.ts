import { readFileSync } from "node:fs";
import { expect } from "vitest";
import type { StreamPart } from "../../src/core/stream-part.js";
import type { Usage } from "../../src/core/usage.js";

/** The shared recorded responses (`test/fixtures/providers/<dialect>/…`); their facts are in its INDEX.md. */
const fixtures = new URL("../fixtures/providers/", import.meta.url);

export function readFixture(path: string): string {
  return readFileSync(new URL(path, fixtures), "utf8");
}

/** The non-empty lines of a `.chunks.txt` recording: one event payload each. */
export function fixtureLines(path: string): string[] {
  return readFixture(path)
    .split("\n")
    .filter((line) => line !== "");
}

/** A decoded stream, gathered the way a client would assemble it. */
export interface CollectedStream {
  /** The last `response-metadata` part's id and model. */
  id: string | undefined;
  model: string | undefined;
  metadata: StreamPart[];
  text: string;
  reasoning: string;
  refusal: string;
  calls: { id: string; name: string; args: string }[];
  finish: string[];
  usage: Usage[];
  errors: StreamPart[];
  /** The codes of the error parts. */
  errorCodes: string[];
}

/** Gathers parts, checking that tool calls open in order and deltas only reach opened calls. */
export function collectParts(parts: readonly StreamPart[]): CollectedStream {
  const out: CollectedStream = {
    id: undefined,
    model: undefined,
    metadata: [],
    text: "",
    reasoning: "",
    refusal: "",
    calls: [],
    finish: [],
    usage: [],
    errors: [],
    errorCodes: [],
  };
  for (const part of parts) {
    switch (part.type) {
      case "response-metadata":
        out.metadata.push(part);
        out.id = part.id ?? out.id;
        out.model = part.model ?? out.model;
        break;
      case "text-delta":
        out.text += part.delta;
        break;
      case "reasoning-delta":
        out.reasoning += part.delta;
        break;
      case "refusal-delta":
        out.refusal += part.delta;
        break;
      case "tool-call-start":
        expect(out.calls.length).toBe(part.index);
        out.calls.push({ id: part.id, name: part.name, args: "" });
        break;
      case "tool-call-delta": {
        const call = out.calls[part.index];
        if (call === undefined) throw new Error(`delta for unopened call ${part.index}`);
        call.args += part.argumentsDelta;
        break;
      }
      case "finish":
        out.finish.push(part.finishReason);
        break;
      case "usage":
        out.usage.push(part.usage);
        break;
      case "error":
        out.errors.push(part);
        out.errorCodes.push(part.error.code);
        break;
    }
  }
  return out;
}
