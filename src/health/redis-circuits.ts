import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { reasonOf } from "../store/store-unavailable-error.js";
import { closeRedis, connectRedis, createRedis, redisTarget } from "../store/redis/redis-connection.js";
import type { HealthMode } from "./health-view.js";
import type { HealthTracker } from "./tracker.js";

export interface RedisCircuitsOptions {
  readonly url: string;
  /** Prepended to the keys and the channel; default `switchyard:`. */
  readonly keyPrefix?: string | undefined;
}

export interface RedisCircuitsDependencies {
  /** One line per outage of publishing, and for messages that cannot be read. */
  readonly onWarning?: ((message: string) => void) | undefined;
  /** The tracker's clock (epoch ms), the one the executor passes to admit and record. */
  readonly clock?: (() => number) | undefined;
}

export interface RedisCircuitsStats {
  /** Local openings published. */
  readonly published: number;
  /** Local openings that could not be published (Redis down or failing). */
  readonly failures: number;
  /** Peers' openings applied to the tracker (from messages and from the stored keys). */
  readonly applied: number;
}

/** What travels on the channel and is stored under the circuit's key. */
interface Opening {
  readonly origin: string;
  readonly offering: string;
  readonly mode: HealthMode;
  /** How long it stays open from the publisher's now: each side adds it to its own clock. */
  readonly remainingMs: number;
}

/**
 * Sets the circuit's key unless it is already open for longer, and publishes the opening, in one call.
 * Cluster mode: the channel is not a key, so this is fine on one slot; plain Redis is the target.
 */
