import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ENV_SCHEMA } from "../../server/env-schema.ts";

describe("README", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

  it("documents every environment variable the server reads", () => {
    for (const variable of Object.keys(ENV_SCHEMA.shape)) expect(readme).toContain(`| \`${variable}\` |`);
  });

  it("shows the two commands and the test command", () => {
    for (const command of ["npm install", "npm start", "npm test"]) expect(readme).toContain(command);
  });
});
