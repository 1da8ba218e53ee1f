// Random number generators for the emulator: a deterministic, serialisable DRBG (so that a TPM
// instance can be replayed bit-for-bit from a seed and its RNG state saved with the rest of its
// state) and the platform CSPRNG.
//
// Construction: HMAC_DRBG of NIST SP 800-90A Rev. 1, 10.1.2, with HMAC-SHA-256 (the same HMAC
// the TPM's KDFa uses), no prediction resistance:
//   state (K, V, reseed_counter); Update(data): K = HMAC(K, V ‖ 0x00 ‖ data); V = HMAC(K, V);
//     if data is non-empty: K = HMAC(K, V ‖ 0x01 ‖ data); V = HMAC(K, V)
//   Instantiate(entropy, nonce, pers): K = 0x00…, V = 0x01…, Update(entropy ‖ nonce ‖ pers)
//   Reseed(entropy, additional): Update(entropy ‖ additional), reseed_counter = 1
//   Generate(n, additional): [Update(additional)]; V = HMAC(K, V) repeatedly, output the V's;
//     Update(additional); reseed_counter += 1
// createDrbg(seed) instantiates with entropy = seed; stir(x) (TPM2_StirRandom) is Reseed(x).
// Every Generate ends with Update, so (K, V) never recur and no output block repeats across
// calls; requests above 65536 bytes are split into several Generate calls (SP 800-90A limits one
// request to 2^19 bits). Checked against the NIST CAVP HMAC_DRBG SHA-256 vectors.
import { createHmac, type HmacContext } from './hmac.js';
import { SHA256 } from './hash.js';

export interface Rng {
  /** Fill `out` with random bytes. */
  fill(out: Uint8Array): void;
  /** n fresh random bytes. */
  bytes(n: number): Uint8Array;
  /** Mix additional input into the generator state (TPM2_StirRandom). */
  stir?(additional: Uint8Array): void;
}

export interface Drbg extends Rng {
  stir(additional: Uint8Array): void;
  /** Serialised state; createDrbg({ state }) continues exactly where this generator is. */
  state(): Uint8Array;
  /** An independent child generator, seeded from this one's output (and the optional label). */
  fork(label?: Uint8Array): Drbg;
}

const OUT_LEN = 32; // SHA-256 output
const MAX_REQUEST = 65536; // bytes per Generate call (2^19 bits)
const STATE_VERSION = 1;
const STATE_LEN = 1 + OUT_LEN + OUT_LEN + 8;
const EMPTY = new Uint8Array(0);

/** HMAC_DRBG with HMAC-SHA-256 (SP 800-90A Rev. 1, 10.1.2), no prediction resistance. */
export class HmacDrbg implements Drbg {
  private K: Uint8Array = new Uint8Array(OUT_LEN);
  private V: Uint8Array = new Uint8Array(OUT_LEN).fill(1);
  private keyed: HmacContext = createHmac(SHA256, this.K);
  private reseedCounter = 0;

  /** 10.1.2.3 "Instantiation of HMAC_DRBG". */
  static instantiate(entropy: Uint8Array, nonce: Uint8Array = EMPTY, personalization: Uint8Array = EMPTY): HmacDrbg {
    const d = new HmacDrbg();
    d.update(entropy, nonce, personalization);
    d.reseedCounter = 1;
    return d;
  }

  /** Rebuild from state(). */
  static fromState(state: Uint8Array): HmacDrbg {
    if (state.length !== STATE_LEN || state[0] !== STATE_VERSION) throw new Error('invalid DRBG state');
    const d = new HmacDrbg();
    d.setKey(state.slice(1, 1 + OUT_LEN));
    d.V = state.slice(1 + OUT_LEN, 1 + 2 * OUT_LEN);
    const view = new DataView(state.buffer, state.byteOffset, state.byteLength);
    d.reseedCounter = view.getUint32(1 + 2 * OUT_LEN) * 0x100000000 + view.getUint32(5 + 2 * OUT_LEN);
    return d;
  }

  private setKey(k: Uint8Array): void {
    this.K = k;
    this.keyed = createHmac(SHA256, k);
  }

  private mac(...parts: Uint8Array[]): Uint8Array {
    const h = this.keyed.clone();
    for (const p of parts) h.update(p);
    return h.digest();
  }

  /** 10.1.2.2 "HMAC_DRBG Update Process"; provided_data is the concatenation of parts. */
  private update(...parts: Uint8Array[]): void {
    const nonEmpty = parts.some((p) => p.length > 0);
    this.setKey(this.mac(this.V, Uint8Array.of(0x00), ...parts));
    this.V = this.mac(this.V);
    if (!nonEmpty) return;
    this.setKey(this.mac(this.V, Uint8Array.of(0x01), ...parts));
    this.V = this.mac(this.V);
  }

