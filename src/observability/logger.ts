import { pino, type DestinationStream, type Logger } from "pino";

export interface LoggerOptions {
  /** pino's level (`config.log.level`). */
  readonly level: string;
  /** A file descriptor or a file path; stdout (1) unless given. */
  readonly destination?: number | string | undefined;
  /** Write here instead (tests); `destination` is then ignored. */
  readonly stream?: DestinationStream | undefined;
}

type Destination = ReturnType<typeof pino.destination>;

/** Each logger's asynchronous destination, for `flushLogger`. */
const destinations = new WeakMap<Logger, Destination>();

/**
 * pino writes strings. sonic-boom's string mode measures the whole pending buffer with
 * `Buffer.byteLength` on every write and converts what it wrote back to a Buffer afterwards: about
 * 8 µs a line on this machine, against under 3 µs in its buffer mode with one `Buffer.from` per line.
 * `write` is looked up on each call, so sonic-boom's EPIPE handling (it swaps `write` for a no-op) holds.
 */
function bufferWriter(destination: Destination): DestinationStream & { flush(callback: () => void): void } {
  return {
    write(line: string): void {
      writeBuffer(destination, Buffer.from(line));
    },
    flush(callback: () => void): void {
      destination.flush(callback);
    },
  };
}

/** sonic-boom's types know only its string mode; in buffer mode `write` takes a Buffer. */
function writeBuffer(destination: Destination, data: Buffer): void {
  (destination.write as unknown as (data: Buffer) => boolean).call(destination, data);
}

/**
 * The gateway's logger: JSON lines, no pid or hostname, written asynchronously so that a slow stdout
 * (a pipe to a log shipper, a terminal) never blocks a request: lines written while a write is in
 * flight are queued and go out together in the next one. Call `flushLogger` before `process.exit`.
 */
export function createLogger(options: LoggerOptions): Logger {
  if (options.stream !== undefined) return pino({ level: options.level, base: null }, options.stream);
  const destination = pino.destination({
    dest: options.destination ?? 1,
    sync: false,
    contentMode: "buffer",
  });
  const logger = pino({ level: options.level, base: null }, bufferWriter(destination));
  destinations.set(logger, destination);
  return logger;
}

/**
 * Resolves once every line logged so far has been written, or after `timeoutMs` (a stdout nobody
 * reads must not hold a shutdown forever). pino's own `flush(cb)` answers at once when the destination
 * has no minimum write length, before the write in flight has finished; an empty write does not: the
 * destination emits `drain` only when its queue, that empty string included, is written out.
 */
export function flushLogger(logger: Logger, timeoutMs = 2_000): Promise<void> {
  const destination = destinations.get(logger);
  if (destination === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    function done(): void {
      clearTimeout(timer);
      destination?.off("drain", done);
      resolve();
    }
    destination.once("drain", done);
    writeBuffer(destination, Buffer.alloc(0));
  });
}
