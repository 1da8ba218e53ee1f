// SM2 signatures: GB/T 32918.2 / GM/T 0003.5 known answers and interop with sm-crypto
// (independent jsbn implementation) in digest mode and with Z_A.
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bigintToBytes, bytesToBigint, bytesToHex, concatBytes, hexToBytes, utf8 } from '../../src/crypto/bytes.js';
import { createDrbg } from '../../src/crypto/drbg.js';
import { CURVE_SM2_P256, eccPublicFromPrivate } from '../../src/crypto/ecc.js';
import { SHA256, SM3_256 } from '../../src/crypto/hash.js';
import {
  SM2_DEFAULT_ID,
  SM2_TEST_CURVE,
  sm2Digest,
  sm2GenerateKey,
  sm2Sign,
  sm2SignDigest,
  sm2Verify,
  sm2VerifyDigest,
  sm2Za,
} from '../../src/crypto/sm2.js';

interface SmCryptoSm2 {
  doSignature(msg: Uint8Array | string, privateKey: string, opts?: { hash?: boolean; der?: boolean; userId?: string; publicKey?: string }): string;
  doVerifySignature(msg: Uint8Array | string, sig: string, publicKey: string, opts?: { hash?: boolean; der?: boolean; userId?: string }): boolean;
}
const { sm2: smc } = createRequire(import.meta.url)('sm-crypto') as { sm2: SmCryptoSm2 };

const h = hexToBytes;
const big = (s: string) => BigInt('0x' + s);
const hex = (b: Uint8Array) => bytesToHex(b);
const MSG = utf8('message digest');

describe('SM2 known answers', () => {
  it('GB/T 32918.2-2016 Annex A, 256-bit test curve, ID ALICE123@YAHOO.COM', () => {
    // Values: GB/T 32918.2-2016 Annex A (= GM/T 0003.2-2012 A.2); also BouncyCastle SM2SignerTest
    // and ms-tpm-20-ref CryptEccSignature.c (_SM2_SIGN_DEBUG).
    const c = SM2_TEST_CURVE;
    const d = big('128B2FA8BD433C6C068C8D803DFF79792A519A55171B1B650C23661D15897263');
    const pub = eccPublicFromPrivate(c, d);
    expect(hex(pub.x)).toBe('0ae4c7798aa0f119471bee11825be46202bb79e2a5844495e97c04ff4df2548a');
    expect(hex(pub.y)).toBe('7c0240f88f1cd4e16352a73c17b7f16f07353e53a176d684a9fe0c6bb798e857');
    const za = sm2Za(c, utf8('ALICE123@YAHOO.COM'), pub.x, pub.y);
    expect(hex(za)).toBe('f4a38489e32b45b6f876e3ac2168ca392362dc8f23459c1d1146fc3dbfb7bc9a');
    const e = sm2Digest(SM3_256, za, MSG);
    expect(hex(e)).toBe('b524f552cd82b8b028476e005c377fb19a87e6fc682d48bb5d42e3d9b9effe76');
    const k = big('6CB28D99385C175C94F94E934817663FC176D925DD72B727260DBAAE1FB2F96F');
    const sig = sm2SignDigest(c, d, e, k);
    expect(hex(sig.r)).toBe('40f1ec59f793d9f49e09dcef49130d4194f79fb1eed2caa55bacdb49c4e755d1');
    expect(hex(sig.s)).toBe('6fc6dac32c5d5cf10c77dfb20f7c2eb667a457872fb09ec56327a67ec7deebe7');
    expect(sm2VerifyDigest(c, pub.x, pub.y, e, sig.r, sig.s)).toBe(true);
    // same through the message-level API
    const full = sm2Sign(MSG, d, { curve: c, id: utf8('ALICE123@YAHOO.COM'), k });
    expect(full).toEqual(sig);
    expect(sm2Verify(MSG, pub.x, pub.y, sig.r, sig.s, { curve: c, id: utf8('ALICE123@YAHOO.COM') })).toBe(true);
    expect(sm2Verify(MSG, pub.x, pub.y, sig.r, sig.s, { curve: c })).toBe(false); // default ID
  });

  it('GM/T 0003.5-2012 (GB/T 32918.5-2017) example on sm2p256v1, default ID', () => {
    // Values: GM/T 0003.5 signature example, as listed in /work/shared/reference/crypto.md.
    const c = CURVE_SM2_P256;
    const d = big('3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8');
    const pub = eccPublicFromPrivate(c, d);
    expect(hex(pub.x)).toBe('09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020');
    expect(hex(pub.y)).toBe('ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13');
    const e = sm2Digest(SM3_256, sm2Za(c, SM2_DEFAULT_ID, pub.x, pub.y), MSG);
    expect(hex(e)).toBe('f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640');
    const k = big('59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21');
    const sig = sm2SignDigest(c, d, e, k);
    expect(hex(sig.r)).toBe('f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3');
    expect(hex(sig.s)).toBe('b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa');
    expect(sm2VerifyDigest(c, pub.x, pub.y, e, sig.r, sig.s)).toBe(true);
    expect(sm2Verify(MSG, pub.x, pub.y, sig.r, sig.s)).toBe(true);
    // and sm-crypto accepts the standard signature in both modes
    const pubHex = '04' + hex(pub.x) + hex(pub.y);
    expect(smc.doVerifySignature(e, hex(concatBytes(sig.r, sig.s)), pubHex, { hash: false })).toBe(true);
    expect(smc.doVerifySignature(MSG, hex(concatBytes(sig.r, sig.s)), pubHex, { hash: true })).toBe(true);
  });

  it('BouncyCastle SM2SignerTest (sm2p256v1, ID sm2test@example.com, "hi chappy")', () => {
    // Not from a standard: BouncyCastle's test vector, cross-checked here by sm-crypto.
    const c = CURVE_SM2_P256;
    const d = big('110E7973206F68C19EE5F7328C036F26911C8C73B4E4F36AE3291097F8984FFC');
    const k = big('3174C6FFC3C279D2422F3FC0A9F3E574674A4490FE45A5325CAF7D3EC4C8F96C');
    const sig = sm2Sign(utf8('hi chappy'), d, { id: utf8('sm2test@example.com'), k });
    expect(hex(sig.r)).toBe('05890b9077b92e47b17a1ff42a814280e556afd92b4a98b9670bf8b1a274c2fa');
    expect(hex(sig.s)).toBe('e3abbb8db2b6ecd9b24eccea7f679fb9a4b1db52f4aa985e443ad73237fa1993');
  });
});

