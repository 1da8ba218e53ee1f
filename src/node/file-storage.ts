/**
 * fileStorage(dir): the TPM's persistent state in one file, replaced atomically on every save
 * (write a temporary file, fsync it, rename it over the old one, fsync the directory), so a kill
 * at any moment leaves either the previous or the new state.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Storage } from '../tpm/engine.js';
import { decodeSnapshot } from '../tpm/state/snapshot.js';

/** The state file's name inside the directory. */
export const STATE_FILE = 'persistent.vtpm';

export interface FileStorage extends Storage {
  /** The state file's path. */
  readonly path: string;
}

export function fileStorage(dir: string): FileStorage {
  const directory = resolve(dir);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const path = join(directory, STATE_FILE);
  let counter = 0;

  return {
    path,
    load() {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') return undefined;
        throw new Error(`cannot read TPM state file ${path}: ${(e as Error).message}`, { cause: e });
      }
      try {
        decodeSnapshot(bytes);
      } catch (e) {
        throw new Error(`TPM state file ${path} is corrupt or truncated (${bytes.length} bytes): ${(e as Error).message}; move it away to start a new TPM`, { cause: e });
      }
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    save(persistent) {
      const tmp = `${path}.${process.pid}.${counter++}.tmp`;
      const fd = openSync(tmp, 'w', 0o600);
      try {
        let off = 0;
        while (off < persistent.length) off += writeSync(fd, persistent, off, persistent.length - off);
        fsyncSync(fd);
      } catch (e) {
        closeSync(fd);
        try {
          unlinkSync(tmp);
        } catch {
          // already gone
        }
        throw e;
      }
      closeSync(fd);
      renameSync(tmp, path);
      const d = openSync(directory, 'r');
      try {
        fsyncSync(d);
      } finally {
        closeSync(d);
      }
    },
  };
}
