import { createHmac, timingSafeEqual } from "node:crypto";
import type { ChatMessage } from "./chat-request.js";
import type { ChatReply } from "./chat-reply.js";

/**
 * The secret the emulated Claude signs its thinking with. One for every emulator by default: Claude's
 * signatures hold across Anthropic, Bedrock and Vertex, so a block one cloud issued verifies on another.
 */
export const DEFAULT_THINKING_SECRET = "switchyard-emulated-claude";

/** Anthropic's documented test string: a prompt holding it is answered with a redacted thinking block. */
export const REDACTED_THINKING_TRIGGER =
  "ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253";

/** The emulated model's extended thinking: signed blocks, and the check of replayed ones. */
export class ThinkingSigner {
  readonly #secret: string;

  constructor(secret: string = DEFAULT_THINKING_SECRET) {
    this.#secret = secret;
  }

  /** A thinking block's signature: an HMAC of its text under the emulator's secret. */
  sign(thinking: string): string {
    return createHmac("sha256", this.#secret).update(`thinking\u0000${thinking}`).digest("base64");
  }

  verify(thinking: string, signature: string): boolean {
    return equal(this.sign(thinking), signature);
  }

  /** A redacted block's payload: the hidden text, base64, and an HMAC over it. */
  redact(thinking: string): string {
    const payload = Buffer.from(thinking, "utf8").toString("base64");
    return `${payload}.${this.#mac(payload)}`;
  }

  verifyRedacted(data: string): boolean {
    const dot = data.lastIndexOf(".");
    return dot > 0 && equal(this.#mac(data.slice(0, dot)), data.slice(dot + 1));
  }

  #mac(payload: string): string {
    return createHmac("sha256", this.#secret).update(`redacted\u0000${payload}`).digest("base64url");
  }
}

function equal(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What the emulated model thinks before it answers: deterministic, and about what it was asked. */
export function composeThinking(messages: readonly ChatMessage[], reply: ChatReply): string {
  const last = messages.at(-1);
  if (last?.role === "tool") {
    return "The tool has answered. I can now give the user its result in a sentence.";
  }
  const said = [...messages].reverse().find((message) => message.role === "user")?.content ?? "";
  const topic = said.replace(/\s+/g, " ").trim().slice(0, 80);
  if (reply.toolCalls.length > 0) {
    const names = reply.toolCalls.map((call) => call.name).join(" and ");
    return `The user asks: "${topic}". I need data I do not have, so I will call ${names} first.`;
  }
  return `The user says: "${topic}". A short, direct answer will do.`;
}

/** Whether the last user turn asks for a redacted block (Anthropic's test string). */
export function wantsRedacted(messages: readonly ChatMessage[]): boolean {
  const said = [...messages].reverse().find((message) => message.role === "user")?.content ?? "";
  return said.includes(REDACTED_THINKING_TRIGGER);
}
