// Tests for src/crypto/drbg.ts: HMAC_DRBG (SP 800-90A) known answers, determinism, state
// save/restore, stirring, forking, and the system RNG wrapper.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../src/crypto/bytes.js';
import { HmacDrbg, createDrbg, systemRng } from '../../src/crypto/drbg.js';

const hex = bytesToHex;
const h = hexToBytes;

// Independent HMAC_DRBG (SP 800-90A Rev. 1, 10.1.2) on node:crypto, for random cross-checks.
class RefHmacDrbg {
  private K: Buffer = Buffer.alloc(32);
  private V: Buffer = Buffer.alloc(32, 1);
  constructor(seed: Uint8Array) {
    this.update(Buffer.from(seed));
  }
  private mac(...parts: Buffer[]): Buffer {
    const m = createHmac('sha256', this.K);
    for (const p of parts) m.update(p);
    return m.digest();
  }
  private update(data: Buffer): void {
    this.K = this.mac(this.V, Buffer.from([0]), data);
    this.V = this.mac(this.V);
    if (data.length === 0) return;
    this.K = this.mac(this.V, Buffer.from([1]), data);
    this.V = this.mac(this.V);
  }
  reseed(entropy: Uint8Array): void {
    this.update(Buffer.from(entropy));
  }
  generate(n: number): string {
    let t = Buffer.alloc(0);
    while (t.length < n) {
      this.V = this.mac(this.V);
      t = Buffer.concat([t, this.V]);
    }
    this.update(Buffer.alloc(0));
    return t.subarray(0, n).toString('hex');
  }
}

describe('HMAC_DRBG known answers (NIST CAVP HMAC_DRBG.rsp, SHA-256, no PR)', () => {
  // [SHA-256] [PredictionResistance = False] [EntropyInputLen = 256] [NonceLen = 128]
  // [PersonalizationStringLen = 0] [AdditionalInputLen = 0] [ReturnedBitsLen = 1024], COUNT = 0:
  // instantiate, generate 1024 bits twice, the second output is ReturnedBits.
  it('COUNT = 0, no reseed', () => {
    const d = HmacDrbg.instantiate(
      h('ca851911349384bffe89de1cbdc46e6831e44d34a4fb935ee285dd14b71a7488'),
      h('659ba96c601dc69fc902940805ec0ca8'),
    );
    d.bytes(128);
    expect(hex(d.bytes(128))).toBe(
      'e528e9abf2dece54d47c7e75e5fe302149f817ea9fb4bee6f4199697d04d5b89d54fbb978a15b5c443c9ec21036d2460' +
        'b6f73ebad0dc2aba6e624abf07745bc107694bb7547bb0995f70de25d6b29e2d3011bb19d27676c07162c8b5ccde06' +
        '68961df86803482cb37ed6d5c0bb8d50cf1f50d476aa0458bdaba806f48be9dcb8',
    );
  });

  // HMAC_DRBG.rsp (no_reseed = false variant, as quoted in the cifra test suite, "line 5064"):
  // instantiate, reseed with EntropyInputReseed, generate 1024 bits twice.
  it('COUNT = 0 with reseed', () => {
    const d = HmacDrbg.instantiate(
      h('06032cd5eed33f39265f49ecb142c511da9aff2af71203bffaf34a9ca5bd9c0d'),
      h('0e66f71edc43e42a45ad3c6fc6cdc4df'),
    );
    d.reseed(h('01920a4e669ed3a85ae8a33b35a74ad7fb2a6bb4cf395ce00334a9c9a5a5d552'));
    d.bytes(128);
    expect(hex(d.bytes(128))).toBe(
      '76fc79fe9b50beccc991a11b5635783a83536add03c157fb30645e611c2898bb2b1bc215000209208cd506cb28da2a51' +
        'bdb03826aaf2bd2335d576d519160842e7158ad0949d1a9ec3e66ea1b1a064b005de914eac2e9d4f2d72a8616a8022' +
        '5422918250ff66a41bd2f864a6a38cc5b6499dc43f7f2bd09e1e0f8f5885935124',
    );
  });
});

