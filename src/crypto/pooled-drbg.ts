// A DRBG that serves small requests from a pool of its own output: one HMAC_DRBG Generate of
// POOL octets feeds many TPM2_GetRandom / nonce requests, instead of three HMAC updates each.
// The stream is still a deterministic function of the seed; state() includes the unread pool,
// so a restored TPM continues exactly. stir() reseeds and drops the pool, so stirred input
// affects the very next output (TPM2_StirRandom).
import { createDrbg, HmacDrbg, type Drbg } from './drbg.js';

const POOL = 1024;
/** Requests at least this long bypass the pool. */
const DIRECT = 256;
const FORMAT = 0x50; // 'P': pooled state

export class PooledDrbg implements Drbg {
  private pool: Uint8Array = new Uint8Array(0);
  private pos = 0;

  constructor(private readonly inner: Drbg) {}

  fill(out: Uint8Array): void {
    if (out.length === 0) return;
    if (out.length >= DIRECT) {
      this.inner.fill(out);
      return;
    }
    let off = 0;
    while (off < out.length) {
      if (this.pos >= this.pool.length) {
        this.pool = this.inner.bytes(POOL);
        this.pos = 0;
      }
      const n = Math.min(out.length - off, this.pool.length - this.pos);
      out.set(this.pool.subarray(this.pos, this.pos + n), off);
      this.pos += n;
      off += n;
    }
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    this.fill(out);
    return out;
  }

  stir(additional: Uint8Array): void {
    this.inner.stir(additional);
    this.pool = new Uint8Array(0);
    this.pos = 0;
  }

  // Layout: 'P' | u16 inner state length | inner state | unread pool octets
  state(): Uint8Array {
    const inner = this.inner.state();
    const rest = this.pool.subarray(this.pos);
    const out = new Uint8Array(3 + inner.length + rest.length);
    out[0] = FORMAT;
    out[1] = inner.length >> 8;
    out[2] = inner.length & 0xff;
    out.set(inner, 3);
    out.set(rest, 3 + inner.length);
    return out;
  }

  fork(label?: Uint8Array): Drbg {
    return new PooledDrbg(this.inner.fork(label));
  }

  static fromState(state: Uint8Array): PooledDrbg {
    if (state[0] !== FORMAT) return new PooledDrbg(HmacDrbg.fromState(state));
    const n = (state[1] << 8) | state[2];
    const d = new PooledDrbg(createDrbg({ state: state.slice(3, 3 + n) }));
    d.pool = state.slice(3 + n);
    return d;
  }
}

/** A pooled generator from a seed, or resumed from PooledDrbg.state(). */
export function createPooledDrbg(seed: Uint8Array | { state: Uint8Array }): Drbg {
  return seed instanceof Uint8Array ? new PooledDrbg(createDrbg(seed)) : PooledDrbg.fromState(seed.state);
}
