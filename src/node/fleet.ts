/**
 * fileFleet(dir): a fleet whose instances keep their persistent state in `dir/<id>/`, each with
 * its own fileStorage (append-only journal, atomic compaction). Reopening the directory in a new
 * process finds every stored instance.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createFleet, type Fleet, type FleetOptions, type FleetStorage } from '../fleet/fleet.js';
import { fileStorage, STATE_FILE, type FileStorage, type FileStorageOptions } from './file-storage.js';

export function fileFleetStorage(dir: string, options: FileStorageOptions = {}): FleetStorage {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const open = new Map<string, FileStorage>();
  return {
    open(id) {
      let s = open.get(id);
      if (!s) open.set(id, (s = fileStorage(join(root, id), options)));
      return s;
    },
    ids: () =>
      readdirSync(root, { withFileTypes: true })
        .filter((e) => e.isDirectory() && existsSync(join(root, e.name, STATE_FILE)))
        .map((e) => e.name)
        .sort(),
    has: (id) => existsSync(join(root, id, STATE_FILE)),
    remove(id) {
      open.get(id)?.close();
      open.delete(id);
      rmSync(join(root, id), { recursive: true, force: true });
    },
    close(id) {
      open.get(id)?.close();
      open.delete(id);
    },
  };
}

/** A fleet stored under `dir` (one directory per instance). */
export function fileFleet(dir: string, options: Omit<FleetOptions, 'storage'> & { durability?: FileStorageOptions['durability'] } = {}): Fleet {
  const { durability, ...rest } = options;
  return createFleet({ ...rest, storage: fileFleetStorage(dir, { durability }) });
}
