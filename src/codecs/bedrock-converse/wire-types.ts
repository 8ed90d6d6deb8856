/**
 * The parts of the Converse request that the encoder writes. Responses are read with tolerant readers
 * (`wire.ts`) rather than trusted types, because AWS adds members at will.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_RequestSyntax
 */

export type ImageFormat = "png" | "jpeg" | "gif" | "webp";

/** The document formats the encoder sends (Converse also takes csv, doc, docx, xls, xlsx, html, md). */
export type DocumentFormat = "pdf" | "txt";

/** A prompt-cache breakpoint: the prompt up to the block before it may be cached. */
export interface CachePointBlock {
  cachePoint: { type: "default" };
}

/** A content block is a union: exactly one member is set. */
export type ContentBlock =
  | { text: string }
  | CachePointBlock
  | {
      reasoningContent: { reasoningText: { text: string; signature: string } } | { redactedContent: string };
    }
  | { image: { format: ImageFormat; source: { bytes: string } } }
  | { document: { format: DocumentFormat; name: string; source: { bytes: string } } }
  | { toolUse: { toolUseId: string; name: string; input: Record<string, unknown> } }
  | {
      toolResult: {
        toolUseId: string;
        content: ({ text: string } | { json: unknown })[];
        status: "success" | "error";
      };
    };

export interface ConverseMessage {
  role: "user" | "assistant";
  content: ContentBlock[];
}

export interface InferenceConfig {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

export interface ToolSpec {
  toolSpec: {
    name: string;
    description?: string;
    inputSchema: { json: Readonly<Record<string, unknown>> };
  };
}

export interface ToolConfig {
  tools: (ToolSpec | CachePointBlock)[];
  toolChoice?: { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } };
}

export interface ConverseRequest {
  messages: ConverseMessage[];
  system?: ({ text: string } | CachePointBlock)[];
  inferenceConfig?: InferenceConfig;
  toolConfig?: ToolConfig;
  outputConfig?: {
    textFormat: {
      type: "json_schema";
      structure: { jsonSchema: { schema: string; name: string; description?: string } };
    };
  };
  requestMetadata?: Record<string, string>;
  /** Model-specific fields (Claude's `thinking`, `top_k`), sent to the model as they are. */
  additionalModelRequestFields?: Record<string, unknown>;
}
