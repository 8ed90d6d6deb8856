import { defineConfig } from "vitest/config";

/**
 * The long drill run (`npm run drills`): the same drill files as in `npm test`, at DRILLS=long scale,
 * one file at a time so the drills do not compete with each other for the machine.
 */
export default defineConfig({
  test: {
    include: ["test/drills/**/*.drill.test.ts", "src/codecs/fuzz.test.ts"],
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 60_000,
    reporters: ["verbose"],
    env: { DRILLS: "long" },
  },
});
