import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorKind, Pacing } from "./types.js";
import type { WireError } from "./wire-errors.js";

/** One API request in flight, with what the handlers need to answer it. */
export interface Exchange {
  kind: EmulatorKind;
  name: string;
  /** Per-emulator request number; ids and header values derive from it. */
  sequence: number;
  startedAt: number;
  pacing: Pacing | undefined;
  /** Azure classic route: the deployment from the path; otherwise undefined. */
  deployment: string | undefined;
  request: IncomingMessage;
  response: ServerResponse;
  /** Aborts when the client disconnects. */
  signal: AbortSignal;
  sendError(error: WireError): void;
}
