/**
 * fileReplayGuard(path): the generations of migrated TPM states this host has exported or
 * accepted, kept in one JSON file ({ "<instance id>": generation }) written atomically (write,
 * fsync, rename, fsync the directory), so a restarted server still refuses a replayed blob.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomicSync } from './atomic-file.js';
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
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomicSync(path, Buffer.from(JSON.stringify(Object.fromEntries(last), null, 1) + '\n'));
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
