// Known-answer and cross-implementation tests for src/crypto/{aes,sm4,symmetric}.ts.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, hexToBytes } from '../../src/crypto/bytes.js';
import { SHA256, SM3_256 } from '../../src/crypto/hash.js';
import { kdfa } from '../../src/crypto/kdf.js';
import {
  CryptoError,
  TPM_ALG_AES,
  TPM_ALG_CBC,
  TPM_ALG_CFB,
  TPM_ALG_CTR,
  TPM_ALG_ECB,
  TPM_ALG_OFB,
  TPM_ALG_SM4,
  cfbDecrypt,
  cfbEncrypt,
  createBlockCipher,
  decrypt,
  encrypt,
  xorObfuscate,
  type BlockCipher,
} from '../../src/crypto/symmetric.js';

const smCrypto = createRequire(import.meta.url)('sm-crypto') as {
  sm4: {
    encrypt(input: number[], key: number[], opts: { padding: 'none'; output: 'array'; mode?: 'cbc'; iv?: number[] }): number[];
    decrypt(input: number[], key: number[], opts: { padding: 'none'; output: 'array'; mode?: 'cbc'; iv?: number[] }): number[];
  };
};

const hex = bytesToHex;
const h = hexToBytes;
const RUNS = { numRuns: 100 };

const MODES = [
  ['ecb', TPM_ALG_ECB],
  ['cbc', TPM_ALG_CBC],
  ['cfb', TPM_ALG_CFB],
  ['ofb', TPM_ALG_OFB],
  ['ctr', TPM_ALG_CTR],
] as const;
const WHOLE_BLOCKS_ONLY = new Set<number>([TPM_ALG_ECB, TPM_ALG_CBC]);

function nodeCrypt(name: string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, dec: boolean): string {
  const c = dec ? createDecipheriv(name, key, iv) : createCipheriv(name, key, iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]).toString('hex');
}

