// Known-answer and cross-implementation tests for src/crypto/{bytes,hash,sm3,hmac}.ts.
import { createHash, createHmac as nodeHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import {
  bigintToBytes,
  bytesEqual,
  bytesToBigint,
  bytesToHex,
  concatBytes,
  hexToBytes,
  u16be,
  u32be,
  utf8,
  xorBytes,
} from '../../src/crypto/bytes.js';
import {
  HASH_ALGORITHMS,
  SHA1,
  SHA256,
  SHA384,
  SHA512,
  SM3_256,
  hashByAlg,
  hashByName,
  type HashAlgorithm,
} from '../../src/crypto/hash.js';
import { createHmac, hmac, importHmacState } from '../../src/crypto/hmac.js';
import { sm3 } from '../../src/crypto/sm3.js';

const smCrypto = createRequire(import.meta.url)('sm-crypto') as {
  sm3(input: string | number[], options?: { key?: string | number[] }): string;
};

const hex = bytesToHex;
const h = hexToBytes;
const ascii = (s: string): Uint8Array => utf8(s);
const nodeName: Record<string, string> = {
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  sm3_256: 'sm3',
};
const nodeDigest = (alg: HashAlgorithm, data: Uint8Array): string =>
  createHash(nodeName[alg.name]).update(data).digest('hex');
const nodeMac = (alg: HashAlgorithm, key: Uint8Array, data: Uint8Array): string =>
  nodeHmac(nodeName[alg.name], key).update(data).digest('hex');

const RUNS = { numRuns: 100 };
const bytesArb = (max: number) => fc.uint8Array({ minLength: 0, maxLength: max });

describe('bytes helpers', () => {
  it('hex round trip, case and prefix tolerant', () => {
    expect(hex(h('0x00FFa5'))).toBe('00ffa5');
    expect(() => h('abc')).toThrow();
    expect(() => h('zz')).toThrow();
    fc.assert(fc.property(bytesArb(64), (b) => bytesEqual(h(hex(b)), b)), RUNS);
  });

  it('utf8 matches the platform encoder', () => {
    const enc = new TextEncoder();
    for (const s of ['', 'abc', 'é', '€', '𝄞', 'SM3 国密', '\ud800x']) expect(hex(utf8(s))).toBe(hex(enc.encode(s)));
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => hex(utf8(s)) === hex(enc.encode(s))), RUNS);
  });

  it('integers, concat, xor, equality', () => {
    expect(hex(u16be(0x1234))).toBe('1234');
    expect(hex(u32be(0xdeadbeef))).toBe('deadbeef');
    expect(hex(concatBytes(h('01'), new Uint8Array(0), h('0203')))).toBe('010203');
    expect(hex(xorBytes(h('ff00'), h('0f0f')))).toBe('f00f');
    expect(() => xorBytes(h('00'), h('0000'))).toThrow();
    expect(bytesEqual(h('0102'), h('0102'))).toBe(true);
    expect(bytesEqual(h('0102'), h('0103'))).toBe(false);
    expect(bytesEqual(h('01'), h('0100'))).toBe(false);
    expect(hex(bigintToBytes(0x0102n, 4))).toBe('00000102');
    expect(() => bigintToBytes(0x10000n, 2)).toThrow();
    expect(bytesToBigint(h('000102'))).toBe(0x102n);
    expect(bytesToBigint(new Uint8Array(0))).toBe(0n);
  });
});

