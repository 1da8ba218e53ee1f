/**
 * fileBaselineStore(dir): baselines as one JSON file per instance (`<id>.json`, the id
 * percent-encoded), each write atomic: the new record goes to a temporary file in the same
 * directory, which is fsynced, renamed over the old file, and the directory fsynced. A process
 * killed at any instant leaves either the old record or the new one, never a mixture; a
 * leftover temporary file is ignored (and removed once its writer is gone). Operations on one
 * instance are serialised within the process; use one writing process per directory.
 *
 * A file that is not valid JSON or not a baseline is refused with its path named, never
 * replaced silently.
 */
import { readdirSync, unlinkSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BaselineError, cloneBaseline, parseBaseline, type Baseline } from '../attest/baseline.js';
import { checkInstanceId, keyedQueue, type BaselineStore } from '../attest/store.js';

export interface FileBaselineStore extends BaselineStore {
  /** The directory. */
  readonly dir: string;
  /** The file holding an instance's baseline. */
  pathOf(instance: string): string;
}

export interface FileBaselineStoreOptions {
  /**
   * 'power' (default): fsync the file before the rename and the directory after, so a record
   * survives a power cut. 'process': rename only, which survives the process being killed.
   */
  durability?: 'power' | 'process';
}

const SUFFIX = '.json';
const TMP = /^(.+)\.json\.(\d+)\.(\d+)\.tmp$/;

/** Percent-encodes everything but [A-Za-z0-9_-] and non-leading dots (no hidden files, no '..'). */
export function instanceFileName(instance: string): string {
  checkInstanceId(instance);
  let out = '';
  for (const ch of instance) {
    if (/[A-Za-z0-9_-]/.test(ch) || (ch === '.' && out.length > 0)) out += ch;
    else for (const b of new TextEncoder().encode(ch)) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  if (out.length + SUFFIX.length + 32 > 255) throw new TypeError(`instance id: too long for a file name once encoded (${out.length} characters)`);
  return out + SUFFIX;
}

function instanceOfFile(name: string): string | undefined {
  if (!name.endsWith(SUFFIX) || name.startsWith('.')) return undefined;
  try {
    return decodeURIComponent(name.slice(0, -SUFFIX.length));
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function fileBaselineStore(dir: string, options: FileBaselineStoreOptions = {}): FileBaselineStore {
  const directory = resolve(dir);
  const power = (options.durability ?? 'power') === 'power';
  const serial = keyedQueue();
  let seq = 0;
  let ready: Promise<void> | undefined;
  const init = () =>
    (ready ??= (async () => {
      await mkdir(directory, { recursive: true, mode: 0o700 });
      // Temporary files of writers that are gone (killed mid-write): the renamed-over record is intact.
      for (const name of readdirSync(directory)) {
        const m = TMP.exec(name);
        if (m && !alive(Number(m[2]))) {
          try {
            unlinkSync(join(directory, name));
          } catch {
            // another cleaner got it
          }
        }
      }
    })());

  const pathOf = (instance: string) => join(directory, instanceFileName(instance));

  const syncDir = async () => {
    if (!power) return;
    let fh;
    try {
      fh = await open(directory, 'r');
      await fh.sync();
    } catch (e) {
      // Windows cannot open or fsync a directory; the rename is durable there once it returns.
      if (process.platform !== 'win32') throw e;
    } finally {
      await fh?.close();
    }
  };

  const read = async (instance: string): Promise<Baseline | undefined> => {
    const path = pathOf(instance);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new BaselineError(`cannot read baseline file ${path}: ${(e as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new BaselineError(`baseline file ${path} is not valid JSON (${(e as Error).message}); it was left as it is: restore it from a backup or delete it to record a new baseline`);
    }
    return parseBaseline(json, `baseline file ${path}`);
  };

  const write = async (instance: string, baseline: Baseline): Promise<void> => {
    const path = pathOf(instance);
    const text = JSON.stringify(parseBaseline(cloneBaseline(baseline), `baseline of ${instance}`), null, 2) + '\n';
    const tmp = `${path}.${process.pid}.${seq++}.tmp`;
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(text, 'utf8');
      if (power) await fh.sync();
    } catch (e) {
      await fh.close();
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await fh.close();
    try {
      await rename(tmp, path);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await syncDir();
  };

  return {
    dir: directory,
    pathOf,
    async get(instance) {
      checkInstanceId(instance);
      await init();
      return serial(instance, () => read(instance));
    },
    async put(instance, baseline) {
      checkInstanceId(instance);
      await init();
      return serial(instance, () => write(instance, baseline));
    },
    async list() {
      await init();
      const names = await readdir(directory);
      return names
        .map(instanceOfFile)
        .filter((x): x is string => x !== undefined)
        .sort();
    },
    async delete(instance) {
      checkInstanceId(instance);
      await init();
      return serial(instance, async () => {
        try {
          await unlink(pathOf(instance));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
          throw e;
        }
        await syncDir();
        return true;
      });
    },
    async update(instance, fn) {
      checkInstanceId(instance);
      await init();
      return serial(instance, async () => {
        const cur = await read(instance);
        const next = await fn(cur);
        if (next === undefined || next === cur) return cur;
        await write(instance, next);
        return cloneBaseline(next);
      });
    },
  };
}