describe('AES known answers', () => {
  // FIPS 197 Appendix C.1-C.3 (example vectors).
  const pt = h('00112233445566778899aabbccddeeff');
  const fips197: Array<[string, string]> = [
    ['000102030405060708090a0b0c0d0e0f', '69c4e0d86a7b0430d8cdb78070b4c55a'],
    ['000102030405060708090a0b0c0d0e0f1011121314151617', 'dda97ca4864cdfe06eaf70a0ec0d7191'],
    ['000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', '8ea2b7ca516745bfeafc49904b496089'],
  ];
  for (const [key, ct] of fips197) {
    it(`FIPS-197 C, AES-${key.length * 4}`, () => {
      const c = createBlockCipher(TPM_ALG_AES, h(key));
      expect(c.keyBits).toBe(key.length * 4);
      expect(hex(c.encryptBlock(pt))).toBe(ct);
      expect(hex(c.decryptBlock(h(ct)))).toBe(hex(pt));
    });
  }

  // NIST SP 800-38A Appendix F: the common plaintext, keys and IVs.
  const P = h(
    '6bc1bee22e409f96e93d7e117393172a' +
      'ae2d8a571e03ac9c9eb76fac45af8e51' +
      '30c81c46a35ce411e5fbc1191a0a52ef' +
      'f69f2445df4f9b17ad2b417be66c3710',
  );
  const K128 = h('2b7e151628aed2a6abf7158809cf4f3c');
  const K192 = h('8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b');
  const K256 = h('603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4');
  const IV = h('000102030405060708090a0b0c0d0e0f');
  const CTR0 = h('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
  const sp80038a: Array<[string, number, Uint8Array, Uint8Array, string]> = [
    [
      'F.1.1 ECB-AES128',
      TPM_ALG_ECB,
      K128,
      new Uint8Array(0),
      '3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4',
    ],
    [
      'F.1.3 ECB-AES192',
      TPM_ALG_ECB,
      K192,
      new Uint8Array(0),
      'bd334f1d6e45f25ff712a214571fa5cc974104846d0ad3ad7734ecb3ecee4eefef7afd2270e2e60adce0ba2face6444e9a4b41ba738d6c72fb16691603c18e0e',
    ],
    [
      'F.1.5 ECB-AES256',
      TPM_ALG_ECB,
      K256,
      new Uint8Array(0),
      'f3eed1bdb5d2a03c064b5a7e3db181f8591ccb10d410ed26dc5ba74a31362870b6ed21b99ca6f4f9f153e7b1beafed1d23304b7a39f9f3ff067d8d8f9e24ecc7',
    ],
    [
      'F.2.1 CBC-AES128',
      TPM_ALG_CBC,
      K128,
      IV,
      '7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7',
    ],
    [
      'F.2.3 CBC-AES192',
      TPM_ALG_CBC,
      K192,
      IV,
      '4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd',
    ],
    [
      'F.3.13 CFB128-AES128',
      TPM_ALG_CFB,
      K128,
      IV,
      '3b3fd92eb72dad20333449f8e83cfb4ac8a64537a0b3a93fcde3cdad9f1ce58b26751f67a3cbb140b1808cf187a4f4dfc04b05357c5d1c0eeac4c66f9ff7f2e6',
    ],
    [
      'F.3.17 CFB128-AES256',
      TPM_ALG_CFB,
      K256,
      IV,
      'dc7e84bfda79164b7ecd8486985d386039ffed143b28b1c832113c6331e5407bdf10132415e54b92a13ed0a8267ae2f975a385741ab9cef82031623d55b1e471',
    ],
    [
      'F.4.1 OFB-AES128',
      TPM_ALG_OFB,
      K128,
      IV,
      '3b3fd92eb72dad20333449f8e83cfb4a7789508d16918f03f53c52dac54ed8259740051e9c5fecf64344f7a82260edcc304c6528f659c77866a510d9c1d6ae5e',
    ],
    [
      'F.5.1 CTR-AES128',
      TPM_ALG_CTR,
      K128,
      CTR0,
      '874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee',
    ],
    [
      'F.5.5 CTR-AES256',
      TPM_ALG_CTR,
      K256,
      CTR0,
      '601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c52b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6',
    ],
  ];
  for (const [name, mode, key, iv, ct] of sp80038a) {
    it(`SP 800-38A ${name}`, () => {
      const c = createBlockCipher(TPM_ALG_AES, key);
      expect(hex(encrypt(mode, c, iv, P).data)).toBe(ct);
      expect(hex(decrypt(mode, c, iv, h(ct)).data)).toBe(hex(P));
      // Block by block, chaining through ivOut, gives the same stream.
      let chain = iv;
      let out = '';
      for (let i = 0; i < 4; i++) {
        const r = encrypt(mode, c, chain, P.subarray(16 * i, 16 * i + 16));
        out += hex(r.data);
        chain = r.ivOut;
      }
      expect(out).toBe(ct);
    });
  }
});

describe('SM4 known answers', () => {
  // GB/T 32907-2016 Appendix A, example 1 and example 2 (1 000 000 encryptions).
  const key = h('0123456789abcdeffedcba9876543210');
  it('example 1', () => {
    const c = createBlockCipher(TPM_ALG_SM4, key);
    expect(c.keyBits).toBe(128);
    expect(hex(c.encryptBlock(key))).toBe('681edf34d206965e86b3e94f536e4246');
    expect(hex(c.decryptBlock(h('681edf34d206965e86b3e94f536e4246')))).toBe(hex(key));
  });
  it('example 2: 1 000 000 iterations', () => {
    const c = createBlockCipher(TPM_ALG_SM4, key);
    const b = key.slice();
    for (let i = 0; i < 1_000_000; i++) c.encryptBlock(b, b);
    expect(hex(b)).toBe('595298c7c6fd271f0402f804c33d3f66');
    for (let i = 0; i < 1_000_000; i++) c.decryptBlock(b, b);
    expect(hex(b)).toBe(hex(key));
  });
});

describe('block cipher interface', () => {
  it('offsets and in-place operation', () => {
    for (const [alg, key] of [
      [TPM_ALG_AES, h('000102030405060708090a0b0c0d0e0f')],
      [TPM_ALG_SM4, h('0123456789abcdeffedcba9876543210')],
    ] as const) {
      const c = createBlockCipher(alg, key);
      const block = h('00112233445566778899aabbccddeeff');
      const ref = c.encryptBlock(block);
      const buf = new Uint8Array(40);
      buf.set(block, 3);
      c.encryptBlock(buf, buf, 3, 20);
      expect(hex(buf.subarray(20, 36))).toBe(hex(ref));
      c.encryptBlock(buf, buf, 3, 3);
      expect(hex(buf.subarray(3, 19))).toBe(hex(ref));
      c.decryptBlock(buf, buf, 3, 3);
      expect(hex(buf.subarray(3, 19))).toBe(hex(block));
    }
  });

  it('errors carry a reason', () => {
    const reason = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof CryptoError ? e.reason : 'not a CryptoError';
      }
      return undefined;
    };
    const aes = createBlockCipher(TPM_ALG_AES, new Uint8Array(16));
    expect(reason(() => createBlockCipher(TPM_ALG_AES, new Uint8Array(20)))).toBe('key-size');
    expect(reason(() => createBlockCipher(TPM_ALG_SM4, new Uint8Array(32)))).toBe('key-size');
    expect(reason(() => createBlockCipher(0x0003, new Uint8Array(16)))).toBe('algorithm');
    expect(reason(() => encrypt(TPM_ALG_CBC, aes, new Uint8Array(16), new Uint8Array(17)))).toBe('size');
    expect(reason(() => decrypt(TPM_ALG_ECB, aes, new Uint8Array(0), new Uint8Array(15)))).toBe('size');
    expect(reason(() => encrypt(TPM_ALG_CFB, aes, new Uint8Array(8), new Uint8Array(16)))).toBe('iv');
    expect(reason(() => encrypt(0x0010, aes, new Uint8Array(16), new Uint8Array(16)))).toBe('mode');
    expect(reason(() => encrypt(TPM_ALG_CFB, aes, new Uint8Array(16), new Uint8Array(5)))).toBeUndefined();
  });

  it('empty data leaves the IV unchanged', () => {
    const aes = createBlockCipher(TPM_ALG_AES, new Uint8Array(16));
    const iv = h('000102030405060708090a0b0c0d0e0f');
    for (const [, mode] of MODES) {
      const r = encrypt(mode, aes, mode === TPM_ALG_ECB ? new Uint8Array(0) : iv, new Uint8Array(0));
      expect(r.data.length).toBe(0);
      expect(hex(r.ivOut)).toBe(mode === TPM_ALG_ECB ? '' : hex(iv));
    }
  });

  it('ivOut after a partial final block (TPM reference behaviour)', () => {
    const c = createBlockCipher(TPM_ALG_AES, h('2b7e151628aed2a6abf7158809cf4f3c'));
    const iv = h('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
    const data = new Uint8Array(21).fill(7);
    // CFB: the k ciphertext bytes of the partial block, then zeros.
    const cfb = encrypt(TPM_ALG_CFB, c, iv, data);
    expect(hex(cfb.ivOut)).toBe(hex(cfb.data.subarray(16)) + '00'.repeat(11));
    expect(hex(decrypt(TPM_ALG_CFB, c, iv, cfb.data).ivOut)).toBe(hex(cfb.ivOut));
    // CTR: the counter advanced once per (partial) block.
    expect(hex(encrypt(TPM_ALG_CTR, c, iv, data).ivOut)).toBe('f0f1f2f3f4f5f6f7f8f9fafbfcfdff01');
    // OFB: the last cipher output block.
    const ofb = encrypt(TPM_ALG_OFB, c, iv, data);
    expect(hex(ofb.ivOut.subarray(0, 5))).toBe(hex(ofb.data.subarray(16).map((x) => x ^ 7)));
  });

  it('CTR increments the whole block as one big-endian integer, wrapping', () => {
    const c = createBlockCipher(TPM_ALG_AES, new Uint8Array(16));
    const r = encrypt(TPM_ALG_CTR, c, h('00ffffffffffffffffffffffffffffff'), new Uint8Array(32));
    expect(hex(r.ivOut)).toBe('01000000000000000000000000000001');
    expect(hex(r.data.subarray(16))).toBe(hex(c.encryptBlock(h('01000000000000000000000000000000'))));
    expect(hex(encrypt(TPM_ALG_CTR, c, h('ff'.repeat(16)), new Uint8Array(16)).ivOut)).toBe('00'.repeat(16));
  });
});

