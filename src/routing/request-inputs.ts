import type { DocumentSource, ImageSource, InputLimits } from "../codecs/codec.js";
import { documentSource } from "../codecs/document.js";
import type { ChatRequest } from "../core/chat-request.js";

/** The forms of input a request carries that some dialects cannot: what the planner checks per offering. */
export interface RequestInputs {
  /** Each image source the request uses, with the field of its first image (named as the codecs name it). */
  readonly imageSources: ReadonlyMap<ImageSource, string>;
  /** Each document form the request uses (inline PDF, inline text, link), with the field of its first one. */
  readonly documentSources?: ReadonlyMap<DocumentSource, string>;
}

/** Reads a chat request's input forms; undefined when it carries nothing any dialect limits. */
export function requestInputs(chat: ChatRequest): RequestInputs | undefined {
  let imageSources: Map<ImageSource, string> | undefined;
  let documentSources: Map<DocumentSource, string> | undefined;
  chat.messages.forEach((message, at) => {
    if (message.role !== "user") return;
    message.content.forEach((part, index) => {
      if (part.type === "image") {
        const source: ImageSource = /^data:/i.test(part.url) ? "data" : "url";
        imageSources ??= new Map();
        if (!imageSources.has(source))
          imageSources.set(source, `messages[${at}].content[${index}].image_url.url`);
      } else if (part.type === "document") {
        // A URL no codec can read is each encoder's 400; it limits no dialect here.
        const source = documentSource(part);
        if (source === undefined) return;
        documentSources ??= new Map();
        if (!documentSources.has(source))
          documentSources.set(source, `messages[${at}].content[${index}].file`);
      }
    });
  });
  if (imageSources === undefined && documentSources === undefined) return undefined;
  const images: ReadonlyMap<ImageSource, string> = imageSources ?? new Map();
  return documentSources === undefined ? { imageSources: images } : { imageSources: images, documentSources };
}

/** The first input of the request that `limits` rule out, with the field and why; undefined when none. */
export function inputLimitHit(
  limits: InputLimits | undefined,
  inputs: RequestInputs | undefined,
): { param: string; reason: string } | undefined {
  if (limits === undefined || inputs === undefined) return undefined;
  const images = limits.rejectedImageSources;
  if (images !== undefined)
    for (const [source, param] of inputs.imageSources) {
      const reason = images[source];
      if (reason !== undefined) return { param, reason };
    }
  const documents = limits.rejectedDocumentSources;
  if (documents !== undefined && inputs.documentSources !== undefined)
    for (const [source, param] of inputs.documentSources) {
      const reason = documents[source];
      if (reason !== undefined) return { param, reason };
    }
  return undefined;
}

/** A short stable key of the inputs, for plan caches. */
export function inputsKey(inputs: RequestInputs | undefined): string {
  if (inputs === undefined) return "";
  const images = [...inputs.imageSources.keys()].sort().join("+");
  const documents = [...(inputs.documentSources?.keys() ?? [])].sort().join("+");
  return documents === "" ? images : `${images}/document:${documents}`;
}
