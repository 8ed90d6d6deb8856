import type { Dialect } from "../core/chat-request.js";
import type { EmbeddingsDialect } from "../core/embeddings.js";
import type { ChatCodec, EmbeddingsCodec } from "./codec.js";
import { anthropicMessagesCodec } from "./anthropic-messages/index.js";
import { bedrockAnthropicCodec } from "./bedrock-anthropic/index.js";
import {
  bedrockCohereEmbedCodec,
  bedrockConverseCodec,
  bedrockTitanEmbedCodec,
} from "./bedrock-converse/index.js";
import { geminiCodec, geminiEmbedCodec, vertexEmbedCodec } from "./gemini/index.js";
import { openaiChatCodec, openaiEmbeddingsCodec } from "./openai-chat/index.js";
import { openaiResponsesCodec } from "./openai-responses/index.js";

/** Every chat codec, by the dialect it speaks: one codec per dialect, shared by every cloud that speaks it. */
export const chatCodecs: ReadonlyMap<Dialect, ChatCodec<unknown>> = new Map<Dialect, ChatCodec<unknown>>([
  ["openai-chat", openaiChatCodec],
  ["openai-responses", openaiResponsesCodec],
  ["gemini", geminiCodec],
  ["bedrock-converse", bedrockConverseCodec],
  ["anthropic-messages", anthropicMessagesCodec],
  ["bedrock-anthropic", bedrockAnthropicCodec],
]);

/** Every embeddings codec, by its wire format. */
export const embeddingsCodecs: ReadonlyMap<EmbeddingsDialect, EmbeddingsCodec> = new Map<
  EmbeddingsDialect,
  EmbeddingsCodec
>([
  ["openai-embeddings", openaiEmbeddingsCodec],
  ["bedrock-titan-embed", bedrockTitanEmbedCodec],
  ["bedrock-cohere-embed", bedrockCohereEmbedCodec],
  ["gemini-embed", geminiEmbedCodec],
  ["vertex-embed", vertexEmbedCodec],
]);
