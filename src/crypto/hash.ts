// Hash algorithms the TPM implements (TPM 2.0 Part 2 "TPM_ALG_ID"; Part 1 "Hash Functions"),
// as uniform objects keyed by TPM_ALG_ID, on @noble/hashes plus our own SM3.
//
// Incremental contexts can be cloned (TPM2_HashSequenceStart / TPM2_SequenceUpdate keep a running
// state; event sequences and PCR banks snapshot it) and their state can be exported to bytes and
// imported again (TPM2_ContextSave of a sequence object).
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { CHash } from '@noble/hashes/utils.js';
import { sm3 } from './sm3.js';
import { TPM_ALG } from '../gen/constants.js';

/** TPM_ALG_ID values of the hash algorithms (TPM 2.0 Part 2 "TPM_ALG_ID"). */
export const TPM_ALG_SHA1 = TPM_ALG.SHA1;
export const TPM_ALG_SHA256 = TPM_ALG.SHA256;
export const TPM_ALG_SHA384 = TPM_ALG.SHA384;
export const TPM_ALG_SHA512 = TPM_ALG.SHA512;
export const TPM_ALG_SM3_256 = TPM_ALG.SM3_256;

export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512' | 'sm3_256';

/** A running hash computation. */
export interface HashContext {
  readonly hash: HashAlgorithm;
  /** Absorb more data; returns this context. */
  update(data: Uint8Array): HashContext;
  /** Finish and return the digest. The context cannot be used afterwards: clone() first to keep it. */
  digest(): Uint8Array;
  /** Independent copy of the current state. */
  clone(): HashContext;
  /** Serialised state (algorithm, length, buffered bytes, chaining words); see HashAlgorithm.importState. */
  exportState(): Uint8Array;
}

export interface HashAlgorithm {
  /** TPM_ALG_ID */
  readonly alg: number;
  readonly name: HashName;
  /** Digest size in bytes. */
  readonly digestSize: number;
  /** Input block size in bytes (HMAC pad size). */
  readonly blockSize: number;
  /** The underlying noble-style hash (`h(msg)`, `h.create()`), for noble's hmac / curves. */
  readonly noble: CHash;
  /** Digest of the concatenation of parts. */
  digest(...parts: Uint8Array[]): Uint8Array;
  /** New incremental context. */
  create(): HashContext;
  /** Rebuild a context from HashContext.exportState() output; throws on malformed input. */
  importState(state: Uint8Array): HashContext;
}

// The Merkle-Damgard state of the noble classes (and our SM3). These members are protected in
// noble's typings; the versions are pinned in package.json, and the state round trip is tested.
interface MdInternals {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
  _cloneInto(to?: MdInternals): MdInternals;
  get(): number[];
  set(...words: number[]): void;
  buffer: Uint8Array;
  length: number;
  pos: number;
  finished: boolean;
  destroyed: boolean;
}

class MdHashContext implements HashContext {
  constructor(
    readonly hash: HashAlgorithm,
    private readonly inner: MdInternals,
  ) {}

  update(data: Uint8Array): HashContext {
    this.inner.update(data);
    return this;
  }

  digest(): Uint8Array {
    return this.inner.digest();
  }

  clone(): HashContext {
    return new MdHashContext(this.hash, this.inner._cloneInto());
  }

  // Layout: alg u16 | byteLength (two u32, high then low) | pos u8 | nWords u8 | words u32[] | buffer[0..pos)
  exportState(): Uint8Array {
    const { inner } = this;
    if (inner.finished || inner.destroyed) throw new Error('hash context already finished');
    const words = inner.get();
    const out = new Uint8Array(12 + 4 * words.length + inner.pos);
    const view = new DataView(out.buffer);
    view.setUint16(0, this.hash.alg);
    view.setUint32(2, Math.floor(inner.length / 0x100000000));
    view.setUint32(6, inner.length >>> 0);
    out[10] = inner.pos;
    out[11] = words.length;
    for (let i = 0; i < words.length; i++) view.setUint32(12 + 4 * i, words[i] >>> 0);
    out.set(inner.buffer.subarray(0, inner.pos), 12 + 4 * words.length);
    return out;
  }
}

function importMdState(hash: HashAlgorithm, fresh: () => MdInternals, state: Uint8Array): HashContext {
  const bad = (): never => {
    throw new Error('invalid ' + hash.name + ' hash state');
  };
  if (state.length < 12) bad();
  const view = new DataView(state.buffer, state.byteOffset, state.byteLength);
  if (view.getUint16(0) !== hash.alg) bad();
  const length = view.getUint32(2) * 0x100000000 + view.getUint32(6);
  const pos = state[10];
  const nWords = state[11];
  const inner = fresh();
  if (nWords !== inner.get().length || pos >= hash.blockSize || length % hash.blockSize !== pos) bad();
  if (state.length !== 12 + 4 * nWords + pos || !Number.isSafeInteger(length)) bad();
  const words: number[] = [];
  for (let i = 0; i < nWords; i++) words.push(view.getUint32(12 + 4 * i));
  inner.set(...words);
  inner.length = length;
  inner.pos = pos;
  inner.buffer.set(state.subarray(12 + 4 * nWords));
  return new MdHashContext(hash, inner);
}

function makeHash(alg: number, name: HashName, noble: CHash): HashAlgorithm {
  const create = () => noble.create() as unknown as MdInternals;
  const h: HashAlgorithm = {
    alg,
    name,
    digestSize: noble.outputLen,
    blockSize: noble.blockLen,
    noble,
    digest(...parts: Uint8Array[]): Uint8Array {
      if (parts.length === 1) return noble(parts[0]);
      const c = noble.create();
      for (const p of parts) c.update(p);
      return c.digest();
    },
    create: () => new MdHashContext(h, create()),
    importState: (state) => importMdState(h, create, state),
  };
  return Object.freeze(h);
}

export const SHA1: HashAlgorithm = /* @__PURE__ */ makeHash(TPM_ALG_SHA1, 'sha1', sha1);
export const SHA256: HashAlgorithm = /* @__PURE__ */ makeHash(TPM_ALG_SHA256, 'sha256', sha256);
export const SHA384: HashAlgorithm = /* @__PURE__ */ makeHash(TPM_ALG_SHA384, 'sha384', sha384);
export const SHA512: HashAlgorithm = /* @__PURE__ */ makeHash(TPM_ALG_SHA512, 'sha512', sha512);
export const SM3_256: HashAlgorithm = /* @__PURE__ */ makeHash(TPM_ALG_SM3_256, 'sm3_256', sm3);

/** All implemented hash algorithms, in TPM_ALG_ID order. */
export const HASH_ALGORITHMS: readonly HashAlgorithm[] = [SHA1, SHA256, SHA384, SHA512, SM3_256];

/** The hash for a TPM_ALG_ID, or undefined if it is not a (supported) hash. */
export function hashByAlg(alg: number): HashAlgorithm | undefined {
  for (const h of HASH_ALGORITHMS) if (h.alg === alg) return h;
  return undefined;
}

/** The hash for a name ('sha256', 'sm3_256', …), or undefined. */
export function hashByName(name: string): HashAlgorithm | undefined {
  for (const h of HASH_ALGORITHMS) if (h.name === name) return h;
  return undefined;
}
