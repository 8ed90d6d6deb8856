import { isObject, type JsonObject } from "./wire.js";

/**
 * Vertex's streamed function-call arguments (`streamFunctionCallArguments`): each `partialArgs` entry
 * names a JSON path (`$.location`, `$.items[0].name`) and a piece of its value; string pieces are
 * appended, other values set. The call's arguments are whole once the call closes.
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/Content#PartialArg
 */
export function applyPartialArg(args: JsonObject, partial: unknown): void {
  if (!isObject(partial) || typeof partial["jsonPath"] !== "string") return;
  const path = parsePath(partial["jsonPath"]);
  if (path === undefined || path.length === 0) return;
  let container: JsonObject | unknown[] = args;
  for (let index = 0; index < path.length - 1; index += 1) {
    const key = path[index] as string | number;
    const nextIsIndex = typeof path[index + 1] === "number";
    const existing: unknown = read(container, key);
    const child: JsonObject | unknown[] =
      Array.isArray(existing) || isObject(existing) ? existing : nextIsIndex ? [] : {};
    write(container, key, child);
    container = child;
  }
  const last = path[path.length - 1] as string | number;
  if (typeof partial["stringValue"] === "string") {
    const previous = read(container, last);
    write(container, last, (typeof previous === "string" ? previous : "") + partial["stringValue"]);
  } else if (typeof partial["numberValue"] === "number") {
    write(container, last, partial["numberValue"]);
  } else if (typeof partial["boolValue"] === "boolean") {
    write(container, last, partial["boolValue"]);
  } else if ("nullValue" in partial) {
    write(container, last, null);
  }
}

function read(container: JsonObject | unknown[], key: string | number): unknown {
  if (Array.isArray(container)) return typeof key === "number" ? container[key] : undefined;
  return typeof key === "string" ? container[key] : undefined;
}

function write(container: JsonObject | unknown[], key: string | number, value: unknown): void {
  if (Array.isArray(container)) {
    if (typeof key === "number") container[key] = value;
  } else if (typeof key === "string") {
    container[key] = value;
  }
}

/** `$.a.b[0]['c d']` → `["a", "b", 0, "c d"]`; undefined for anything else. */
function parsePath(path: string): (string | number)[] | undefined {
  if (!path.startsWith("$")) return undefined;
  const segments: (string | number)[] = [];
  const pattern = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < path.length) {
    const match = pattern.exec(path);
    if (match === null) return undefined;
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push((match[3] ?? match[4] ?? "").replace(/\\(.)/g, "$1"));
  }
  return segments;
}
