import type { GatewayError } from "../../errors/gateway-error.js";
import type { StreamPart } from "../../core/stream-part.js";
import { encodeError } from "./encode-error.js";
import { encodeUsage } from "./usage.js";

export interface ChunkEncoderContext {
  readonly id: string;
  readonly model: string;
  readonly created: number;
  /** The client asked for `stream_options.include_usage`; otherwise the usage part is not sent. */
  readonly includeUsage: boolean;
}

export interface ChunkEncoder {
  /** One part → SSE text to write; `""` when the part produces nothing for this client. */
  encode(part: StreamPart): string;
  /** The stream's terminator, `data: [DONE]`. */
  end(): string;
  /** The error chunk that ends a stream the upstream broke (OpenAI's SDKs raise it). */
  error(error: GatewayError): string;
}

const roleDelta = '{"role":"assistant","content":"","refusal":null}';

/**
 * Canonical stream parts → OpenAI `chat.completion.chunk` events, byte-compatible with what OpenAI sends.
 * The constant head of every chunk (id, object, created, model) is serialised once per stream.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export function createChunkEncoder(context: ChunkEncoderContext): ChunkEncoder {
  let id = context.id;
  let model = context.model;
  let created = context.created;
  let head = "";
  let started = false;

  const buildHead = (): void => {
    head = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"choices":`;
  };
  buildHead();

  const choice = (delta: string, finishReason: string | null = null): string => {
    const finish = finishReason === null ? "null" : `"${finishReason}"`;
    const chunk = `${head}[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}}]}\n\n`;
    if (started) return chunk;
    // OpenAI opens every answer with a role chunk before its first content.
    started = true;
    return `${head}[{"index":0,"delta":${roleDelta},"logprobs":null,"finish_reason":null}]}\n\n${chunk}`;
  };

  return {
    encode(part: StreamPart): string {
      switch (part.type) {
        case "response-metadata":
          // The upstream's identity wins, but a stream's chunks must agree once the first is out.
          if (started) return "";
          if (part.id !== undefined) id = part.id;
          if (part.model !== undefined) model = part.model;
          if (part.created !== undefined) created = part.created;
          buildHead();
          return "";
        case "text-delta":
          return part.delta === "" ? "" : choice(`{"content":${JSON.stringify(part.delta)}}`);
        case "refusal-delta":
          return part.delta === "" ? "" : choice(`{"refusal":${JSON.stringify(part.delta)}}`);
        case "reasoning-delta":
          // Not an OpenAI field: the DeepSeek/vLLM name that many OpenAI clients read, others ignore.
          return part.delta === "" ? "" : choice(`{"reasoning_content":${JSON.stringify(part.delta)}}`);
        case "reasoning-signature":
        case "reasoning-redacted":
          // Signatures are for replay to Claude, which an OpenAI chat client cannot do.
          return "";
        case "tool-call-start":
          return choice(
            `{"tool_calls":[{"index":${part.index},"id":${JSON.stringify(part.id)},"type":"function","function":{"name":${JSON.stringify(part.name)},"arguments":""}}]}`,
          );
        case "tool-call-delta":
          return part.argumentsDelta === ""
            ? ""
            : choice(
                `{"tool_calls":[{"index":${part.index},"function":{"arguments":${JSON.stringify(part.argumentsDelta)}}}]}`,
              );
        case "finish":
          return choice("{}", part.finishReason);
        case "usage":
          return context.includeUsage
            ? `${head}[],"usage":${JSON.stringify(encodeUsage(part.usage))}}\n\n`
            : "";
        case "error":
          // What OpenAI sends inside a 200 stream; the official SDKs raise it as an APIError.
          return `data: ${JSON.stringify(encodeError(part.error))}\n\n`;
      }
    },
    error(error: GatewayError): string {
      return this.encode({ type: "error", error });
    },
    end(): string {
      return "data: [DONE]\n\n";
    },
  };
}
