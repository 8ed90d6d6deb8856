import type { IncomingHttpHeaders } from "node:http";
import type { KeyConfig } from "../../config/types.js";
import type { Cancellation } from "../../engine/cancellation.js";
import type { AttemptRecord } from "../../engine/executor.js";
import type { RequestTrace } from "../../gateway/request-trace.js";

/** Per-request state shared by the router, the pipeline and a route. */
export interface RequestContext {
  readonly requestId: string;
  /** Cancelled when the client goes away before the response is complete. */
  readonly cancellation: Cancellation;
  /** The attempts made so far, for the `x-switchyard-attempts` header on errors too. */
  readonly attempts: AttemptRecord[];
  /** Response headers as a flat `[name, value, …]` list, starting with `x-request-id`. */
  readonly headers: string[];
  /** The client's request headers (the `x-switchyard-*` overrides are read from them). */
  readonly requestHeaders: IncomingHttpHeaders;
  /** What the request report will say; filled in by the pipeline's steps. */
  readonly trace: RequestTrace;
  /** The authenticated key: set by the router before any route that needs one runs. */
  key: KeyConfig | undefined;
}
