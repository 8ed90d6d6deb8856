import type { ToolCall } from "../../core/chat-request.js";
import type { ChatResult } from "../../core/chat-result.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { decodeFinishReason, decodeUsage, isObject } from "./wire.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function badResponse(message: string): GatewayError {
  return new GatewayError("upstream_bad_response", `the upstream's chat completion is malformed: ${message}`);
}

/** `content` is a string, null, or (on some compatible servers) an array of text parts. */
function decodeContent(content: unknown): string | null {
  if (content === null || content === undefined) return null;
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    let text = "";
    for (const part of content as unknown[]) {
      if (isObject(part) && typeof part["text"] === "string") text += part["text"];
    }
    return text;
  }
  throw badResponse("choices[0].message.content is neither a string nor null");
}

function decodeToolCalls(value: unknown): ToolCall[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badResponse("choices[0].message.tool_calls is not an array");
  return (value as unknown[]).map((call, index) => {
    const fn = isObject(call) ? call["function"] : undefined;
    if (!isObject(call) || !isObject(fn) || typeof fn["name"] !== "string") {
      throw badResponse(`choices[0].message.tool_calls[${index}] is not a function call`);
    }
    const args = fn["arguments"];
    return {
      id: typeof call["id"] === "string" ? call["id"] : `call_${index}`,
      name: fn["name"],
      // Some compatible servers send the arguments as an object instead of JSON text.
      arguments: typeof args === "string" ? args : args === undefined ? "" : JSON.stringify(args),
    };
  });
}

/**
 * An OpenAI or Azure `chat.completion` → canonical result. Azure's filter annotations are ignored.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export function decodeOpenAIChatResponse(body: unknown): ChatResult {
  if (!isObject(body)) throw badResponse("the body is not a JSON object");
  const choices = body["choices"];
  if (!Array.isArray(choices) || choices.length === 0) throw badResponse("it has no choices");
  const choice = choices[0] as unknown;
  if (!isObject(choice) || !isObject(choice["message"])) throw badResponse("choices[0] has no message");
  const message = choice["message"];
  const toolCalls = decodeToolCalls(message["tool_calls"]);
  const result: Mutable<ChatResult> = {
    text: decodeContent(message["content"]),
    toolCalls,
    finishReason: decodeFinishReason(choice["finish_reason"], toolCalls.length > 0),
  };
  if (typeof body["id"] === "string" && body["id"] !== "") result.id = body["id"];
  if (typeof body["model"] === "string" && body["model"] !== "") result.model = body["model"];
  if (typeof body["created"] === "number" && body["created"] > 0) result.created = body["created"];
  const refusal = message["refusal"];
  if (typeof refusal === "string" && refusal !== "") result.refusal = refusal;
  // DeepSeek, vLLM and others return visible reasoning beside the answer.
  const reasoning = message["reasoning_content"] ?? message["reasoning"];
  if (typeof reasoning === "string" && reasoning !== "") result.reasoning = reasoning;
  const usage = decodeUsage(body["usage"]);
  if (usage !== undefined) result.usage = usage;
  return result;
}
