/**
 * fileStorage(dir): the TPM's persistent state in one append-only file. Every save appends one
 * framed record (length, state, SHA-256) with a single write, and with durability 'power'
 * fdatasyncs it, before the response goes out; so a process killed at any instant restarts with
 * the last complete record, the state of the last command it answered. Every 256 records (or
 * 1 MiB) the file is compacted: a new file with one record is written, fsynced and renamed over
 * it, and the directory is fsynced. A record whose checksum fails, or a file without one
 * complete record, is refused with the file's name, never silently replaced, unless the caller
 * asks to start fresh (then the damaged file is kept aside). An incomplete last record is what
 * a crash in the middle of an append leaves: the record before it is the state.
 *
 * Record layout: "VTPMFILE" ‖ u32 length ‖ snapshot of the persistent state ‖ SHA-256(snapshot).
 */
import { createHash } from 'node:crypto';
import { closeSync, fdatasyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { writeFileAtomicSync } from './atomic-file.js';
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
  /** Closes the open state file (a later save opens it again). For hosts with many TPMs. */
  close(): void;
}

export interface FileStorageOptions {
  /** A damaged state file is moved aside (to `<file>.corrupt-<time>`) and a new TPM starts. */
  fresh?: boolean;
  /**
   * 'power' (default): fsync the file and the directory before the response goes out, so the
   * state survives a power cut. 'process': write and rename only, which survives the process
   * being killed at any instant (the kernel keeps the file) but not a power cut, as swtpm does.
   */
  durability?: 'power' | 'process';
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

/**
 * The last complete record of a state file, or an explanation of what is wrong with it.
 * Records are read in order; an incomplete record at the end (a torn append) is ignored.
 */
function lastRecord(bytes: Buffer): { payload: Uint8Array; records: number } | string {
  let pos = 0;
  let last: Buffer | undefined;
  let records = 0;
  while (pos < bytes.length) {
    const head = bytes.subarray(pos, pos + Math.min(MAGIC.length, bytes.length - pos));
    if (!MAGIC.subarray(0, head.length).equals(head)) return records ? `record ${records + 1} at offset ${pos} has a bad magic` : 'not a vtpm state file (bad magic)';
    if (bytes.length - pos < HEADER) break; // torn header
    const n = bytes.readUInt32BE(pos + MAGIC.length);
    if (bytes.length - pos < HEADER + n + DIGEST) break; // torn record
    const payload = bytes.subarray(pos + HEADER, pos + HEADER + n);
    if (!createHash('sha256').update(payload).digest().equals(bytes.subarray(pos + HEADER + n, pos + HEADER + n + DIGEST))) {
      return `checksum mismatch in record ${records + 1} at offset ${pos}`;
    }
    last = payload;
    records++;
    pos += HEADER + n + DIGEST;
  }
  if (!last) return pos === 0 && bytes.length === 0 ? 'empty file' : `no complete record (the file ends inside one: length field larger than the ${bytes.length - pos - HEADER} octets left)`;
  try {
    decodeSnapshot(last);
  } catch (e) {
    return (e as Error).message;
  }
  return { payload: new Uint8Array(last), records };
}

const COMPACT_RECORDS = 256;
const COMPACT_BYTES = 1 << 20;

export function fileStorage(dir: string, options: FileStorageOptions = {}): FileStorage {
  const directory = resolve(dir);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const path = join(directory, STATE_FILE);
  let setAside: string | undefined;
  const power = (options.durability ?? 'power') === 'power';
  let fd: number | undefined;
  let records = 0;
  let size = 0;

  /** A new file holding one record replaces the log: write, fsync, rename, fsync the directory. */
  const compact = (framed: Buffer) => {
    writeFileAtomicSync(path, framed);
    if (fd !== undefined) closeSync(fd);
    fd = openSync(path, 'a');
    records = 1;
    size = framed.length;
  };

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
      const found = lastRecord(bytes);
      if (typeof found !== 'string') {
        records = found.records;
        size = bytes.length;
        return found.payload;
      }
      if (options.fresh) {
        setAside = `${path}.corrupt-${Date.now()}`;
        renameSync(path, setAside);
        return undefined;
      }
      throw new Error(`TPM state file ${path} is corrupt or truncated (${bytes.length} bytes): ${found}; move it away (or start fresh) to begin a new TPM`);
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
    save(persistent) {
      const framed = frame(persistent);
      if (fd === undefined || records >= COMPACT_RECORDS || size + framed.length > COMPACT_BYTES) {
        compact(framed);
        return;
      }
      let off = 0;
      while (off < framed.length) off += writeSync(fd, framed, off, framed.length - off);
      if (power) fdatasyncSync(fd);
      records++;
      size += framed.length;
    },
  };
}
