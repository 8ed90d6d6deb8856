import type { ToolChoice, ToolDefinition } from "../../core/chat-request.js";
import {
  invalid,
  isRecord,
  optionalBoolean,
  optionalString,
  present,
  unsupported,
  type JsonRecord,
} from "./validate.js";

/**
 * Function tools and `tool_choice`, shared by the Chat Completions and Responses parsers. The two
 * dialects differ only in where a function's fields sit (`tools[i].function.name` in Chat,
 * `tools[i].name` in Responses) and in how they reject what they do not take; each parser says that
 * through a {@link FunctionToolDialect}, and the checks and their messages live here once.
 */

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** OpenAI's function name rule: 1–64 of `a-z A-Z 0-9 _ -`. */
const namePattern = /^[A-Za-z0-9_-]{1,64}$/;

export function isFunctionName(name: string): boolean {
  return namePattern.test(name);
}

export interface FunctionToolDialect {
  /**
   * The message for a tool `type` this dialect knows but does not serve (a 400 `unsupported_parameter`),
   * or `undefined` for a type it does not know (a 400 `invalid_request`).
   */
  unsupportedType(type: unknown): string | undefined;
  /** The object holding the function's fields, and its path, for the tool at `at` (already `type: function`). */
  functionOf(tool: JsonRecord, at: string): { readonly fields: JsonRecord; readonly at: string };
}

export function parseFunctionTools(
  value: unknown,
  dialect: FunctionToolDialect,
): ToolDefinition[] | undefined {
  if (!present(value)) return undefined;
  if (!Array.isArray(value)) throw invalid("tools", "'tools' must be an array");
  const names = new Set<string>();
  return (value as unknown[]).map((tool, index): ToolDefinition => {
    const at = `tools[${index}]`;
    if (!isRecord(tool)) throw invalid(at, `Invalid type for '${at}': expected an object`);
    const type = tool["type"];
    if (type !== "function") {
      const message = dialect.unsupportedType(type);
      if (message !== undefined) throw unsupported(`${at}.type`, message);
      throw invalid(`${at}.type`, `Invalid value for '${at}.type': expected 'function'`);
    }
    const fn = dialect.functionOf(tool, at);
    const name = fn.fields["name"];
    if (typeof name !== "string" || !isFunctionName(name)) {
      throw invalid(`${fn.at}.name`, `'${fn.at}.name' must be 1-64 characters of a-z, A-Z, 0-9, _ and -`);
    }
    if (names.has(name)) throw invalid(`${fn.at}.name`, `Duplicate tool name: ${name}`);
    names.add(name);
    const definition: Mutable<ToolDefinition> = { name };
    const description = optionalString(fn.fields, "description", `${fn.at}.description`);
    if (description !== undefined) definition.description = description;
    const parameters = fn.fields["parameters"];
    if (present(parameters)) {
      if (!isRecord(parameters))
        throw invalid(`${fn.at}.parameters`, `'${fn.at}.parameters' must be an object`);
      definition.parameters = parameters;
    }
    const strict = optionalBoolean(fn.fields, "strict", `${fn.at}.strict`);
    if (strict !== undefined) definition.strict = strict;
    return definition;
  });
}

/**
 * `tool_choice`: the string forms are the same in both dialects; the object form is read by
 * `functionChoice`, which returns the function it names and the `param` an unknown name is reported at.
 */
export function parseToolChoice(
  value: unknown,
  tools: readonly ToolDefinition[] | undefined,
  functionChoice: (choice: JsonRecord) => { readonly name: string; readonly param: string },
): ToolChoice | undefined {
  if (!present(value)) return undefined;
  const hasTools = tools !== undefined && tools.length > 0;
  if (value === "none") return { type: "none" };
  if (value === "auto" || value === "required") {
    if (!hasTools) throw invalid("tool_choice", "'tool_choice' is only allowed when 'tools' are specified");
    return { type: value };
  }
  if (!isRecord(value)) {
    throw invalid("tool_choice", "'tool_choice' must be 'none', 'auto', 'required' or a function choice");
  }
  const { name, param } = functionChoice(value);
  if (!hasTools || !tools.some((tool) => tool.name === name)) {
    throw invalid(param, `'tool_choice' names '${name}', which is not in 'tools'`);
  }
  return { type: "tool", name };
}
