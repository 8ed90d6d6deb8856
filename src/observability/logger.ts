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

/**
 * Lines go to the destination in writes of at least this many bytes, or every `flushIntervalMs`.
 * Each `fs.write` costs about 40–50 µs of CPU on this machine whatever its size (the libuv thread
 * pool's hand-offs and the syscall), and with one write per line or two the access log cost more than
 * the request it logged. 8 KB is about fifteen access-log lines.
 */
const batchBytes = 8 * 1024;
/** The longest a line waits for its batch: short enough for `tail -f`. */
const flushIntervalMs = 100;

/**
 * pino's stream over sonic-boom in buffer mode, batched. pino writes strings; sonic-boom's string mode
 * measures its whole pending buffer with `Buffer.byteLength` on every write and converts what it wrote
 * back to a Buffer afterwards (about 8 µs a line here), its buffer mode takes one `Buffer.from` a line
 * (under 3 µs). `write` is looked up on each call, so sonic-boom's EPIPE handling (it swaps `write`
 * for a no-op) holds. On exit pino's own handler writes out whatever is pending (`flushSync`).
 */
class BatchedWriter implements DestinationStream {
  readonly #destination: Destination;
  #timer: NodeJS.Timeout | undefined;
  /** Bytes handed to the destination, and bytes it reported written: the difference is pending. */
  #handed = 0;
  #written = 0;

  constructor(destination: Destination) {
    this.#destination = destination;
    destination.on("write", (bytes: number) => (this.#written += bytes));
  }

  get unwritten(): number {
    return this.#handed - this.#written;
  }

  write(line: string): void {
    const data = Buffer.from(line);
    this.#handed += data.length;
    // sonic-boom's types know only its string mode; in buffer mode `write` takes a Buffer.
    (this.#destination.write as unknown as (data: Buffer) => boolean).call(this.#destination, data);
    this.#arm();
  }

  /**
   * A full batch is written by the destination itself; a short one when the interval ends. A flush
   * while a write is in flight does nothing, so the timer stays armed while anything is pending.
   */
  #arm(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.unwritten === 0) return;
      this.#destination.flush();
      this.#arm();
    }, flushIntervalMs).unref();
  }

  /** Writes what is pending now, and calls back once the destination is idle (or failed). */
  flush(callback: () => void): void {
    this.#destination.flush(() => callback());
  }
}

/** Each logger's batched writer, for `flushLogger`. */
const writers = new WeakMap<Logger, BatchedWriter>();

/**
 * The gateway's logger: JSON lines, no pid or hostname, written asynchronously so that a slow stdout
 * (a pipe to a log shipper, a terminal) never blocks a request, in batches (see `batchBytes`). Call
 * `flushLogger` before `process.exit`.
 */
export function createLogger(options: LoggerOptions): Logger {
  if (options.stream !== undefined) return pino({ level: options.level, base: null }, options.stream);
  const destination = pino.destination({
    dest: options.destination ?? 1,
    sync: false,
    contentMode: "buffer",
    minLength: batchBytes,
  });
  const writer = new BatchedWriter(destination);
  const logger = pino({ level: options.level, base: null }, writer);
  writers.set(logger, writer);
  return logger;
}

/**
 * Resolves once every line logged so far has been written, or after `timeoutMs` (a stdout nobody
 * reads must not hold a shutdown forever). One flush may end while lines are still pending (those
 * logged during a write in flight, short of a batch), so it flushes until nothing is, or until a
 * flush writes nothing more (a destination that failed).
 */
export async function flushLogger(logger: Logger, timeoutMs = 2_000): Promise<void> {
  const writer = writers.get(logger);
  if (writer === undefined) return;
  const deadline = Date.now() + timeoutMs;
  while (writer.unwritten > 0 && Date.now() < deadline) {
    const before = writer.unwritten;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      timer.unref();
      writer.flush(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (writer.unwritten >= before) return;
  }
}
