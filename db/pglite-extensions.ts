/**
 * The PostgreSQL extensions the migrations create (`CREATE EXTENSION`). PGlite loads an extension's
 * files only when it is given here in the constructor, so every PGlite we open gets this list.
 */
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";

export const PGLITE_EXTENSIONS = { pg_trgm };
