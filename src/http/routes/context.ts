import type { Cancellation } from "../../engine/cancellation.js";
import type { AttemptRecord } from "../../engine/executor.js";

/** Per-request state shared by the router and a route. */
export interface RequestContext {
  readonly requestId: string;
  /** Cancelled when the client goes away before the response is complete. */
  readonly cancellation: Cancellation;
  /** The attempts made so far, for the `x-switchyard-attempts` header on errors too. */
  readonly attempts: AttemptRecord[];
  /** Response headers as a flat `[name, value, …]` list, starting with `x-request-id`. */
  readonly headers: string[];
}
