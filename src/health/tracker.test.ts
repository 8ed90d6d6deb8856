import { describe, expect, it } from "vitest";
import type { HealthConfig } from "../config/types.js";
import { HealthTracker } from "./tracker.js";

const config: HealthConfig = {
  ewmaAlpha: 0.5,
  windowMs: 10_000,
  consecutiveFailures: 3,
  errorRate: 0.5,
  minRequests: 6,
  openMs: 1_000,
};
const id = "m@p";

describe("HealthTracker", () => {
  it("averages latency and time to first token with an EWMA", () => {
    const health = new HealthTracker(config);
    expect(health.of(id, 0)).toBeUndefined();
    health.record(id, { ok: true, latencyMs: 100 }, 0);
    health.record(id, { ok: true, latencyMs: 200, ttftMs: 40 }, 1);
    expect(health.of(id, 2)).toMatchObject({
      state: "closed",
      latencyMs: 150,
      ttftMs: 40,
      errorRate: 0,
      samples: 2,
    });
  });

  it("opens after consecutive failures, lets one probe through when half-open, and closes on its success", () => {
    const health = new HealthTracker(config);
    for (let t = 0; t < 3; t++) health.record(id, { ok: false }, t);
    expect(health.of(id, 2)).toMatchObject({ state: "open", openUntil: 1_002 });
    expect(health.admit(id, 1_001)).toBe(false);
    // The instant the open period ends, the circuit is half-open: one probe at a time.
    expect(health.admit(id, 1_002)).toBe(true);
    expect(health.of(id, 1_002)?.state).toBe("half-open");
    expect(health.admit(id, 1_003)).toBe(false);
    health.record(id, { ok: true, latencyMs: 10 }, 1_010);
    expect(health.of(id, 1_010)?.state).toBe("closed");
    expect(health.admit(id, 1_011)).toBe(true);
  });

  it("re-opens when the half-open probe fails", () => {
    const health = new HealthTracker(config);
    for (let t = 0; t < 3; t++) health.record(id, { ok: false }, t);
    expect(health.admit(id, 5_000)).toBe(true);
    health.record(id, { ok: false }, 5_000);
    expect(health.of(id, 5_001)).toMatchObject({ state: "open", openUntil: 6_000 });
  });

  it("a released probe (the client left) lets the next request probe", () => {
    const health = new HealthTracker(config);
    for (let t = 0; t < 3; t++) health.record(id, { ok: false }, t);
    expect(health.admit(id, 2_000)).toBe(true);
    health.release(id);
    expect(health.admit(id, 2_001)).toBe(true);
  });

  it("opens on the error rate over the window once it holds enough outcomes", () => {
    const health = new HealthTracker(config);
    // Alternating outcomes never make 3 failures in a row, but reach 50% over 6.
    for (let t = 0; t < 5; t++)
      health.record(id, t % 2 === 1 ? { ok: true, latencyMs: 1 } : { ok: false }, t);
    expect(health.of(id, 5)?.state).toBe("closed");
    health.record(id, { ok: true, latencyMs: 1 }, 5);
    health.record(id, { ok: false }, 6);
    expect(health.of(id, 6)).toMatchObject({ state: "open", samples: 7 });
  });

  it("forgets outcomes older than the window", () => {
    const health = new HealthTracker(config);
    health.record(id, { ok: false }, 0);
    health.record(id, { ok: true, latencyMs: 1 }, 20_000);
    expect(health.of(id, 20_000)).toMatchObject({ errorRate: 0, samples: 1 });
  });

  it("a Retry-After opens the circuit for exactly that long, even on a first failure", () => {
    const health = new HealthTracker(config);
    health.record(id, { ok: false, retryAfterMs: 7_000 }, 100);
    expect(health.of(id, 100)).toMatchObject({ state: "open", openUntil: 7_100 });
    expect(health.admit(id, 7_099)).toBe(false);
    expect(health.admit(id, 7_100)).toBe(true);
  });

  it("streams broken after the first byte open the streams' breaker although whole answers succeed between them (issue 10, defect 4)", () => {
    const health = new HealthTracker({ ...config, minRequests: 1_000 });
    for (let t = 0; t < 3; t++) {
      health.record(id, { ok: false, afterFirstByte: true }, t * 10, "stream");
      health.record(id, { ok: true, latencyMs: 5 }, t * 10 + 5);
    }
    expect(health.of(id, 30, "stream")).toMatchObject({ state: "open", streamsOnly: true, openUntil: 1_020 });
    expect(health.admit(id, 30, "stream")).toBe(false);
    // Whole answers are not the streams' problem.
    expect(health.of(id, 30)).toMatchObject({ state: "closed", streamsOnly: false, errorRate: 0 });
    expect(health.admit(id, 30, "whole")).toBe(true);
    expect(health.earliestReopen()).toBe(1_020);
  });

  it("a failure before a stream's first byte counts for the offering too", () => {
    const health = new HealthTracker(config);
    for (let t = 0; t < 3; t++) health.record(id, { ok: false }, t, "stream");
    expect(health.of(id, 3)?.state).toBe("open");
    expect(health.of(id, 3, "stream")).toMatchObject({ state: "open", streamsOnly: false });
  });

  it("a half-open stream probe needs both breakers free, and a refusal by one takes no probe of the other", () => {
    const health = new HealthTracker(config);
    for (let t = 0; t < 3; t++) health.record(id, { ok: false }, t);
    // The offering's breaker half-opens at 1_002; the streams' breaker opens later, until 1_902.
    for (let t = 900; t < 903; t++) health.record(id, { ok: false, afterFirstByte: true }, t, "stream");
    expect(health.admit(id, 1_100, "stream")).toBe(false);
    // The offering's probe was not taken by the refused stream: a whole answer may probe.
    expect(health.admit(id, 1_100, "whole")).toBe(true);
    health.record(id, { ok: true, latencyMs: 1 }, 1_200);
    expect(health.admit(id, 1_901, "stream")).toBe(false);
    expect(health.admit(id, 1_902, "stream")).toBe(true);
    expect(health.admit(id, 1_903, "stream")).toBe(false);
    health.record(id, { ok: true, latencyMs: 1, ttftMs: 1 }, 1_950, "stream");
    expect(health.of(id, 1_950, "stream")?.state).toBe("closed");
  });

  it("tells its listener when a circuit opens here, once per opening, with the mode and until when (issue 12)", () => {
    const health = new HealthTracker(config);
    const opened: unknown[] = [];
    health.setOpenListener((...args) => opened.push(args));
    for (let t = 0; t < 5; t++) health.record(id, { ok: false }, t);
    // Open from the third failure on: the fourth and fifth extend it to 1 004 but tell nothing new.
    expect(opened).toEqual([[id, "whole", 1_002, 2]]);
    // Half-open at 1 004: the failed probe opens it again.
    expect(health.admit(id, 1_004)).toBe(true);
    health.record(id, { ok: false }, 1_005);
    health.record("s@p", { ok: false, afterFirstByte: true, retryAfterMs: 500 }, 1_010, "stream");
    expect(opened).toEqual([
      [id, "whole", 1_002, 2],
      [id, "whole", 2_005, 1_005],
      ["s@p", "stream", 1_510, 1_010],
    ]);
  });

  it("a listener that throws never fails the attempt that opened the circuit", () => {
    const health = new HealthTracker(config);
    health.setOpenListener(() => {
      throw new Error("publishing failed");
    });
    expect(() => health.record(id, { ok: false, retryAfterMs: 100 }, 0)).not.toThrow();
    expect(health.of(id, 1)?.state).toBe("open");
  });

  it("opens a circuit from a peer without telling its listener, and never shortens one (issue 12)", () => {
    const health = new HealthTracker(config);
    const opened: unknown[] = [];
    health.setOpenListener((...args) => opened.push(args));
    health.openFromPeer(id, "whole", 500, 100);
    expect(health.admit(id, 499)).toBe(false);
    expect(health.of(id, 499)).toMatchObject({ state: "open", openUntil: 500 });
    health.openFromPeer(id, "whole", 300, 200);
    expect(health.of(id, 201)?.openUntil).toBe(500);
    // An opening that already ended changes nothing (it would make a closed circuit half-open).
    health.openFromPeer("other@p", "whole", 100, 100);
    expect(health.of("other@p", 100)).toBeUndefined();
    expect(health.admit(id, 500)).toBe(true);
    health.openFromPeer("s@p", "stream", 1_000, 0);
    expect(health.admit("s@p", 10, "whole")).toBe(true);
    expect(health.admit("s@p", 10, "stream")).toBe(false);
    expect(opened).toEqual([]);
  });
});