describe('modes vs node:crypto', () => {
  const ciphers: Array<[string, number, number]> = [
    ['aes-128', TPM_ALG_AES, 16],
    ['aes-192', TPM_ALG_AES, 24],
    ['aes-256', TPM_ALG_AES, 32],
    ['sm4', TPM_ALG_SM4, 16],
  ];
  for (const [prefix, alg, keyLen] of ciphers) {
    for (const [modeName, mode] of MODES) {
      const nodeName = `${prefix}-${modeName}`;
      it(`${nodeName}: encrypt, decrypt, continuation through ivOut`, () => {
        fc.assert(
          fc.property(
            fc.uint8Array({ minLength: keyLen, maxLength: keyLen }),
            fc.uint8Array({ minLength: 16, maxLength: 16 }),
            fc.nat({ max: 6 }),
            fc.uint8Array({ minLength: 0, maxLength: 100 }),
            (key, ivIn, blocks, tail) => {
              const cipher: BlockCipher = createBlockCipher(alg, key);
              const iv = mode === TPM_ALG_ECB ? new Uint8Array(0) : ivIn;
              const nodeIv = mode === TPM_ALG_ECB ? null : ivIn;
              // First call: whole blocks; second call: any length (whole blocks for ECB/CBC).
              const first = new Uint8Array(16 * blocks).map((_, i) => (i * 7 + key[0]) & 0xff);
              const second = WHOLE_BLOCKS_ONLY.has(mode) ? tail.subarray(0, tail.length & ~15) : tail;
              const all = concatBytes(first, second);
              const want = nodeCrypt(nodeName, key, nodeIv, all, false);
              expect(hex(encrypt(mode, cipher, iv, all).data)).toBe(want);
              const r1 = encrypt(mode, cipher, iv, first);
              const r2 = encrypt(mode, cipher, r1.ivOut, second);
              expect(hex(r1.data) + hex(r2.data)).toBe(want);
              const ct = h(want);
              expect(hex(decrypt(mode, cipher, iv, ct).data)).toBe(hex(all));
              const d1 = decrypt(mode, cipher, iv, ct.subarray(0, first.length));
              const d2 = decrypt(mode, cipher, d1.ivOut, ct.subarray(first.length));
              expect(hex(d1.data) + hex(d2.data)).toBe(hex(all));
              expect(hex(d1.ivOut)).toBe(hex(r1.ivOut));
            },
          ),
          RUNS,
        );
      });
    }
  }
});

