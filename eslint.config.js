// @ts-check
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "bench/results/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  // Layer boundaries (docs/architecture.md): pure layers never reach I/O layers.
  boundary("src/core/**/*.ts", [
    "catalog",
    "codecs",
    "config",
    "engine",
    "gateway",
    "governance",
    "http",
    "ledger",
    "routing",
    "store",
    "transports",
  ]),
  boundary("src/codecs/**/*.ts", [
    "engine",
    "gateway",
    "governance",
    "http",
    "ledger",
    "store",
    "transports",
  ]),
  boundary("src/routing/**/*.ts", ["engine", "gateway", "http", "ledger", "store", "transports"]),
  boundary("src/catalog/**/*.ts", ["engine", "gateway", "http", "routing", "store", "transports"]),
  boundary("src/ledger/reports/**/*.ts", ["engine", "gateway", "http", "transports"]),
  {
    // `expect.any()` and friends are typed `any` by design.
    files: ["**/*.test.ts", "test/**/*.ts"],
    rules: { "@typescript-eslint/no-unsafe-assignment": "off" },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
);

/** Files matching `files` may not import from the named `src/` folders. */
function boundary(files, folders) {
  return {
    files: [files],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: folders.map((folder) => ({
            group: [`**/${folder}/*`, `**/${folder}/**`],
            message: `this layer may not depend on src/${folder} (see docs/architecture.md)`,
          })),
        },
      ],
    },
  };
}
