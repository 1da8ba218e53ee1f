/**
 * fileReplayGuard(path): the generations of migrated TPM states this host has exported or
 * accepted, kept in one JSON file ({ "<instance id>": generation }) written atomically (write,
 * fsync, rename, fsync the directory), so a restarted server still refuses a replayed blob.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ReplayGuard } from '../tpm/migration.js';

export function fileReplayGuard(file: string): ReplayGuard & { readonly path: string } {
  const path = resolve(file);
  const last = new Map<string, number>();
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') throw new Error(`cannot read the migration replay record ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`the migration replay record ${path} is not JSON: ${(e as Error).message}`, { cause: e });
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`the migration replay record ${path} must be an object of instance id to generation`);
    for (const [id, g] of Object.entries(parsed)) {
      if (typeof g !== 'number' || !Number.isSafeInteger(g) || g < 0) throw new Error(`the migration replay record ${path}: generation of '${id}' is not a non-negative integer`);
      last.set(id, g);
    }
  }
  const save = () => {
    const dir = dirname(path);
    mkdirSync(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      const body = Buffer.from(JSON.stringify(Object.fromEntries(last), null, 1) + '\n');
      let off = 0;
      while (off < body.length) off += writeSync(fd, body, off, body.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    const d = openSync(dir, 'r');
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  };
  return {
    path,
    lastGeneration: (id) => last.get(id),
    accept(id, generation) {
      const prev = last.get(id);
      if (prev !== undefined && generation <= prev) return;
      last.set(id, generation);
      save();
    },
  };
}
