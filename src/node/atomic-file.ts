/**
 * Replacing a file atomically: write a temporary file beside it, fsync it, rename it over the
 * old one, fsync the directory. After a crash at any instant the path holds the old content or
 * the new, never a mix. With `fsync: false` the rename alone survives the process being killed,
 * not a power cut.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

let counter = 0;

export function writeFileAtomicSync(path: string, data: Uint8Array, options: { fsync?: boolean; mode?: number } = {}): void {
  const fsync = options.fsync ?? true;
  const tmp = `${path}.${process.pid}.${counter++}.tmp`;
  const fd = openSync(tmp, 'w', options.mode ?? 0o600);
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    if (fsync) fsyncSync(fd);
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
  if (fsync) {
    const d = openSync(dirname(path), 'r');
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  }
}
