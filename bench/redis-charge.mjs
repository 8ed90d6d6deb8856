// npm run build && node bench/redis-charge.mjs [--url redis://127.0.0.1:6379] [--count 10000]
// The round trip of one RedisCounters charge (a key's request bucket, its token bucket and a tenant's
// month budget: the shape of a governed request), sequential, against a real Redis. Prints percentiles.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { RedisCounters } from "../dist/src/governance/redis-counters.js";

const { values: flags } = parseArgs({
  options: {
    url: { type: "string", default: "redis://127.0.0.1:6379" },
    count: { type: "string", default: "10000" },
  },
});
const count = Number(flags.count);
const prefix = `bench:${randomBytes(4).toString("hex")}:`;
const counters = await RedisCounters.connect({ url: flags.url, keyPrefix: prefix, timeoutMs: 1_000 });
const budget = "budget:tenant:bench:month";
await counters.seedBudget(budget, 0, Date.now() + 3_600_000);
const request = {
  buckets: [
    { id: "rl:key:bench:requests", capacity: 1e9, periodMs: 60_000, take: 1 },
    { id: "rl:key:bench:tokens", capacity: 1e12, periodMs: 60_000, take: 500 },
  ],
  budgets: [
    { id: budget, limitNanos: 1e15, reserveNanos: 1_000, hard: true, expiresAt: Date.now() + 3_600_000 },
  ],
};
for (let i = 0; i < 500; i++) await counters.charge(request); // warm: script loaded, JIT
const samples = new Float64Array(count);
for (let i = 0; i < count; i++) {
  const started = process.hrtime.bigint();
  const result = await counters.charge(request);
  samples[i] = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.outcome !== "admitted") throw new Error(`charge ${i}: ${result.outcome}`);
}
samples.sort();
const at = (q) => samples[Math.min(count - 1, Math.floor(q * count))].toFixed(3);
console.log(
  `${count} sequential charges (2 buckets + 1 budget): median ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`,
);
await counters.close();
// The run's keys go (buckets would expire by themselves, the budget only an hour after its window).
const redis = new Redis(flags.url);
const keys = await redis.keys(`${prefix}*`);
if (keys.length > 0) await redis.del(...keys);
redis.disconnect();
