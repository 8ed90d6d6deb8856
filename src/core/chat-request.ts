/**
 * The canonical chat request: one internal shape for every ingress dialect and every provider.
 * Ingresses translate into it; codecs translate out of it. Field names are dialect-neutral.
 */

/** A piece of message content. */
export type ContentPart = TextPart | ImagePart | DocumentPart;

/**
 * A prompt-cache breakpoint: the prompt up to and including the part that carries it may be cached
 * (Anthropic's `cache_control`, Bedrock's `cachePoint`). `ttl` is Anthropic's: 5 minutes unless `1h`.
 * A cost hint, never content: a dialect without breakpoints leaves it out.
 * @see https://docs.claude.com/en/docs/build-with-claude/prompt-caching
 */
export interface CacheControl {
  readonly type: "ephemeral";
  readonly ttl?: "5m" | "1h";
}

export interface TextPart {
  readonly type: "text";
  readonly text: string;
  readonly cacheControl?: CacheControl;
}

export interface ImagePart {
  readonly type: "image";
  /** An https URL or a `data:<mime>;base64,...` URL. */
  readonly url: string;
  readonly detail?: "auto" | "low" | "high";
  readonly cacheControl?: CacheControl;
}

/**
 * A document the user attaches (Anthropic `document`, OpenAI `file`, Responses `input_file`). Like an
 * image, its content is one URL: `data:application/pdf;base64,...` (a PDF's bytes),
 * `data:text/plain;base64,...` (a plain-text document, its UTF-8 text in base64), or an https link that
 * only a cloud that fetches links itself receives (a codec never fetches; the others' `InputLimits`
 * leave the offering out).
 * @see https://docs.claude.com/en/docs/build-with-claude/pdf-support
 */
export interface DocumentPart {
  readonly type: "document";
  readonly url: string;
  /** Anthropic's `title`; OpenAI's `filename`. */
  readonly title?: string;
  /** Anthropic's `context`: text about the document that the model sees beside it. */
  readonly context?: string;
  readonly cacheControl?: CacheControl;
}

/**
 * Who produced a reasoning block, so an encoder can tell whether its signature can be checked by the
 * target model. Claude's signatures hold across Anthropic, Bedrock and Vertex (Anthropic's docs: "signature
 * values are compatible across platforms"); no other vendor's model can take them.
 */
export interface ReasoningIssuer {
  /** The model's vendor, e.g. `anthropic`. */
  readonly vendor: string;
  /** The dialect the block arrived in (from an upstream, or from the client replaying it). */
  readonly dialect: Dialect;
}

/**
 * A model's reasoning, replayed in a later turn: Anthropic `thinking` (`thinking` + `signature`) or
 * `redacted_thinking` (`data`), Bedrock's `reasoningContent` (`reasoningText {text, signature}` or
 * `redactedContent`). The field is `thinking`, not `text`, so no codec reads it as the answer's words.
 * A block without a signature (nor redacted data) cannot be verified by any Claude model.
 */
export interface ReasoningPart {
  readonly type: "reasoning";
  /** The reasoning text; `""` for a redacted block. */
  readonly thinking: string;
  readonly signature?: string;
  /** A redacted block's opaque payload, as Anthropic's `redacted_thinking.data` holds it. */
  readonly redactedData?: string;
  readonly issuer?: ReasoningIssuer;
}

/** What an assistant turn holds, in order: reasoning blocks and text (tool calls are apart). */
export type AssistantContentPart = TextPart | ReasoningPart;

export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/** `system` and OpenAI's `developer` role both land here; `developer` is remembered for round trips. */
export interface SystemMessage {
  readonly role: "system";
  readonly content: string;
  readonly originalRole?: "developer";
  readonly name?: string;
  readonly cacheControl?: CacheControl;
}

export interface UserMessage {
  readonly role: "user";
  readonly content: readonly ContentPart[];
  readonly name?: string;
}

export interface AssistantMessage {
  readonly role: "assistant";
  readonly content: readonly AssistantContentPart[];
  readonly toolCalls?: readonly ToolCall[];
  readonly name?: string;
}

export interface ToolMessage {
  readonly role: "tool";
  readonly toolCallId: string;
  readonly content: string;
  readonly cacheControl?: CacheControl;
}

/** A completed tool call: arguments are the raw JSON text the model produced (it may be invalid JSON). */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
  /** A cache breakpoint on a replayed call (Anthropic `tool_use.cache_control`). */
  readonly cacheControl?: CacheControl;
}

export interface ToolDefinition {
  readonly name: string;
  readonly description?: string;
  /** JSON Schema of the arguments. */
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly strict?: boolean;
  /** A breakpoint after this tool: the tool definitions up to it may be cached. */
  readonly cacheControl?: CacheControl;
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
