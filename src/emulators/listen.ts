import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A started emulator server: its origin, and a close that also drops open (streaming) connections. */
export interface Listening {
  readonly url: string;
  readonly close: () => Promise<void>;
}

/** Starts `server` on `host` (default 127.0.0.1) and `port` (default 0, ephemeral). */
export async function listen(
  server: Server,
  host: string | undefined,
  port: number | undefined,
): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port ?? 0, host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostPart}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