describe('SM4 vs sm-crypto (ECB, CBC)', () => {
  it('random keys and data', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.nat({ max: 8 }),
        (key, iv, blocks) => {
          const data = new Uint8Array(16 * blocks).map((_, i) => (i * 13 + iv[0]) & 0xff);
          const c = createBlockCipher(TPM_ALG_SM4, key);
          const k = Array.from(key);
          const ecb = smCrypto.sm4.encrypt(Array.from(data), k, { padding: 'none', output: 'array' });
          expect(hex(encrypt(TPM_ALG_ECB, c, new Uint8Array(0), data).data)).toBe(hex(Uint8Array.from(ecb)));
          const cbcOpts = { padding: 'none', output: 'array', mode: 'cbc', iv: Array.from(iv) } as const;
          const cbc = smCrypto.sm4.encrypt(Array.from(data), k, cbcOpts);
          expect(hex(encrypt(TPM_ALG_CBC, c, iv, data).data)).toBe(hex(Uint8Array.from(cbc)));
          expect(hex(Uint8Array.from(smCrypto.sm4.decrypt(cbc, k, cbcOpts)))).toBe(hex(data));
        },
      ),
      RUNS,
    );
  });
});

describe('parameter-encryption helpers', () => {
  it('cfbEncrypt/cfbDecrypt with a zero IV by default', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 80 }), (key, data) => {
        const aes = createBlockCipher(TPM_ALG_AES, key);
        const zero = new Uint8Array(16);
        const ct = cfbEncrypt(aes, undefined, data);
        expect(hex(ct)).toBe(nodeCrypt('aes-128-cfb', key, zero, data, false));
        expect(hex(cfbDecrypt(aes, undefined, ct))).toBe(hex(data));
        const sm4 = createBlockCipher(TPM_ALG_SM4, key);
        expect(hex(cfbEncrypt(sm4, zero, data))).toBe(nodeCrypt('sm4-cfb', key, zero, data, false));
      }),
      RUNS,
    );
  });

  it('xorObfuscate is data XOR KDFa(hash, key, "XOR", u, v, 8·len) and is an involution', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 32 }),
        fc.uint8Array({ maxLength: 32 }),
        fc.uint8Array({ maxLength: 100 }),
        (key, u, v, data) => {
          for (const hash of [SHA256, SM3_256]) {
            const x = xorObfuscate(hash, key, u, v, data);
            const mask = kdfa(hash, key, 'XOR', u, v, data.length * 8);
            expect(hex(x)).toBe(hex(data.map((b, i) => b ^ mask[i])));
            expect(hex(xorObfuscate(hash, key, u, v, x))).toBe(hex(data));
          }
        },
      ),
      RUNS,
    );
  });
});
