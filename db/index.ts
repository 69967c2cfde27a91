export { type ConnectOptions, connect, type Database, type Db, type Executor, type Tx } from "./connect.ts";
export { DataDirLockedError } from "./data-dir-lock.ts";
export { MIGRATIONS_FOLDER, runMigrations } from "./migrate.ts";
export { queryRows } from "./rows.ts";
export * as schema from "./schema/index.ts";