const openScript = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return redis.call('PUBLISH', ARGV[3], ARGV[1])
`;

interface ScriptCommands {
  switchyardOpenCircuit(key: string, opening: string, remainingMs: string, channel: string): Promise<number>;
}

/**
 * Circuit breakers shared across replicas, off the critical path. A circuit that opens in this
 * process is published (PUBLISH on `<prefix>circuits`, plus a key `<prefix>circuit:<mode>:<offering>`
 * that expires when the circuit would close); peers' openings arrive on a subscriber connection and
 * are applied with `openFromPeer`, which publishes nothing back. A replica that starts or reconnects
 * reads the circuits still open from the keys (SCAN). Durations travel relative (ms left), so replicas
 * whose clocks disagree still keep a circuit open for the same time. Publishing is fire and forget: a
 * failure is warned about once per outage and never reaches the executor. Only openings are shared: a
 * peer's circuit stays open here until its time is up, then this replica probes for itself.
 */
export class RedisCircuits {
  /** Ignores this instance's own messages. */
  readonly origin = randomUUID();
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #tracker: HealthTracker;
  readonly #prefix: string;
  readonly #channel: string;
  readonly #target: string;
  readonly #warn: (message: string) => void;
  readonly #clock: () => number;
  #started = false;
  #closed = false;
  #warned = false;
  #published = 0;
  #failures = 0;
  #applied = 0;
  #lastReason = "not connected";

  /**
   * Connects both connections, subscribes, applies the circuits open now, then publishes this tracker's
   * openings. Fails with a one-line RedisUnavailableError when Redis cannot be reached.
   */
  static async connect(
    options: RedisCircuitsOptions,
    tracker: HealthTracker,
    dependencies: RedisCircuitsDependencies = {},
    /** `false`: a Redis that is down now is a warning; sharing starts when it answers (fail-open). */
    required = true,
  ): Promise<RedisCircuits> {
    const commands = createRedis(options.url, { role: "circuits", socketTimeoutMs: 5_000 });
    const subscriber = createRedis(options.url, { role: "circuits-subscriber" });
    const circuits = new RedisCircuits(commands, subscriber, tracker, options, dependencies);
    try {
      await Promise.all([
        connectRedis(commands, options.url, !required),
        connectRedis(subscriber, options.url, !required),
      ]);
      await subscriber.subscribe(circuits.#channel);
      await circuits.#load();
    } catch (error) {
      if (required) {
        commands.disconnect();
        subscriber.disconnect();
        throw error;
      }
      // Both connections go on trying; the subscription is made once they are up (then ioredis renews it).
      circuits.#warnOnce(error);
      const subscribe = (): void => {
        subscriber.subscribe(circuits.#channel).catch((failure: unknown) => circuits.#warnOnce(failure));
      };
      if (subscriber.status === "ready") subscribe();
      else subscriber.once("ready", subscribe);
    }
    circuits.#started = true;
    tracker.setOpenListener((offering, mode, openUntil, now) =>
      circuits.#publish(offering, mode, openUntil, now),
    );
    return circuits;
  }

  private constructor(
    commands: Redis,
    subscriber: Redis,
    tracker: HealthTracker,
    options: RedisCircuitsOptions,
    dependencies: RedisCircuitsDependencies,
  ) {
    this.#commands = commands;
    this.#subscriber = subscriber;
    this.#tracker = tracker;
    this.#prefix = options.keyPrefix ?? "switchyard:";
    this.#channel = `${this.#prefix}circuits`;
    this.#target = redisTarget(options.url);
    this.#warn = dependencies.onWarning ?? (() => undefined);
    this.#clock = dependencies.clock ?? Date.now;
    commands.defineCommand("switchyardOpenCircuit", { lua: openScript, numberOfKeys: 1 });
    for (const redis of [commands, subscriber])
      redis.on("error", (error: unknown) => {
        this.#lastReason = reasonOf(error);
      });
    subscriber.on("message", (channel: string, message: string) => {
      if (channel === this.#channel) this.#receive(message);
    });
    // Back after an outage (ioredis subscribes again by itself): read what opened meanwhile.
    const reload = (): void => {
      this.#warned = false;
      if (this.#started && !this.#closed) this.#load().catch((error: unknown) => this.#warnOnce(error));
    };
    commands.on("ready", reload);
    subscriber.on("ready", reload);
  }

  get stats(): RedisCircuitsStats {
    return { published: this.#published, failures: this.#failures, applied: this.#applied };
  }

  /** Stops publishing this tracker's openings and closes both connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#tracker.setOpenListener(undefined);
    await Promise.all([closeRedis(this.#commands), closeRedis(this.#subscriber)]);
  }

  #publish(offering: string, mode: HealthMode, openUntil: number, now: number): void {
    const remainingMs = Math.ceil(openUntil - now);
    if (remainingMs <= 0 || this.#closed) return;
    const opening: Opening = { origin: this.origin, offering, mode, remainingMs };
    if (this.#commands.status !== "ready") {
      this.#failures += 1;
      this.#warnOnce(new Error(this.#lastReason));
      return;
    }
    (this.#commands as unknown as ScriptCommands)
      .switchyardOpenCircuit(
        this.#key(offering, mode),
        JSON.stringify(opening),
        String(remainingMs),
        this.#channel,
      )
      .then(
        () => {
          this.#published += 1;
          this.#warned = false;
        },
        (error: unknown) => {
          this.#failures += 1;
          this.#warnOnce(error);
        },
      );
  }

  #receive(message: string): void {
    const opening = parseOpening(message);
    if (opening === undefined) {
      this.#warn(`redis circuits: ignored a message on ${this.#channel} that is not an opening`);
      return;
    }
    if (opening.origin === this.origin) return;
    this.#apply(opening, opening.remainingMs);
  }

  #apply(opening: Opening, remainingMs: number): void {
    const now = this.#clock();
    this.#tracker.openFromPeer(opening.offering, opening.mode, now + remainingMs, now);
    this.#applied += 1;
  }

  /** Applies every circuit still open in Redis, with the time it has left there. */
  async #load(): Promise<void> {
    let cursor = "0";
    do {
      const [next, keys] = await this.#commands.scan(
        cursor,
        "MATCH",
        `${globEscape(this.#prefix)}circuit:*`,
        "COUNT",
        500,
      );
      cursor = next;
      if (keys.length === 0) continue;
      const pipeline = this.#commands.pipeline();
      for (const key of keys) pipeline.get(key).pttl(key);
      const results = (await pipeline.exec()) ?? [];
      for (let index = 0; index < keys.length; index++) {
        const value = results[2 * index]?.[1];
        const remainingMs = results[2 * index + 1]?.[1];
        const opening = typeof value === "string" ? parseOpening(value) : undefined;
        if (opening === undefined || opening.origin === this.origin) continue;
        if (typeof remainingMs === "number" && remainingMs > 0) this.#apply(opening, remainingMs);
      }
    } while (cursor !== "0");
  }

  #warnOnce(error: unknown): void {
    if (this.#warned || this.#closed) return;
    this.#warned = true;
    this.#warn(
      `redis circuits: cannot share circuit openings through ${this.#target} (${reasonOf(error)}); ` +
        "each replica keeps its own breakers until it is back",
    );
  }

  #key(offering: string, mode: HealthMode): string {
    return `${this.#prefix}circuit:${mode}:${offering}`;
  }
}

function parseOpening(text: string): Opening | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { origin, offering, mode, remainingMs } = value as Record<string, unknown>;
  if (typeof origin !== "string" || typeof offering !== "string") return undefined;
  if (mode !== "whole" && mode !== "stream") return undefined;
  if (typeof remainingMs !== "number" || !(remainingMs > 0)) return undefined;
  return { origin, offering, mode, remainingMs };
}

/** A key prefix as a literal inside a SCAN pattern. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
}
