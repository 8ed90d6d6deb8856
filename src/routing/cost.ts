import type { Price } from "../config/types.js";

/** Output tokens assumed when a request sets no limit and the offering states none. */
export const DEFAULT_OUTPUT_ESTIMATE = 1_000;

/**
 * The most this request can cost on an offering, in USD: its prompt at the input price and the
 * output at its upper bound (the request's max tokens, else the offering's limit, else a default).
 */
export function expectedCost(
  price: Price,
  promptTokens: number,
  maxOutputTokens: number | undefined,
  offeringMaxOutput: number | undefined,
): number {
  const output = maxOutputTokens ?? offeringMaxOutput ?? DEFAULT_OUTPUT_ESTIMATE;
  return (promptTokens * price.input + output * price.output) / 1_000_000;
}

/** `$0.000123`: enough significant digits to tell offerings apart. */
export function formatUsd(amount: number): string {
  if (amount === 0) return "$0";
  return `$${amount
    .toPrecision(3)
    .replace(/(\.\d*?)0+$/, "$1")
    .replace(/\.$/, "")}`;
}