describe('SM2 interop with sm-crypto', () => {
  const rng = createDrbg(utf8('sm2 interop'));
  const keys = Array.from({ length: 4 }, () => sm2GenerateKey(rng));

  it('digest mode (hash:false) both ways on random digests', () => {
    for (const { d, x, y } of keys) {
      const pubHex = '04' + hex(x) + hex(y);
      for (let i = 0; i < 5; i++) {
        const e = rng.bytes(32);
        const ours = sm2SignDigest(CURVE_SM2_P256, d, e);
        expect(smc.doVerifySignature(e, hex(concatBytes(ours.r, ours.s)), pubHex, { hash: false })).toBe(true);
        const theirs = h(smc.doSignature(e, hex(bigintToBytes(d, 32)), { hash: false }));
        expect(sm2VerifyDigest(CURVE_SM2_P256, x, y, e, theirs.subarray(0, 32), theirs.subarray(32))).toBe(true);
        const e2 = Uint8Array.from(e);
        e2[31] ^= 0x80;
        expect(sm2VerifyDigest(CURVE_SM2_P256, x, y, e2, theirs.subarray(0, 32), theirs.subarray(32))).toBe(false);
      }
    }
  });

  it('with Z_A (hash:true), default and custom IDs, both ways', () => {
    for (const { d, x, y } of keys) {
      const pubHex = '04' + hex(x) + hex(y);
      for (const id of [undefined, 'alice@example.com', '']) {
        const msg = rng.bytes(1 + (rng.bytes(1)[0] % 64));
        const opts = id === undefined ? {} : { id: utf8(id) };
        const smOpts = id === undefined ? { hash: true } : { hash: true, userId: id };
        const ours = sm2Sign(msg, d, opts);
        expect(smc.doVerifySignature(msg, hex(concatBytes(ours.r, ours.s)), pubHex, smOpts)).toBe(true);
        const theirs = h(smc.doSignature(msg, hex(bigintToBytes(d, 32)), { ...smOpts, publicKey: pubHex }));
        expect(sm2Verify(msg, x, y, theirs.subarray(0, 32), theirs.subarray(32), opts)).toBe(true);
      }
    }
  });
});