describe('createDrbg', () => {
  it('matches an independent HMAC_DRBG, including stir (reseed)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.array(fc.oneof(fc.integer({ min: 1, max: 200 }), fc.uint8Array({ maxLength: 40 })), { maxLength: 6 }),
        (seed, steps) => {
          const d = createDrbg(seed);
          const ref = new RefHmacDrbg(seed);
          for (const s of steps) {
            if (typeof s === 'number') expect(hex(d.bytes(s))).toBe(ref.generate(s));
            else {
              d.stir(s);
              ref.reseed(s);
            }
          }
          expect(hex(d.bytes(48))).toBe(ref.generate(48));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('is deterministic per seed and never repeats across calls', () => {
    const a = createDrbg(h('00112233'));
    const b = createDrbg(h('00112233'));
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const x = hex(a.bytes(16));
      expect(hex(b.bytes(16))).toBe(x);
      expect(seen.has(x)).toBe(false);
      seen.add(x);
    }
    expect(hex(createDrbg(h('00112234')).bytes(16))).not.toBe(hex(createDrbg(h('00112233')).bytes(16)));
  });

  it('state() / createDrbg({ state }) continues the same stream', () => {
    const a = createDrbg(h('5eed'));
    a.bytes(77);
    a.stir(h('abcdef'));
    const saved = a.state();
    const b = createDrbg({ state: saved });
    expect(hex(b.bytes(100))).toBe(hex(a.bytes(100)));
    b.stir(h('01'));
    a.stir(h('01'));
    expect(hex(b.state())).toBe(hex(a.state()));
    expect(() => createDrbg({ state: saved.subarray(1) })).toThrow();
  });

  it('a zero-length request leaves the state alone', () => {
    const a = createDrbg(h('5eed'));
    const before = hex(a.state());
    expect(a.bytes(0).length).toBe(0);
    expect(hex(a.state())).toBe(before);
  });

  it('stir changes the stream', () => {
    const a = createDrbg(h('5eed'));
    const b = createDrbg(h('5eed'));
    b.stir(h('00'));
    expect(hex(b.bytes(32))).not.toBe(hex(a.bytes(32)));
  });

  it('fork gives independent, deterministic children', () => {
    const a = createDrbg(h('5eed'));
    const b = createDrbg(h('5eed'));
    const ca = a.fork(h('01'));
    const cb = b.fork(h('01'));
    expect(hex(ca.bytes(32))).toBe(hex(cb.bytes(32)));
    expect(hex(a.bytes(32))).toBe(hex(b.bytes(32)));
    const c2 = a.fork(h('02'));
    const c3 = b.fork(h('01'));
    expect(hex(c2.bytes(32))).not.toBe(hex(c3.bytes(32)));
    expect(hex(a.bytes(32))).not.toBe(hex(ca.bytes(32)));
  });

  it('fill splits large requests into 65536-byte generate calls', () => {
    const a = createDrbg(h('5eed'));
    const big = new Uint8Array(65536 * 2 + 5);
    a.fill(big);
    const b = createDrbg(h('5eed'));
    const parts = hex(b.bytes(65536)) + hex(b.bytes(65536)) + hex(b.bytes(5));
    expect(hex(big)).toBe(parts);
    expect(() => HmacDrbg.instantiate(h('00')).generateInto(new Uint8Array(65537))).toThrow(RangeError);
  });
});

describe('systemRng', () => {
  it('fills any length, chunking past the 65536-byte getRandomValues limit', () => {
    const rng = systemRng();
    const big = rng.bytes(200_000);
    expect(big.length).toBe(200_000);
    // All-zero 64-byte windows are (overwhelmingly) absent in random output.
    for (let off = 0; off + 64 <= big.length; off += 65536) expect(big.subarray(off, off + 64).some((x) => x !== 0)).toBe(true);
    expect(hex(rng.bytes(32))).not.toBe(hex(rng.bytes(32)));
    expect(rng.bytes(0).length).toBe(0);
  });
});

describe('PooledDrbg (the engine\'s generator)', async () => {
  const { createPooledDrbg } = await import('../../src/crypto/pooled-drbg.js');
  const seed = Uint8Array.from({ length: 32 }, (_, i) => i);

  it('is a deterministic function of the seed, whatever the request sizes', () => {
    const a = createPooledDrbg(seed);
    const b = createPooledDrbg(seed);
    const sa = [a.bytes(5), a.bytes(300), a.bytes(17)];
    const sb = [b.bytes(5), b.bytes(300), b.bytes(17)];
    expect(sa).toEqual(sb);
    expect(sa[0]).not.toEqual(sa[2].subarray(0, 5));
  });

  it('state() resumes exactly, including the unread pool', () => {
    const a = createPooledDrbg(seed);
    a.bytes(40);
    const b = createPooledDrbg({ state: a.state() });
    expect(b.bytes(2000)).toEqual(a.bytes(2000));
  });

  it('stir() changes the very next output', () => {
    const a = createPooledDrbg(seed);
    const b = createPooledDrbg(seed);
    a.bytes(8);
    b.bytes(8);
    a.stir(Uint8Array.of(1));
    expect(a.bytes(8)).not.toEqual(b.bytes(8));
  });
});
