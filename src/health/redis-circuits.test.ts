import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { HealthConfig } from "../config/types.js";
import {
  RedisChild,
  deleteKeys,
  testKeyPrefix,
  testRedisUrl,
  until,
} from "../../test/support/redis-server.js";
import { RedisCircuits } from "./redis-circuits.js";
import { HealthTracker } from "./tracker.js";

const config: HealthConfig = {
  ewmaAlpha: 0.5,
  windowMs: 10_000,
  consecutiveFailures: 3,
  errorRate: 0.5,
  minRequests: 6,
  openMs: 5_000,
};
const prefix = testKeyPrefix("circuits");
afterAll(() => deleteKeys(testRedisUrl, prefix));

describe("RedisCircuits", () => {
  const open: RedisCircuits[] = [];
  const replica = async (url = testRedisUrl, warnings: string[] = []) => {
    const tracker = new HealthTracker(config);
    const circuits = await RedisCircuits.connect({ url, keyPrefix: prefix }, tracker, {
      onWarning: (message) => warnings.push(message),
    });
    open.push(circuits);
    return { tracker, circuits };
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((circuits) => circuits.close()));
  });

  it("a circuit opened on one replica is refused on the other within 100 ms, and read by a later one", async () => {
    const a = await replica();
    const b = await replica();
    const offering = `gpt@azure-${Date.now()}`;
    expect(b.tracker.admit(offering, Date.now())).toBe(true);
    const opened = Date.now();
    for (let i = 0; i < 3; i++) a.tracker.record(offering, { ok: false }, Date.now());
    expect(a.tracker.admit(offering, Date.now())).toBe(false);
    await until(() => !b.tracker.admit(offering, Date.now()), 100, "the peer's opening");
    const arrivedMs = Date.now() - opened;
    expect(arrivedMs).toBeLessThan(100);
    expect(b.tracker.of(offering, Date.now())?.openUntil).toBeGreaterThan(Date.now() + 4_000);
    // Applied once on B; A ignored its own message.
    expect(b.circuits.stats.applied).toBe(1);
    expect(a.circuits.stats).toMatchObject({ published: 1, applied: 0 });

    const later = await replica();
    expect(later.tracker.admit(offering, Date.now())).toBe(false);
    expect(later.tracker.of(offering, Date.now())?.openUntil).toBeGreaterThan(Date.now() + 4_000);
  });

  it("a stream breaker is shared as a stream breaker: whole answers still flow on the peer", async () => {
    const a = await replica();
    const b = await replica();
    const offering = `claude@bedrock-${Date.now()}`;
    a.tracker.record(
      offering,
      { ok: false, afterFirstByte: true, retryAfterMs: 3_000 },
      Date.now(),
      "stream",
    );
    await until(() => !b.tracker.admit(offering, Date.now(), "stream"), 1_000, "the peer's stream opening");
    expect(b.tracker.admit(offering, Date.now(), "whole")).toBe(true);
  });

  it("publishing while Redis is down warns once and never throws into the tracker", async () => {
    const server = new RedisChild();
    await server.start();
    try {
      const warnings: string[] = [];
      const a = await replica(server.url, warnings);
      await server.kill();
      for (let offering = 0; offering < 3; offering++)
        expect(() =>
          a.tracker.record(`down-${offering}`, { ok: false, retryAfterMs: 1_000 }, Date.now()),
        ).not.toThrow();
      await until(() => a.circuits.stats.failures === 3, 5_000, "the failures");
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/cannot share circuit openings through 127\.0\.0\.1:\d+/);
      expect(a.tracker.admit("down-0", Date.now())).toBe(false);
    } finally {
      await server.kill();
    }
  });
});
