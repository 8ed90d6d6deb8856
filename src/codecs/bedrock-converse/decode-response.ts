import type { ReasoningPart, ToolCall } from "../../core/chat-request.js";
import type { ChatResult } from "../../core/chat-result.js";
import { GatewayError } from "../../errors/gateway-error.js";
import {
  argumentsText,
  converseIssuer,
  decodeStopReason,
  decodeUsage,
  guardrailBlockedInput,
  isObject,
  readStopSequence,
} from "./wire.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function badResponse(message: string): GatewayError {
  return new GatewayError(
    "upstream_bad_response",
    `the upstream's Converse response is malformed: ${message}`,
  );
}

/**
 * A Converse response → canonical result. Text blocks are joined; `toolUse` blocks become tool calls;
 * `reasoningContent` becomes the reasoning text and the reasoning blocks (`reasoningText` with its
 * signature, `redactedContent` as the base64 text it arrives as), kept for the client's replay.
 * Other block types (citations, images…) carry nothing canonical.
 * Converse answers carry no id or model name.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax
 */
export function decodeBedrockConverseResponse(body: unknown): ChatResult {
  if (!isObject(body)) throw badResponse("the body is not a JSON object");
  // A prompt the guardrail refused is the client's error (400); an answer it cut ends with content_filter.
  if (guardrailBlockedInput(body))
    throw new GatewayError("upstream_content_filter", "Bedrock's guardrail blocked the prompt");
  const output = body["output"];
  const message = isObject(output) ? output["message"] : undefined;
  if (!isObject(message)) throw badResponse("it has no output.message");
  const content = message["content"];
  if (!Array.isArray(content)) throw badResponse("output.message.content is not an array");
  let text: string | null = null;
  let reasoning = "";
  const blocks: ReasoningPart[] = [];
  const toolCalls: ToolCall[] = [];
  for (const [index, block] of (content as unknown[]).entries()) {
    if (!isObject(block)) throw badResponse(`output.message.content[${index}] is not an object`);
    if (typeof block["text"] === "string") {
      text = (text ?? "") + block["text"];
      continue;
    }
    const toolUse = block["toolUse"];
    if (isObject(toolUse)) {
      if (typeof toolUse["name"] !== "string" || typeof toolUse["toolUseId"] !== "string") {
        throw badResponse(`output.message.content[${index}].toolUse has no name or toolUseId`);
      }
      toolCalls.push({
        id: toolUse["toolUseId"],
        name: toolUse["name"],
        arguments: argumentsText(toolUse["input"]),
      });
      continue;
    }
    const reasoningContent = block["reasoningContent"];
    if (isObject(reasoningContent)) {
      const reasoningText = reasoningContent["reasoningText"];
      const redacted = reasoningContent["redactedContent"];
      if (isObject(reasoningText) && typeof reasoningText["text"] === "string") {
        const thinking = reasoningText["text"];
        reasoning += thinking;
        const signature = reasoningText["signature"];
        blocks.push(
          typeof signature === "string" && signature !== ""
            ? { type: "reasoning", thinking, signature, issuer: converseIssuer(true) }
            : { type: "reasoning", thinking, issuer: converseIssuer(false) },
        );
      } else if (typeof redacted === "string" && redacted !== "") {
        blocks.push({
          type: "reasoning",
          thinking: "",
          redactedData: redacted,
          issuer: converseIssuer(true),
        });
      }
    }
  }
  const result: Mutable<ChatResult> = {
    text,
    toolCalls,
    finishReason: decodeStopReason(body["stopReason"], toolCalls.length > 0),
  };
  if (reasoning !== "") result.reasoning = reasoning;
  if (blocks.length > 0) result.reasoningBlocks = blocks;
  const stopSequence = readStopSequence(body["additionalModelResponseFields"]);
  if (stopSequence !== undefined) result.stopSequence = stopSequence;
  const usage = decodeUsage(body["usage"]);
  if (usage !== undefined) result.usage = usage;
  return result;
}
