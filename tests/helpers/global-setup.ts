/**
 * Runs once per `vitest run`: migrates a template database that every test file copies, so a test
 * file starts from a fresh, migrated database in well under a second.
 * - embedded: a PGlite data folder dumped to a tarball;
 * - TEST_DATABASE_URL: a PostgreSQL database used as `CREATE DATABASE ... TEMPLATE`.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { connect } from "../../db/connect.ts";
import { runMigrations } from "../../db/migrate.ts";
import { writePgliteTemplate } from "../../db/pglite-template.ts";
import { databaseUrlFor } from "./database-url.ts";
import { keysWithPrefix } from "./redis-keys.ts";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string | null;
    /** Every Redis key of this run starts with it; the run fails if any is left behind. */
    redisRunPrefix: string;
  }
}

export default async function setup(project: TestProject) {
  // Built fresh for every run, so it always holds the migrations of the code under test.
  const folder = mkdtempSync(join(tmpdir(), "switchboard-test-"));
  project.provide("pgliteTemplate", await writePgliteTemplate(join(folder, "pglite-template.tar")));

  const serverUrl = process.env.TEST_DATABASE_URL;
  let templateName: string | null = null;
  if (serverUrl) {
    templateName = `sb_template_${process.pid}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${templateName}`);
    await admin.unsafe(`create database ${templateName}`);
    const database = await connect({
      databaseUrl: databaseUrlFor(serverUrl, templateName),
      maxConnections: 2,
    });
    await runMigrations(database);
    await database.close();
    await admin.end();
  }
  project.provide("postgresTemplate", templateName);
  const redisRunPrefix = `sbt-${randomBytes(3).toString("hex")}`;
  project.provide("redisRunPrefix", redisRunPrefix);

  return async () => {
    rmSync(folder, { recursive: true, force: true });
    const redisUrl = process.env.TEST_REDIS_URL;
    if (redisUrl) await refuseLeftoverKeys(redisUrl, redisRunPrefix);
    if (serverUrl && templateName) {
      const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${templateName} with (force)`);
      await admin.end();
    }
  };
}

/** A test that leaves keys in a shared Redis fails the run, naming a few of them. */
async function refuseLeftoverKeys(redisUrl: string, prefix: string): Promise<void> {
  const left = await keysWithPrefix(redisUrl, prefix);
  if (left.length > 0) {
    // A teardown's error is only printed by vitest: the exit code is what CI sees.
    process.exitCode = 1;
    throw new Error(`The tests left ${left.length} Redis keys behind, e.g. ${left.slice(0, 5).join(", ")}`);
  }
}
