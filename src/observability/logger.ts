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
 * Lines are gathered in chunks of this many bytes, and a chunk goes to the destination when the next line
 * would not fit, or `flushIntervalMs` after its first line. Each asynchronous `fs.write` costs tens of µs
 * of CPU however small (the libuv thread pool's hand-offs and the syscall); with one write per line or
 * two the access log cost more than the request it logged. A bigger chunk costs more to copy but is
 * handed off less often: one asynchronous write of 16 KB cost 72–97 µs of CPU on a slow machine, one of
 * 64 KB 113–232 µs, so 3.1–4.2 against 1.2–2.5 µs per 700-byte line (bench/RESULTS.md,
 * "2026-12-03, later"). sonic-boom is told that a chunk is its largest single write (`maxWrite`).
 */
const chunkBytes = 64 * 1024;
/** The longest a line waits for its chunk: short enough for `tail -f`. */
const flushIntervalMs = 100;
/** UTF-8 takes at most three bytes per UTF-16 code unit: a line of n code units fits in 3n bytes. */
const maxBytesPerCodeUnit = 3;

/**
 * pino's stream: each line is encoded straight into the current chunk (no Buffer per line), and whole
 * chunks go to sonic-boom in buffer mode, which writes them in order and deals with the descriptor
 * (partial writes, `EAGAIN` on a pipe, `EPIPE`, the synchronous flush at exit). `write` is looked up on
 * each call, so sonic-boom's EPIPE handling (it swaps `write` for a no-op) holds. A chunk handed over is
 * never written into again: the next line starts a fresh one.
 */
class BatchedWriter implements DestinationStream {
  readonly #destination: Destination;
  #chunk = Buffer.allocUnsafeSlow(chunkBytes);
  /** Bytes of `#chunk` holding lines not handed over yet. */
  #used = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Bytes handed to the destination, and bytes it reported written. */
  #handed = 0;
  #written = 0;

  constructor(destination: Destination) {
    this.#destination = destination;
    destination.on("write", (bytes: number) => (this.#written += bytes));
    liveWriters.add(this);
    destination.on("close", () => liveWriters.delete(this));
  }

  /** Bytes logged and not yet written: in the current chunk, and handed over but pending. */
  get unwritten(): number {
    return this.#used + this.#handed - this.#written;
  }

  write(line: string): void {
    if (line.length * maxBytesPerCodeUnit > chunkBytes - this.#used) {
      this.handOff();
      // A line longer than a chunk could hold goes on its own.
      if (line.length * maxBytesPerCodeUnit > chunkBytes) {
        this.#give(Buffer.from(line));
        return;
      }
    }
    this.#used += this.#chunk.write(line, this.#used, "utf8");
    this.#arm();
  }

  /** Gives the lines gathered so far to the destination (which writes them at once, or after its write in flight). */
  handOff(): void {
    if (this.#used === 0) return;
    const lines = this.#chunk.subarray(0, this.#used);
    this.#chunk = Buffer.allocUnsafeSlow(chunkBytes);
    this.#used = 0;
    this.#give(lines);
  }

  #give(data: Buffer): void {
    this.#handed += data.length;
    // sonic-boom's types know only its string mode; in buffer mode `write` takes a Buffer.
    (this.#destination.write as unknown as (data: Buffer) => boolean).call(this.#destination, data);
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.handOff();
    }, flushIntervalMs).unref();
  }

  /** Writes what is pending now, and calls back once the destination is idle (or failed). */
  flush(callback: () => void): void {
    this.handOff();
    this.#destination.flush(() => callback());
  }
}

/**
 * Every writer with lines possibly in its chunk. At exit (and when the event loop runs dry) those lines go
 * to the destinations first, before pino's own exit handler flushes them (registered earlier, so this
 * one is put in front of it).
 */
const liveWriters = new Set<BatchedWriter>();
const handOffAll = (): void => {
  for (const writer of liveWriters) writer.handOff();
};
process.prependListener("beforeExit", handOffAll);
process.prependListener("exit", handOffAll);

/** Each logger's batched writer, for `flushLogger`. */
const writers = new WeakMap<Logger, BatchedWriter>();

/**
 * The gateway's logger: JSON lines, no pid or hostname, written asynchronously so that a slow stdout
 * (a pipe to a log shipper, a terminal) never blocks a request, in chunks (see `chunkBytes`). Call
 * `flushLogger` before `process.exit` (an exit without it still writes the lines out synchronously).
 */
export function createLogger(options: LoggerOptions): Logger {
  if (options.stream !== undefined) return pino({ level: options.level, base: null }, options.stream);
  const destination = pino.destination({
    dest: options.destination ?? 1,
    sync: false,
    contentMode: "buffer",
    // The writer batches: any chunk it hands over is written at once (a minimum of 0 would also make
    // sonic-boom's `flush` return before the write is done).
    minLength: 1,
    maxWrite: chunkBytes,
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
