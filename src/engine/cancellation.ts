/**
 * A request's cancellation (the client went away). A plain flag and listener list: on the hot path
 * an AbortController per request cost more than everything else the gateway does per request.
 */
export class Cancellation {
  #aborted = false;
  #listeners: (() => void)[] | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  cancel(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener();
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