describe('SM2 behaviour', () => {
  const c = CURVE_SM2_P256;

  it('keygen gives d in [1, n-2], deterministic for a seeded DRBG', () => {
    const a = sm2GenerateKey(createDrbg(utf8('k')));
    const b = sm2GenerateKey(createDrbg(utf8('k')));
    expect(a).toEqual(b);
    expect(a.d >= 1n && a.d <= c.n - 2n).toBe(true);
    expect(eccPublicFromPrivate(c, a.d)).toEqual({ x: a.x, y: a.y });
  });

  it('deterministic nonce: same key and digest give the same signature; extraEntropy changes it', () => {
    const { d, x, y } = sm2GenerateKey(createDrbg(utf8('det')));
    const e = SM3_256.digest(utf8('abc'));
    const s1 = sm2SignDigest(c, d, e);
    expect(sm2SignDigest(c, d, e)).toEqual(s1);
    const s2 = sm2SignDigest(c, d, e, { extraEntropy: utf8('x') });
    expect(s2.r).not.toEqual(s1.r);
    expect(sm2VerifyDigest(c, x, y, e, s2.r, s2.s)).toBe(true);
  });

  it('signs digests of other hashes as integers (TPM: any scheme hash), no truncation', () => {
    const { d, x, y } = sm2GenerateKey(createDrbg(utf8('sha384')));
    for (const len of [20, 32, 48, 64]) {
      const e = createDrbg(utf8('e' + len)).bytes(len);
      const sig = sm2SignDigest(c, d, e);
      expect(sm2VerifyDigest(c, x, y, e, sig.r, sig.s)).toBe(true);
      // e and e + n are the same value mod n: both verify (the integer is reduced, not truncated)
      if (len === 64) {
        const e2 = bigintToBytes(bytesToBigint(e) + c.n, 65);
        expect(sm2VerifyDigest(c, x, y, e2, sig.r, sig.s)).toBe(true);
      }
    }
    const sig = sm2Sign(utf8('m'), d, { hash: SHA256 });
    expect(sm2Verify(utf8('m'), x, y, sig.r, sig.s, { hash: SHA256 })).toBe(true);
    expect(sm2Verify(utf8('m'), x, y, sig.r, sig.s)).toBe(false);
  });

  it('rejects bad keys, out-of-range r/s and t = 0', () => {
    const { d, x, y } = sm2GenerateKey(createDrbg(utf8('rej')));
    const e = SM3_256.digest(utf8('z'));
    const { r, s } = sm2SignDigest(c, d, e);
    expect(() => sm2SignDigest(c, c.n - 1n, e)).toThrow();
    expect(() => sm2SignDigest(c, 0n, e)).toThrow();
    const n = bigintToBytes(c.n, 32);
    expect(sm2VerifyDigest(c, x, y, e, new Uint8Array(32), s)).toBe(false);
    expect(sm2VerifyDigest(c, x, y, e, r, n)).toBe(false);
    expect(sm2VerifyDigest(c, x, y, e, r, bigintToBytes(c.n - bytesToBigint(r), 32))).toBe(false); // t = 0
    expect(sm2VerifyDigest(c, x, bigintToBytes(bytesToBigint(y) ^ 1n, 32), e, r, s)).toBe(false);
    expect(sm2VerifyDigest(c, x, y, e, s, r)).toBe(false);
    expect(() => sm2Za(c, new Uint8Array(8192), x, y)).toThrow();
  });
});

describe('SM2 properties (fast-check)', () => {
  it('digest-mode signatures verify (ours and sm-crypto) for any e; a changed e fails', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 32 }), fc.uint8Array({ minLength: 1, maxLength: 64 }), (seed, e) => {
        const { d, x, y } = sm2GenerateKey(createDrbg(seed));
        const sig = sm2SignDigest(CURVE_SM2_P256, d, e);
        expect(sm2VerifyDigest(CURVE_SM2_P256, x, y, e, sig.r, sig.s)).toBe(true);
        if (e.length <= 32) {
          // sm-crypto reads e as an integer too (no reduction issues below 2^256)
          const pubHex = '04' + hex(x) + hex(y);
          expect(smc.doVerifySignature(e, hex(concatBytes(sig.r, sig.s)), pubHex, { hash: false })).toBe(true);
        }
        const bad = Uint8Array.from(e);
        bad[bad.length - 1] ^= 1;
        expect(sm2VerifyDigest(CURVE_SM2_P256, x, y, bad, sig.r, sig.s)).toBe(false);
      }),
      { numRuns: 40 },
    );
  });
});
