import type { AttemptRecord } from "../../engine/executor.js";

/** Per-request state shared by the router and a route. */
export interface RequestContext {
  readonly requestId: string;
  /** Aborted when the client goes away before the response is complete. */
  readonly signal: AbortSignal;
  /** The attempts made so far, for the `x-switchyard-attempts` header on errors too. */
  attempts: readonly AttemptRecord[];
}