describe('hash known answers', () => {
  // FIPS 180-2 / FIPS 180-4 example messages ("abc", one block; 448-bit two-block message).
  const two = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq';
  it('SHA-1 (FIPS 180 "abc")', () => {
    expect(hex(SHA1.digest(ascii('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(hex(SHA1.digest(ascii(two)))).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1');
  });
  it('SHA-256 (FIPS 180 "abc")', () => {
    expect(hex(SHA256.digest(ascii('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(SHA256.digest(ascii(two)))).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });
  it('SHA-384 (FIPS 180 "abc")', () => {
    expect(hex(SHA384.digest(ascii('abc')))).toBe(
      'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
    );
  });
  it('SHA-512 (FIPS 180 "abc")', () => {
    expect(hex(SHA512.digest(ascii('abc')))).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
  });
  it('SM3 (GB/T 32905-2016 App. A examples 1 and 2; empty message from OpenSSL)', () => {
    expect(hex(sm3(ascii('abc')))).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(hex(SM3_256.digest(ascii('abcd'.repeat(16))))).toBe(
      'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
    );
    expect(hex(SM3_256.digest(new Uint8Array(0)))).toBe('1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b');
  });

  it('algorithm table', () => {
    expect(HASH_ALGORITHMS.map((a) => [a.alg, a.name, a.digestSize, a.blockSize])).toEqual([
      [0x0004, 'sha1', 20, 64],
      [0x000b, 'sha256', 32, 64],
      [0x000c, 'sha384', 48, 128],
      [0x000d, 'sha512', 64, 128],
      [0x0012, 'sm3_256', 32, 64],
    ]);
    expect(hashByAlg(0x0012)).toBe(SM3_256);
    expect(hashByAlg(0x0010)).toBeUndefined();
    expect(hashByName('sha384')).toBe(SHA384);
  });
});

describe('hashes vs node:crypto (and sm-crypto for SM3)', () => {
  for (const alg of HASH_ALGORITHMS) {
    it(`${alg.name}: one-shot, multi-part and incremental`, () => {
      fc.assert(
        fc.property(bytesArb(300), bytesArb(300), (a, b) => {
          const want = nodeDigest(alg, concatBytes(a, b));
          expect(hex(alg.digest(concatBytes(a, b)))).toBe(want);
          expect(hex(alg.digest(a, b))).toBe(want);
          expect(hex(alg.create().update(a).update(b).digest())).toBe(want);
        }),
        RUNS,
      );
    });
  }

  it('SM3 on 1 MiB + 17 bytes', () => {
    const big = new Uint8Array((1 << 20) + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 131 + (i >>> 9)) & 0xff;
    expect(hex(sm3(big))).toBe(createHash('sm3').update(big).digest('hex'));
  });

  it('SM3 vs sm-crypto', () => {
    fc.assert(fc.property(bytesArb(300), (a) => hex(sm3(a)) === smCrypto.sm3(Array.from(a))), RUNS);
  });
});

describe('incremental hash contexts', () => {
  for (const alg of HASH_ALGORITHMS) {
    it(`${alg.name}: clone snapshots, state export/import`, () => {
      fc.assert(
        fc.property(bytesArb(300), bytesArb(300), (a, b) => {
          const ctx = alg.create().update(a);
          const snap = ctx.clone();
          const saved = ctx.exportState();
          ctx.update(b);
          // The snapshot is unaffected by later updates to the original.
          expect(hex(snap.digest())).toBe(nodeDigest(alg, a));
          // The imported state continues like the original.
          expect(hex(alg.importState(saved).update(b).digest())).toBe(nodeDigest(alg, concatBytes(a, b)));
          expect(hex(ctx.digest())).toBe(nodeDigest(alg, concatBytes(a, b)));
        }),
        RUNS,
      );
    });
  }

  it('rejects foreign or malformed state', () => {
    const s = SHA256.create().update(ascii('abc')).exportState();
    expect(() => SM3_256.importState(s)).toThrow();
    expect(() => SHA256.importState(s.subarray(0, s.length - 1))).toThrow();
    const finished = SHA256.create();
    finished.digest();
    expect(() => finished.exportState()).toThrow();
  });
});

describe('HMAC', () => {
  // RFC 4231 section 4 test cases 1, 2, 6 (HMAC-SHA-256/384/512).
  const rfc4231: Array<[string, Uint8Array, Uint8Array, string, string, string]> = [
    [
      'case 1',
      h('0b'.repeat(20)),
      ascii('Hi There'),
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
      'afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6',
      '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854',
    ],
    [
      'case 2',
      ascii('Jefe'),
      ascii('what do ya want for nothing?'),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
      'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649',
      '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
    ],
    [
      'case 6 (key longer than block)',
      h('aa'.repeat(131)),
      ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
      '4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952',
      '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598',
    ],
  ];
  for (const [name, key, data, s256, s384, s512] of rfc4231) {
    it(`RFC 4231 ${name}`, () => {
      expect(hex(hmac(SHA256, key, data))).toBe(s256);
      expect(hex(hmac(SHA384, key, data))).toBe(s384);
      expect(hex(hmac(SHA512, key, data))).toBe(s512);
    });
  }

  // RFC 2202 section 3 (HMAC-SHA-1) test cases 1, 2, 6.
  it('RFC 2202 HMAC-SHA-1', () => {
    expect(hex(hmac(SHA1, h('0b'.repeat(20)), ascii('Hi There')))).toBe('b617318655057264e28bc0b6fb378c8ef146be00');
    expect(hex(hmac(SHA1, ascii('Jefe'), ascii('what do ya want for nothing?')))).toBe(
      'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79',
    );
    expect(hex(hmac(SHA1, h('aa'.repeat(80)), ascii('Test Using Larger Than Block-Size Key - Hash Key First')))).toBe(
      'aa4ae5e15272d00e95705637ce8a3b55ed402112',
    );
  });

  for (const alg of HASH_ALGORITHMS) {
    it(`HMAC-${alg.name} vs node:crypto, incremental, clone, state`, () => {
      fc.assert(
        fc.property(bytesArb(200), bytesArb(200), bytesArb(200), (key, a, b) => {
          const want = nodeMac(alg, key, concatBytes(a, b));
          expect(hex(hmac(alg, key, concatBytes(a, b)))).toBe(want);
          expect(hex(hmac(alg, key, a, b))).toBe(want);
          const ctx = createHmac(alg, key).update(a);
          const snap = ctx.clone();
          const saved = ctx.exportState();
          expect(hex(ctx.update(b).digest())).toBe(want);
          expect(hex(snap.digest())).toBe(nodeMac(alg, key, a));
          expect(hex(importHmacState(alg, saved).update(b).digest())).toBe(want);
        }),
        RUNS,
      );
    });
  }

  it('our SM3 works with noble hmac; HMAC-SM3 vs sm-crypto', () => {
    fc.assert(
      fc.property(bytesArb(100), bytesArb(200), (key, data) => {
        const want = nodeMac(SM3_256, key, data);
        expect(hex(nobleHmac(sm3, key, data))).toBe(want);
        if (key.length > 0) expect(smCrypto.sm3(Array.from(data), { key: Array.from(key) })).toBe(want);
      }),
      RUNS,
    );
  });
});
