/**
 * The canonical chat request: one internal shape for every ingress dialect and every provider.
 * Ingresses translate into it; codecs translate out of it. Field names are dialect-neutral.
 */

/** A piece of message content. */
export type ContentPart = TextPart | ImagePart;

export interface TextPart {
  readonly type: "text";
  readonly text: string;
}

export interface ImagePart {
  readonly type: "image";
  /** An https URL or a `data:<mime>;base64,...` URL. */
  readonly url: string;
  readonly detail?: "auto" | "low" | "high";
}

export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/** `system` and OpenAI's `developer` role both land here; `developer` is remembered for round trips. */
export interface SystemMessage {
  readonly role: "system";
  readonly content: string;
  readonly originalRole?: "developer";
  readonly name?: string;
}

export interface UserMessage {
  readonly role: "user";
  readonly content: readonly ContentPart[];
  readonly name?: string;
}

export interface AssistantMessage {
  readonly role: "assistant";
  readonly content: readonly TextPart[];
  readonly toolCalls?: readonly ToolCall[];
  readonly name?: string;
}

export interface ToolMessage {
  readonly role: "tool";
  readonly toolCallId: string;
  readonly content: string;
}

/** A completed tool call: arguments are the raw JSON text the model produced (it may be invalid JSON). */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

export interface ToolDefinition {
  readonly name: string;
  readonly description?: string;
  /** JSON Schema of the arguments. */
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly strict?: boolean;
}

export type ToolChoice =
  | { readonly type: "auto" }
  | { readonly type: "none" }
  | { readonly type: "required" }
  | { readonly type: "tool"; readonly name: string };

export type ResponseFormat =
  | { readonly type: "text" }
  | { readonly type: "json" }
  | {
      readonly type: "json-schema";
      readonly name: string;
      readonly schema?: Readonly<Record<string, unknown>>;
      readonly description?: string;
      readonly strict?: boolean;
    };

export interface ChatRequest {
  /** The model as the client named it (a catalog model id). */
  readonly model: string;
  readonly messages: readonly Message[];
  readonly stream: boolean;
  /** Whether a streaming client asked for the final usage part (OpenAI `stream_options.include_usage`). */
  readonly includeUsage: boolean;
  readonly maxOutputTokens?: number;
  readonly temperature?: number;
  readonly topP?: number;
  readonly stop?: readonly string[];
  readonly seed?: number;
  /** An end-user id for abuse monitoring (OpenAI `user`). */
  readonly user?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly tools?: readonly ToolDefinition[];
  readonly toolChoice?: ToolChoice;
  readonly parallelToolCalls?: boolean;
  readonly responseFormat?: ResponseFormat;
  /**
   * The client's `anthropic-beta` flags, in its order. Each serving cloud takes its own subset
   * (catalog/anthropic-betas.ts): the rest are stripped with a warning before the codec sees them.
   */
  readonly betas?: readonly string[];
  /**
   * Fields of the client's dialect with no canonical meaning (e.g. OpenAI `presence_penalty`).
   * A codec of the same dialect forwards them; a codec of another dialect must warn or reject.
   */
  readonly passthrough?: DialectFields;
}

/** Dialect-specific fields carried untouched, tagged with the dialect they belong to. */
export interface DialectFields {
  readonly dialect: Dialect;
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * A wire dialect. A dialect is not a cloud: Azure speaks `openai-chat`, and `openai-responses` too for an
 * offering that declares `api: responses` (a model OpenAI or Azure serves only through the Responses API);
 * Bedrock speaks `bedrock-converse`, and `bedrock-anthropic` for a Claude offering that declares `api: invoke`.
 */
export type Dialect =
  | "openai-chat"
  | "openai-responses"
  | "anthropic-messages"
  | "gemini"
  | "bedrock-converse"
  /** Anthropic's Messages body inside Bedrock's InvokeModel envelope (`api: invoke`). */
  | "bedrock-anthropic";
