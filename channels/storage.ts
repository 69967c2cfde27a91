/**
 * Where attachment bytes and raw message sources live. One small interface so object storage can
 * replace the disk later; today files go under DATA_DIR/files. Several server processes on
 * different hosts need DATA_DIR on shared storage for this.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

export interface BlobStorage {
  put(key: string, data: Buffer): Promise<void>;
  /** Stores a stream (a large export) without holding it in memory; the key appears once it is whole. */
  putStream(key: string, source: Readable): Promise<void>;
  get(key: string): Promise<Buffer>;
  stream(key: string): Readable;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}

export function createDiskStorage(root: string): BlobStorage {
  const base = resolve(root);
  const pathOf = (key: string) => {
    const path = resolve(base, key);
    // Keys come from our code, but a key must never climb out of the storage folder.
    if (!path.startsWith(base + sep)) throw new Error(`Storage key '${key}' leaves the storage folder.`);
    return path;
  };
  return {
    async put(key, data) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      // Write then rename: a reader never sees half a file, a crash leaves no partial one under the key.
      await writeFile(`${path}.partial`, data);
      await rename(`${path}.partial`, path);
    },
    async putStream(key, source) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      try {
        await pipeline(source, createWriteStream(`${path}.partial`));
      } catch (error) {
        await rm(`${path}.partial`, { force: true });
        throw error;
      }
      await rename(`${path}.partial`, path);
    },
    get: (key) => readFile(pathOf(key)),
    stream: (key) => createReadStream(pathOf(key)),
    async exists(key) {
      try {
        await stat(pathOf(key));
        return true;
      } catch {
        return false;
      }
    },
    delete: (key) => rm(pathOf(key), { force: true }),
  };
}

/** A storage key under a date folder, so no directory grows without bound. */
export function storageKey(
  kind: "attachments" | "raw",
  id: string,
  filename: string,
  at = new Date(),
): string {
  const safe = filename.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 120) || "file";
  return join(kind, at.toISOString().slice(0, 10), `${id}-${safe}`);
}
