// HMAC (RFC 2104 / FIPS 198-1) over any HashAlgorithm; TPM 2.0 Part 1 "HMAC" and the
// incremental form used by TPM2_HMAC_Start / TPM2_SequenceUpdate / TPM2_SequenceComplete.
import type { HashAlgorithm, HashContext } from './hash.js';

/** A running HMAC computation. */
export interface HmacContext {
  readonly hash: HashAlgorithm;
  update(data: Uint8Array): HmacContext;
  /** Finish and return the MAC; the context cannot be used afterwards (clone() first). */
  digest(): Uint8Array;
  clone(): HmacContext;
  /** Serialised inner and outer hash states (the key itself is not kept). */
  exportState(): Uint8Array;
}

class Hmac implements HmacContext {
  constructor(
    readonly hash: HashAlgorithm,
    private readonly inner: HashContext,
    private readonly outer: HashContext,
  ) {}

  update(data: Uint8Array): HmacContext {
    this.inner.update(data);
    return this;
  }

  digest(): Uint8Array {
    return this.outer.update(this.inner.digest()).digest();
  }

  clone(): HmacContext {
    return new Hmac(this.hash, this.inner.clone(), this.outer.clone());
  }

  // Layout: innerLen u16 | inner state | outer state
  exportState(): Uint8Array {
    const i = this.inner.exportState();
    const o = this.outer.exportState();
    const out = new Uint8Array(2 + i.length + o.length);
    out[0] = i.length >>> 8;
    out[1] = i.length & 0xff;
    out.set(i, 2);
    out.set(o, 2 + i.length);
    return out;
  }
}

/** Incremental HMAC with key (keys longer than the hash block are hashed first, RFC 2104). */
export function createHmac(hash: HashAlgorithm, key: Uint8Array): HmacContext {
  const b = hash.blockSize;
  const pad = new Uint8Array(b);
  pad.set(key.length > b ? hash.digest(key) : key);
  for (let i = 0; i < b; i++) pad[i] ^= 0x36; // ipad
  const inner = hash.create().update(pad);
  for (let i = 0; i < b; i++) pad[i] ^= 0x36 ^ 0x5c; // opad
  const outer = hash.create().update(pad);
  pad.fill(0);
  return new Hmac(hash, inner, outer);
}

/** Rebuild an HMAC context from HmacContext.exportState() output. */
export function importHmacState(hash: HashAlgorithm, state: Uint8Array): HmacContext {
  if (state.length < 2) throw new Error('invalid HMAC state');
  const n = (state[0] << 8) | state[1];
  if (state.length < 2 + n) throw new Error('invalid HMAC state');
  const inner = hash.importState(state.subarray(2, 2 + n));
  const outer = hash.importState(state.subarray(2 + n));
  return new Hmac(hash, inner, outer);
}

/** HMAC(key, data[0] ‖ data[1] ‖ …). */
export function hmac(hash: HashAlgorithm, key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
  const h = createHmac(hash, key);
  for (const d of data) h.update(d);
  return h.digest();
}
