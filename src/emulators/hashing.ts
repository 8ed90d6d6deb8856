import { createHash } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function sha256(input: string): Buffer {
  return createHash("sha256").update(input).digest();
}

/** Deterministic unsigned 32-bit hash of a string. */
export function hash32(input: string): number {
  return sha256(input).readUInt32LE(0);
}

/** Deterministic base62 string of `length` characters derived from `seed`. */
export function base62(seed: string, length: number): string {
  let out = "";
  let counter = 0;
  while (out.length < length) {
    for (const byte of sha256(`${seed}#${counter}`)) {
      if (out.length === length) break;
      out += ALPHABET[byte % 62];
    }
    counter += 1;
  }
  return out;
}

export function hex(seed: string, length: number): string {
  let out = "";
  for (let counter = 0; out.length < length; counter += 1) {
    out += sha256(`${seed}#${counter}`).toString("hex");
  }
  return out.slice(0, length);
}

/** A UUID-shaped deterministic id (Azure's `apim-request-id` style). */
export function uuidFrom(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
