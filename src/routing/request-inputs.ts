import type { ImageSource, InputLimits } from "../codecs/codec.js";
import type { ChatRequest } from "../core/chat-request.js";

/** The forms of input a request carries that some dialects cannot: what the planner checks per offering. */
export interface RequestInputs {
  /** Each image source the request uses, with the field of its first image (named as the codecs name it). */
  readonly imageSources: ReadonlyMap<ImageSource, string>;
}

/** Reads a chat request's input forms; undefined when it carries nothing any dialect limits. */
export function requestInputs(chat: ChatRequest): RequestInputs | undefined {
  let imageSources: Map<ImageSource, string> | undefined;
  chat.messages.forEach((message, at) => {
    if (message.role !== "user") return;
    message.content.forEach((part, index) => {
      if (part.type !== "image") return;
      const source: ImageSource = /^data:/i.test(part.url) ? "data" : "url";
      imageSources ??= new Map();
      if (!imageSources.has(source))
        imageSources.set(source, `messages[${at}].content[${index}].image_url.url`);
    });
  });
  return imageSources === undefined ? undefined : { imageSources };
}

/** The first input of the request that `limits` rule out, with the field and why; undefined when none. */
export function inputLimitHit(
  limits: InputLimits | undefined,
  inputs: RequestInputs | undefined,
): { param: string; reason: string } | undefined {
  const rejected = limits?.rejectedImageSources;
  if (rejected === undefined || inputs === undefined) return undefined;
  for (const [source, param] of inputs.imageSources) {
    const reason = rejected[source];
    if (reason !== undefined) return { param, reason };
  }
  return undefined;
}

/** A short stable key of the inputs, for plan caches. */
export function inputsKey(inputs: RequestInputs | undefined): string {
  return inputs === undefined ? "" : [...inputs.imageSources.keys()].sort().join("+");
}
