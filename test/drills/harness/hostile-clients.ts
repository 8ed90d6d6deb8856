import { connect, type Socket } from "node:net";
import { Agent, request } from "undici";

/**
 * Slow-loris clients: each opens a socket and sends a request's headers one byte at a time, never
 * finishing them. They connect from 127.0.0.2 (all of 127/8 is loopback on Linux), so a per-address
 * connection cap aimed at them does not also hit the drill's ordinary traffic from 127.0.0.1.
 */
export class SlowLoris {
  readonly #sockets: Socket[] = [];
  readonly #timer: NodeJS.Timeout;
  /** When each socket was closed by the server, in ms after it opened (undefined while open). */
  readonly closedAfterMs: (number | undefined)[] = [];
  #stopped = false;

  constructor(port: number, count: number, intervalMs = 500) {
    const head = "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nX-Slow: ";
    for (let index = 0; index < count; index++) {
      const opened = performance.now();
      const socket = connect({ host: "127.0.0.1", port, localAddress: "127.0.0.2" });
      this.closedAfterMs.push(undefined);
      socket.on("error", () => {});
      // The server's end of the connection (after its 408, say) is the cut, whatever the socket does next.
      const cut = (): void => {
        if (!this.#stopped && this.closedAfterMs[index] === undefined)
          this.closedAfterMs[index] = performance.now() - opened;
      };
      socket.on("end", cut);
      socket.on("close", cut);
      socket.resume();
      socket.write(head);
      this.#sockets.push(socket);
    }
    // One more byte of the never-ending header on every socket, per interval.
    this.#timer = setInterval(() => {
      for (const socket of this.#sockets) if (!socket.destroyed) socket.write("a");
    }, intervalMs);
  }

  /** Sockets the server has closed so far. */
  get cut(): number {
    return this.closedAfterMs.filter((ms) => ms !== undefined).length;
  }

  get count(): number {
    return this.#sockets.length;
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    for (const socket of this.#sockets) socket.destroy();
  }
}

/** A deterministic source of numbers in [0, 1) (mulberry32), so a storm is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface StormResult {
  readonly started: number;
  /** Streams that ended before the client hung up (an abort that came too late). */
  readonly completed: number;
  readonly aborted: number;
}

/**
 * A disconnect storm: `count` streaming requests, `concurrency` at a time, each abandoned by its client
 * after a pseudo-random 0–`maxAfterMs` ms — before the headers, or in the middle of the stream.
 */
export async function disconnectStorm(
  url: string,
  bodies: readonly { path: string; headers: Record<string, string>; body: string }[],
  options: { count: number; concurrency: number; maxAfterMs: number; seed: number },
): Promise<StormResult> {
  const random = seededRandom(options.seed);
  const agent = new Agent({ connections: options.concurrency });
  let next = 0;
  let completed = 0;
  let aborted = 0;
  const worker = async (): Promise<void> => {
    while (next < options.count) {
      const index = next++;
      const target = bodies[index % bodies.length];
      if (target === undefined) return;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), Math.floor(random() * options.maxAfterMs));
      try {
        const response = await request(`${url}${target.path}`, {
          dispatcher: agent,
          method: "POST",
          headers: target.headers,
          body: target.body,
          signal: controller.signal,
        });
        for await (const chunk of response.body) void chunk;
        completed += 1;
      } catch {
        aborted += 1;
      } finally {
        clearTimeout(timer);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  await agent.close();
  return { started: options.count, completed, aborted };
}
