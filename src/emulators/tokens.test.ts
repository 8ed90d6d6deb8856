import fc from "fast-check";
import { countTokens, decode, encode } from "gpt-tokenizer";
import { describe, expect, it } from "vitest";
import { countPromptTokens, splitIntoTokenPieces, truncateToTokens } from "./tokens.js";

describe("token pieces", () => {
  it("concatenate back to the text, multi-byte characters included", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), (text) => {
        const pieces = splitIntoTokenPieces(text);
        expect(pieces.map((piece) => piece.text).join("")).toBe(text);
        expect(pieces.reduce((sum, piece) => sum + piece.tokens, 0)).toBe(countTokens(text));
      }),
    );
  });

  it("merge tokens that split a character", () => {
    const pieces = splitIntoTokenPieces("𐙬🦄");
    expect(pieces.map((piece) => piece.text)).toEqual(["𐙬", "🦄"]);
    expect(pieces.reduce((sum, piece) => sum + piece.tokens, 0)).toBe(countTokens("𐙬🦄"));
  });

  // Regression: gpt-tokenizer's shared streaming decoder leaked a cut character into later decodes.
  it("leave no decoder state behind after a cut inside a character", () => {
    expect(truncateToTokens("𐙬", 3)).toEqual({ text: "", truncated: true });
    expect(decode(encode("ok"))).toBe("ok");
  });

  it("treat special-token strings as plain text", () => {
    expect(
      splitIntoTokenPieces("a <|endoftext|> b")
        .map((piece) => piece.text)
        .join(""),
    ).toBe("a <|endoftext|> b");
  });
});

describe("truncateToTokens", () => {
  it("never leaves a broken character and reports the cut", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 40 }),
        fc.integer({ min: 1, max: 10 }),
        (text, limit) => {
          const cut = truncateToTokens(text, limit);
          expect(text.startsWith(cut.text)).toBe(true);
          expect(cut.truncated).toBe(countTokens(text) > limit);
          if (cut.truncated) expect(countTokens(cut.text)).toBeLessThanOrEqual(limit);
        },
      ),
    );
  });
});

describe("countPromptTokens", () => {
  it("adds 3 per message and 3 for the reply", () => {
    expect(countPromptTokens([{ text: "hello" }, { text: "" }], undefined)).toBe(
      3 + 3 + 3 + countTokens("hello"),
    );
  });
});
