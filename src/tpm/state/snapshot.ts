/**
 * The versioned snapshot format: the whole TPM state (every lifetime group) as octets, for
 * migration, fork and storage. Layout: "VTPMSNAP", a format version (u16), then UTF-8 JSON in
 * which octet strings, big integers and running hashes are tagged objects.
 */
import { utf8, utf8Decode } from '../../crypto/bytes.js';
import { hashByAlg, type HashContext } from '../../crypto/hash.js';
import type { TpmState } from './types.js';

const MAGIC = 'VTPMSNAP';
export const SNAPSHOT_VERSION = 1;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function toBase64(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < b.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < b.length ? B64[n & 63] : '=');
  }
  return out;
}

function fromBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let j = 0;
  for (const ch of clean) {
    const v = B64.indexOf(ch);
    if (v < 0) throw new Error('snapshot: bad base64');
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

function isHashContext(v: object): v is HashContext {
  return typeof (v as HashContext).exportState === 'function' && typeof (v as HashContext).clone === 'function';
}

function encodeValue(v: unknown): unknown {
  if (v instanceof Uint8Array) return { $b: toBase64(v) };
  if (typeof v === 'bigint') return { $n: v.toString() };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (v && typeof v === 'object') {
    if (isHashContext(v)) return { $hash: v.hash.alg, s: toBase64(v.exportState()) };
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = encodeValue(x);
    return out;
  }
  return v;
}

function decodeValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeValue);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$b === 'string') return fromBase64(o.$b);
    if (typeof o.$n === 'string') return BigInt(o.$n);
    if (typeof o.$hash === 'number') {
      const h = hashByAlg(o.$hash);
      if (!h) throw new Error(`snapshot: unknown hash 0x${o.$hash.toString(16)}`);
      return h.importState(fromBase64(o.s as string));
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = decodeValue(x);
    return out;
  }
  return v;
}

/** Any value of the state model as snapshot octets. */
export function encodeSnapshot(value: unknown): Uint8Array {
  const body = utf8(JSON.stringify(encodeValue(value)));
  const out = new Uint8Array(10 + body.length);
  out.set(utf8(MAGIC), 0);
  out[8] = SNAPSHOT_VERSION >> 8;
  out[9] = SNAPSHOT_VERSION & 0xff;
  out.set(body, 10);
  return out;
}

/** Reads snapshot octets; a wrong magic, version or body is a clear error. */
export function decodeSnapshot<T = TpmState>(bytes: Uint8Array): T {
  if (bytes.length < 10 || utf8Decode(bytes.subarray(0, 8)) !== MAGIC) throw new Error('not a vtpm snapshot (bad magic)');
  const version = (bytes[8] << 8) | bytes[9];
  if (version !== SNAPSHOT_VERSION) throw new Error(`vtpm snapshot version ${version} is not supported (expected ${SNAPSHOT_VERSION})`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8Decode(bytes.subarray(10)));
  } catch {
    throw new Error('vtpm snapshot body is corrupt');
  }
  return decodeValue(parsed) as T;
}
