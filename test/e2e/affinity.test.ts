import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setFault, startHarness, testKey, type Harness } from "../support/harness.js";

/*
 * Cache-aware affinity with the official Anthropic SDK: ten conversations of ten turns on a model that
 * three clouds serve, under a tenant that spreads traffic evenly over them. Without affinity each turn
 * would land on a random cloud (a cold cache two times in three); with it each conversation stays on its
 * first cloud while that cloud is healthy, and moves only when it fails.
 */
const spreadKey = `${testKey}-spread`;

describe("cache-aware affinity", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness((document) => {
      const tenants = document["tenants"] as Record<string, unknown>;
      tenants["spread"] = {
        policy: {
          strategy: "weighted",
          providers: { allow: ["anthropic", "aws-us-east-1", "gcp-us-central1"] },
          weights: { anthropic: 1, "aws-us-east-1": 1, "gcp-us-central1": 1 },
          retries: { attempts_per_offering: 1 },
        },
      };
      (document["keys"] as Record<string, unknown>[]).push({
        name: "spread",
        key: spreadKey,
        tenant: "spread",
      });
    });
  });
  afterAll(async () => {
    await harness.close();
  });

  const client = (): Anthropic =>
    new Anthropic({ apiKey: spreadKey, baseURL: harness.gateway.url, maxRetries: 0 });

  async function turn(conversation: string, n: number): Promise<{ provider: string; route: string }> {
    const { response } = await client()
      .messages.create({
        model: "claude-sonnet-4-6",
        max_tokens: 50,
        metadata: { user_id: conversation },
        messages: [{ role: "user", content: `turn ${n} of ${conversation}` }],
      })
      .withResponse();
    return {
      provider: response.headers.get("x-switchyard-provider") ?? "",
      route: response.headers.get("x-switchyard-route") ?? "",
    };
  }

  it("100 turns of 10 conversations stay on their first cloud; a failure moves one, once", async () => {
    const conversations = Array.from({ length: 10 }, (_, index) => `conversation-${index}`);
    const first = new Map<string, string>();
    let moved = 0;
    for (let n = 0; n < 10; n++)
      for (const conversation of conversations) {
        const { provider, route } = await turn(conversation, n);
        if (n === 0) first.set(conversation, provider);
        else {
          if (provider !== first.get(conversation)) moved += 1;
          expect(route).toMatch(
            new RegExp(`^claude-sonnet-4-6@${provider}; affinity: warm cache on ${provider} \\(user\\)`),
          );
        }
      }
    expect(moved).toBe(0);
    // The weighted draw spread the first turns over more than one cloud: the stickiness is affinity's.
    expect(new Set(first.values()).size).toBeGreaterThan(1);

    // The first conversation's cloud fails: its next turn fails over and stays where it landed.
    const victim = conversations[0] ?? "";
    const home = first.get(victim) ?? "";
    const emulatorName = home;
    await setFault(harness.emulator(emulatorName), { status: 503 });
    try {
      const moved = await turn(victim, 10);
      expect(moved.provider).not.toBe(home);
      const after = await turn(victim, 11);
      expect(after.provider).toBe(moved.provider);
      expect(after.route).toContain(`affinity: warm cache on ${moved.provider}`);
    } finally {
      await setFault(harness.emulator(emulatorName), { reset: true });
    }
  });
});
