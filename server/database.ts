/** Opens the database the config names: PostgreSQL with DATABASE_URL, else the embedded one in DATA_DIR. */
import { resolve } from "node:path";
import { connect, type Database } from "../db/connect.ts";
import type { Config } from "./config.ts";

export function openDatabase(
  config: Pick<Config, "databaseUrl" | "databasePoolSize" | "dataDir"> &
    Partial<Pick<Config, "embeddedSharedBuffers">>,
): Promise<Database> {
  return connect(
    config.databaseUrl
      ? { databaseUrl: config.databaseUrl, maxConnections: config.databasePoolSize }
      : { dataDir: resolve(config.dataDir), sharedBuffers: config.embeddedSharedBuffers },
  );
}