  /** 10.1.2.4 "Reseeding an HMAC_DRBG Instantiation". */
  reseed(entropy: Uint8Array, additional: Uint8Array = EMPTY): void {
    this.update(entropy, additional);
    this.reseedCounter = 1;
  }

  /** 10.1.2.5 "Generating Pseudorandom Bits Using HMAC_DRBG", writing into out (at most 65536 bytes). */
  generateInto(out: Uint8Array, additional: Uint8Array = EMPTY): void {
    if (out.length > MAX_REQUEST) throw new RangeError('HMAC_DRBG request above 65536 bytes');
    if (additional.length > 0) this.update(additional);
    for (let off = 0; off < out.length; off += OUT_LEN) {
      this.V = this.mac(this.V);
      const n = Math.min(OUT_LEN, out.length - off);
      out.set(n === OUT_LEN ? this.V : this.V.subarray(0, n), off);
    }
    this.update(additional);
    this.reseedCounter++;
  }

  /** Fill out, one Generate call per 65536 bytes; an empty request leaves the state unchanged. */
  fill(out: Uint8Array): void {
    for (let off = 0; off < out.length; off += MAX_REQUEST) {
      this.generateInto(out.subarray(off, Math.min(out.length, off + MAX_REQUEST)));
    }
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    this.fill(out);
    return out;
  }

  stir(additional: Uint8Array): void {
    this.reseed(additional);
  }

  // Layout: version u8 | K (32) | V (32) | reseed_counter (two u32, high then low)
  state(): Uint8Array {
    const out = new Uint8Array(STATE_LEN);
    out[0] = STATE_VERSION;
    out.set(this.K, 1);
    out.set(this.V, 1 + OUT_LEN);
    const view = new DataView(out.buffer);
    view.setUint32(1 + 2 * OUT_LEN, Math.floor(this.reseedCounter / 0x100000000));
    view.setUint32(5 + 2 * OUT_LEN, this.reseedCounter >>> 0);
    return out;
  }

  fork(label: Uint8Array = EMPTY): Drbg {
    // Child = Instantiate(entropy = 32 bytes of our output, nonce = empty, personalization = label).
    return HmacDrbg.instantiate(this.bytes(OUT_LEN), EMPTY, label);
  }
}

/**
 * Deterministic generator: `createDrbg(seed)` starts a new HMAC_DRBG with the seed as entropy
 * input; `createDrbg({ state })` resumes from a Drbg.state() snapshot.
 */
export function createDrbg(seed: Uint8Array | { state: Uint8Array }): Drbg {
  if (seed instanceof Uint8Array) return HmacDrbg.instantiate(seed);
  return HmacDrbg.fromState(seed.state);
}

interface RandomSource {
  getRandomValues(array: Uint8Array): Uint8Array;
}

/** The platform CSPRNG (`globalThis.crypto.getRandomValues`, browsers and Node ≥ 19). */
export function systemRng(): Rng {
  const source = (globalThis as { crypto?: RandomSource }).crypto;
  if (source === undefined || typeof source.getRandomValues !== 'function') {
    throw new Error('globalThis.crypto.getRandomValues is not available');
  }
  const fill = (out: Uint8Array): void => {
    // getRandomValues accepts at most 65536 bytes per call (WebCrypto QuotaExceededError).
    for (let off = 0; off < out.length; off += 65536) {
      source.getRandomValues(out.subarray(off, Math.min(out.length, off + 65536)));
    }
  };
  return {
    fill,
    bytes(n: number): Uint8Array {
      const out = new Uint8Array(n);
      fill(out);
      return out;
    },
  };
}

/**
 * Serves small requests (nonces) from a pool refilled `size` octets at a time from `source`: one
 * getRandomValues call per pool instead of one per nonce. Large requests go to the source.
 */
export function pooledRng(source: Rng, size = 1024): Rng {
  const stream = blockRng(() => source.bytes(size), true);
  const fill = (out: Uint8Array): void => (out.length >= size / 4 ? source.fill(out) : stream.fill(out));
  return { fill, bytes: (n) => (n >= size / 4 ? source.bytes(n) : stream.bytes(n)) };
}

/**
 * An Rng that reads `nextBlock()` outputs in order; with `wipe`, octets handed out are zeroed in
 * the block so they are not kept.
 */
export function blockRng(nextBlock: () => Uint8Array, wipe = false): Rng {
  let block: Uint8Array = new Uint8Array(0);
  let pos = 0;
  const fill = (out: Uint8Array): void => {
    let off = 0;
    while (off < out.length) {
      if (pos >= block.length) {
        block = nextBlock();
        pos = 0;
      }
      const n = Math.min(out.length - off, block.length - pos);
      out.set(block.subarray(pos, pos + n), off);
      if (wipe) block.fill(0, pos, pos + n);
      pos += n;
      off += n;
    }
  };
  return {
    fill,
    bytes(n: number): Uint8Array {
      const out = new Uint8Array(n);
      fill(out);
      return out;
    },
  };
}
