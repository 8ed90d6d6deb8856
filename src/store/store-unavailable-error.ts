/**
 * The store cannot be opened: the database is unreachable, refuses the login, or its schema cannot be
 * brought up to date. The message is one line that names the backend, where it is (host:port/database
 * or the file) and what failed, never a password; the CLI prints it and exits with status 2.
 */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
  constructor(
    readonly backend: "sqlite" | "postgres",
    /** `host:port/database` or the file path. */
    readonly target: string,
    readonly reason: string,
    options?: { readonly cause?: unknown },
  ) {
    super(
      `cannot open the ${backend === "sqlite" ? "SQLite" : "PostgreSQL"} store at ${target}: ${reason}`,
      options,
    );
  }
}

/**
 * One line out of whatever a driver threw. Node's dual-stack connect throws an AggregateError whose own
 * message is empty; its first error says what happened.
 */
export function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === "") {
    const first: unknown = error.errors[0];
    if (first !== undefined) return reasonOf(first);
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const message = error.message.split("\n")[0] ?? "";
    if (message === "") return typeof code === "string" ? code : error.name;
    return typeof code === "string" && !message.includes(code) ? `${message} (${code})` : message;
  }
  return String(error);
}
