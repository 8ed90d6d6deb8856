import {
  createClaudeEmulation,
  handleAnthropicMessages,
  type ClaudeEmulation,
} from "../anthropic/messages-handler.js";
import { decodeSegment, type GoogleRoute } from "../gemini/google-server.js";
import { googleError } from "../gemini/google-errors.js";
import { VERTEX_RESOURCE_PREFIX } from "./vertex-emulator.js";

const rawPredictPattern = new RegExp(
  `${VERTEX_RESOURCE_PREFIX}\\/publishers\\/anthropic\\/models\\/([^/:]+):(rawPredict|streamRawPredict)$`,
);

/**
 * Claude on Vertex: `POST …/publishers/anthropic/models/{model}:rawPredict` (JSON) and
 * `:streamRawPredict` (Anthropic's named-event SSE), answered by the Anthropic emulator's handler in its
 * Vertex mode (no `model` in the body, `anthropic_version: "vertex-2023-10-16"` required). The Vertex
 * emulator has already checked the Bearer token, logged the request and applied the faults that come
 * before an answer; in-stream faults are the handler's.
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude
 */
export function vertexClaudeRoute(
  project: string,
  claude: ClaudeEmulation = createClaudeEmulation(),
): GoogleRoute {
  return {
    method: "POST",
    pattern: rawPredictPattern,
    operation: "chat",
    stream: (match) => match[5] === "streamRawPredict",
    handle: (context, body, fault) => {
      if (decodeSegment(context.match[2]) !== project)
        return context.sendError(
          googleError(
            403,
            "PERMISSION_DENIED",
            `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com${context.url.pathname}' (or it may not exist).`,
          ),
        );
      return handleAnthropicMessages(
        {
          name: context.name,
          sequence: context.sequence,
          pacing: context.pacing,
          response: context.response,
          signal: context.signal,
        },
        body,
        {
          model: decodeSegment(context.match[4]),
          stream: context.match[5] === "streamRawPredict",
          fault,
          vertex: true,
          claude,
        },
      );
    },
  };
}
