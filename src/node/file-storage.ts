/**
 * fileStorage(dir): the TPM's persistent state in one file, replaced atomically on every save
 * (write a temporary file, fsync it, rename it over the old one, fsync the directory), so a kill
 * at any moment leaves either the previous or the new state. The file carries a length and a
 * SHA-256 of its contents: a damaged file is refused with its name, never silently replaced,
 * unless the caller asks to start fresh (then the damaged file is kept aside).
 *
 * File layout: "VTPMFILE" ‖ u32 length ‖ snapshot of the persistent state ‖ SHA-256(snapshot).
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Storage } from '../tpm/engine.js';
import { decodeSnapshot } from '../tpm/state/snapshot.js';

/** The state file's name inside the directory. */
export const STATE_FILE = 'persistent.vtpm';

export interface FileStorage extends Storage {
  /** The state file's path. */
  readonly path: string;
  /** Where a damaged file was moved when starting fresh. */
  readonly setAside?: string;
}

export interface FileStorageOptions {
  /** A damaged state file is moved aside (to `<file>.corrupt-<time>`) and a new TPM starts. */
  fresh?: boolean;
}

const MAGIC = Buffer.from('VTPMFILE', 'ascii');
const HEADER = MAGIC.length + 4;
const DIGEST = 32;

function frame(payload: Uint8Array): Buffer {
  const out = Buffer.alloc(HEADER + payload.length + DIGEST);
  MAGIC.copy(out, 0);
  out.writeUInt32BE(payload.length, MAGIC.length);
  out.set(payload, HEADER);
  createHash('sha256').update(payload).digest().copy(out, HEADER + payload.length);
  return out;
}

/** The payload of a state file, or an explanation of what is wrong with it. */
function unframe(bytes: Buffer): Uint8Array | string {
  if (bytes.length < HEADER + DIGEST || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return 'not a vtpm state file (bad magic)';
  const n = bytes.readUInt32BE(MAGIC.length);
  if (bytes.length !== HEADER + n + DIGEST) return `length field says ${n} octets of state, the file holds ${bytes.length - HEADER - DIGEST}`;
  const payload = bytes.subarray(HEADER, HEADER + n);
  const digest = createHash('sha256').update(payload).digest();
  if (!digest.equals(bytes.subarray(HEADER + n))) return 'checksum mismatch';
  try {
    decodeSnapshot(payload);
  } catch (e) {
    return (e as Error).message;
  }
  return new Uint8Array(payload);
}

export function fileStorage(dir: string, options: FileStorageOptions = {}): FileStorage {
  const directory = resolve(dir);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const path = join(directory, STATE_FILE);
  let counter = 0;
  let setAside: string | undefined;

  return {
    path,
    get setAside() {
      return setAside;
    },
    load() {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') return undefined;
        throw new Error(`cannot read TPM state file ${path}: ${(e as Error).message}`, { cause: e });
      }
      const payload = unframe(bytes);
      if (typeof payload !== 'string') return payload;
      if (options.fresh) {
        setAside = `${path}.corrupt-${Date.now()}`;
        renameSync(path, setAside);
        return undefined;
      }
      throw new Error(`TPM state file ${path} is corrupt or truncated (${bytes.length} bytes): ${payload}; move it away (or start fresh) to begin a new TPM`);
    },
    save(persistent) {
      const tmp = `${path}.${process.pid}.${counter++}.tmp`;
      const fd = openSync(tmp, 'w', 0o600);
      try {
        let off = 0;
        const framed = frame(persistent);
        while (off < framed.length) off += writeSync(fd, framed, off, framed.length - off);
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
