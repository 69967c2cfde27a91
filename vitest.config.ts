import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/helpers/global-setup.ts"],
    pool: "forks",
    // One module graph per worker, not per file: each file used to spend about 2 s importing the
    // app again (a quarter of the suite's time). Test files share no module state: every file
    // starts its own app, database and queue and closes them.
    isolate: false,
    // Two cores: two test files at a time.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The integration tests check behaviour, never speed; a slow CI box only makes them slower.
    slowTestThreshold: 10_000,
  },
});
