import { ClientAbortedError } from "./upstream-failure.js";

/**
 * A request's cancellation (the client went away). A plain flag and listener list: on the hot path
 * an AbortController per request cost more than everything else the gateway does per request.
 */
export class Cancellation {
  #aborted = false;
  #listeners: (() => void)[] | undefined;
  /** The abort of the upstream exchange in flight: one at a time, so a slot rather than a listener. */
  #upstream: ((error: Error) => void) | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  cancel(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    const upstream = this.#upstream;
    this.#upstream = undefined;
    upstream?.(new ClientAbortedError("the client closed the connection"));
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener();
  }

  /** Aborts `abort`'s upstream exchange on cancel (at once if already cancelled), until detached. */
  attachUpstream(abort: (error: Error) => void): void {
    if (this.#aborted) abort(new ClientAbortedError("the client closed the connection"));
    else this.#upstream = abort;
  }

  detachUpstream(abort: (error: Error) => void): void {
    if (this.#upstream === abort) this.#upstream = undefined;
  }

  /** Calls `listener` once on cancel (at once if already cancelled); returns an unsubscribe function. */
  subscribe(listener: () => void): () => void {
    if (this.#aborted) {
      listener();
      return noop;
    }
    (this.#listeners ??= []).push(listener);
    return () => {
      const listeners = this.#listeners;
      if (listeners === undefined) return;
      const index = listeners.indexOf(listener);
      if (index !== -1) listeners.splice(index, 1);
    };
  }
}

function noop(): void {}
