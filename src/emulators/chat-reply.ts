import type { ChatMessage, ChatRequest, FunctionTool } from "./chat-request.js";
import { hash32 } from "./hashing.js";
import { instructedFormat } from "./instructed-format.js";
import { sampleFromSchema } from "./sample-value.js";
import { countPromptTokens, countTextTokens, truncateToTokens } from "./tokens.js";

export type FinishReason = "stop" | "length" | "tool_calls";

export interface PlannedToolCall {
  name: string;
  arguments: string;
}

/** What the emulated model answers, before it is put on any wire. */
export interface ChatReply {
  content: string | null;
  toolCalls: PlannedToolCall[];
  finishReason: FinishReason;
  promptTokens: number;
  completionTokens: number;
}

const CORPUS = [
  "Here is a short and deterministic answer from the emulator.",
  "The emulator read your message carefully and answers in kind.",
  "This reply was produced locally, without any model behind it.",
  "Emulated clouds are calm, fast and perfectly predictable.",
  "Every identical request receives this identical answer.",
  "A gateway under test deserves a reliable upstream like this one.",
  "Nothing here is random: the words depend only on what you sent.",
  "Consider this a faithful stand-in for a much larger model.",
];

const ECHO_LIMIT = 200;

/** Decides the reply to a validated chat request. Pure: same request, same reply. */
export function planReply(request: ChatRequest): ChatReply {
  const promptTokens = countPromptTokens(request.messages, request.rawTools);
  const calls = shouldCallTools(request) ? planToolCalls(request) : [];
  if (calls.length > 0) {
    const completionTokens = calls.reduce(
      (sum, call) => sum + countTextTokens(call.name) + countTextTokens(call.arguments),
      0,
    );
    return { content: null, toolCalls: calls, finishReason: "tool_calls", promptTokens, completionTokens };
  }
  const { text, finishReason } = applyLimits(composeText(request), request);
  return {
    content: text,
    toolCalls: [],
    finishReason,
    promptTokens,
    completionTokens: countTextTokens(text),
  };
}

function shouldCallTools(request: ChatRequest): boolean {
  const { toolChoice, tools, messages } = request;
  if (tools.length === 0 || toolChoice.mode === "none") return false;
  if (toolChoice.mode === "function" || toolChoice.mode === "required") return true;
  return messages.at(-1)?.role === "user";
}

function planToolCalls(request: ChatRequest): PlannedToolCall[] {
  const { toolChoice, tools, parallelToolCalls } = request;
  let chosen: FunctionTool[];
  if (toolChoice.mode === "function") chosen = tools.filter((tool) => tool.name === toolChoice.name);
  else chosen = tools.slice(0, parallelToolCalls ? 2 : 1);
  const context = { text: lastUserText(request.messages) };
  return chosen.map((tool) => ({
    name: tool.name,
    arguments: JSON.stringify(sampleFromSchema(tool.parameters ?? { type: "object" }, context)),
  }));
}

function composeText(request: ChatRequest): string {
  const said = lastUserText(request.messages);
  const sentence = CORPUS[hash32(said) % CORPUS.length] ?? "";
  const toolResults = trailingToolResults(request.messages);
  const format = instructedFormat(request.messages, request.responseFormat);
  switch (format.type) {
    case "json_object":
      return JSON.stringify({ answer: sentence, you_said: echo(said) });
    case "json_schema":
      return JSON.stringify(sampleFromSchema(format.schema ?? { type: "object" }, { text: said }));
    case "text":
      if (toolResults.length > 0) return `${toolResults.join(" ")} ${sentence}`;
      return said === "" ? `${sentence} You said nothing.` : `${sentence} You said: "${echo(said)}"`;
  }
}

/** Mentions each tool result that ends the conversation (the answer after a tool round). */
function trailingToolResults(messages: readonly ChatMessage[]): string[] {
  const results: string[] = [];
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (message?.role !== "tool") break;
    const name = findToolName(messages, message.toolCallId) ?? "tool";
    results.unshift(`The ${name} tool returned: ${echo(message.content)}.`);
  }
  return results;
}

function findToolName(messages: readonly ChatMessage[], id: string | undefined): string | undefined {
  for (const message of messages) {
    const call = message.toolCalls.find((candidate) => candidate.id === id);
    if (call !== undefined) return call.name;
  }
  return undefined;
}

function applyLimits(text: string, request: ChatRequest): { text: string; finishReason: FinishReason } {
  let out = text;
  let finishReason: FinishReason = "stop";
  if (request.maxTokens !== undefined) {
    const cut = truncateToTokens(out, request.maxTokens);
    out = cut.text;
    if (cut.truncated) finishReason = "length";
  }
  // A stop sequence inside the generated part ends generation before the token cap does.
  let stopAt = -1;
  for (const stop of request.stop) {
    const at = out.indexOf(stop);
    if (at !== -1 && (stopAt === -1 || at < stopAt)) stopAt = at;
  }
  if (stopAt !== -1) return { text: out.slice(0, stopAt), finishReason: "stop" };
  return { text: out, finishReason };
}

function lastUserText(messages: readonly ChatMessage[]): string {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (message?.role === "user") return message.content;
  }
  return "";
}

function echo(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const points = Array.from(flat);
  if (points.length <= ECHO_LIMIT) return flat;
  // Cut on code points: a lone surrogate would not survive tokenization.
  const cut = points.slice(0, ECHO_LIMIT).join("");
  const space = cut.lastIndexOf(" ");
  return `${space > ECHO_LIMIT / 2 ? cut.slice(0, space) : cut}…`;
}
