import type { ToolCall } from "../../core/chat-request.js";
import type { ChatResult } from "../../core/chat-result.js";
import { GatewayError } from "../../errors/gateway-error.js";
import {
  codeForResponseError,
  decodeFinish,
  decodeUsage,
  isObject,
  messageTexts,
  reasoningText,
} from "./wire.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function badResponse(message: string): GatewayError {
  return new GatewayError("upstream_bad_response", `the upstream's response object is malformed: ${message}`);
}

/**
 * A Responses API `response` object (non-streamed) → canonical result. Output items are read in order:
 * `message` items give the text and refusal, `function_call` items the tool calls (their `call_id` is
 * the id a tool result answers), `reasoning` items the visible reasoning. Hosted-tool items (web search,
 * file search…) are never asked for, so there are none to read.
 * A `failed` response in a 200 answer is an error like any other.
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
export function decodeOpenAIResponsesResponse(body: unknown): ChatResult {
  if (!isObject(body)) throw badResponse("the body is not a JSON object");
  if (body["status"] === "failed") {
    const error = isObject(body["error"]) ? body["error"] : {};
    const message = typeof error["message"] === "string" ? error["message"] : "the upstream response failed";
    throw new GatewayError(codeForResponseError(error["code"]), message);
  }
  const output = body["output"];
  if (!Array.isArray(output)) throw badResponse("it has no output list");
  let text: string | null = null;
  let refusal = "";
  const reasoning: string[] = [];
  const toolCalls: ToolCall[] = [];
  (output as unknown[]).forEach((item, index) => {
    if (!isObject(item)) throw badResponse(`output[${index}] is not an object`);
    switch (item["type"]) {
      case "message": {
        const texts = messageTexts(item);
        // A refusal alone leaves the text null, as Chat Completions reports it.
        if (texts.text !== "") text = (text ?? "") + texts.text;
        else if (texts.refusal === "") text ??= "";
        refusal += texts.refusal;
        return;
      }
      case "function_call": {
        const name = item["name"];
        if (typeof name !== "string" || name === "")
          throw badResponse(`output[${index}] is a function call without a name`);
        const callId = item["call_id"];
        const args = item["arguments"];
        toolCalls.push({
          id: typeof callId === "string" && callId !== "" ? callId : `call_${index}`,
          name,
          arguments: typeof args === "string" ? args : args === undefined ? "" : JSON.stringify(args),
        });
        return;
      }
      case "reasoning": {
        const visible = reasoningText(item);
        if (visible !== "") reasoning.push(visible);
        return;
      }
      default:
        return;
    }
  });
  const finishReason = decodeFinish(body, toolCalls.length > 0);
  if (finishReason === undefined)
    throw badResponse(`its status is ${JSON.stringify(body["status"])}, not completed or incomplete`);
  const result: Mutable<ChatResult> = { text, toolCalls, finishReason };
  if (typeof body["id"] === "string" && body["id"] !== "") result.id = body["id"];
  if (typeof body["model"] === "string" && body["model"] !== "") result.model = body["model"];
  if (typeof body["created_at"] === "number" && body["created_at"] > 0) result.created = body["created_at"];
  if (refusal !== "") result.refusal = refusal;
  if (reasoning.length > 0) result.reasoning = reasoning.join("\n\n");
  const usage = decodeUsage(body["usage"]);
  if (usage !== undefined) result.usage = usage;
  return result;
}
