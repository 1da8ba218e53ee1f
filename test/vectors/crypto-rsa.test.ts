// RSA: key generation checks and every scheme cross-checked against node:crypto (OpenSSL) both
// ways, on keys of our own generator and on node-generated keys.
import * as nodeCrypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { bigintToBytes, bytesToBigint, bytesToHex, concatBytes, hexToBytes, utf8 } from '../../src/crypto/bytes.js';
import { createDrbg } from '../../src/crypto/drbg.js';
import { SHA1, SHA256, SHA384, SHA512, SM3_256, type HashAlgorithm } from '../../src/crypto/hash.js';
import {
  modPow,
  oaepDecrypt,
  oaepEncrypt,
  rsaDecryptRaw,
  rsaEncryptRaw,
  rsaesDecrypt,
  rsaesEncrypt,
  rsaGenerateKey,
  rsaModulusBytes,
  rsaPrivate,
  rsaPrivateKeyFromPrime,
  rsaPrivateKeyFromPrimes,
  rsaPssSaltLength,
  rsaPublic,
  rsapssSign,
  rsapssVerify,
  rsassaSign,
  rsassaVerify,
  type RsaPrivateKey,
} from '../../src/crypto/rsa.js';

const { constants } = nodeCrypto;
const HASHES: [HashAlgorithm, string][] = [
  [SHA1, 'sha1'],
  [SHA256, 'sha256'],
  [SHA384, 'sha384'],
  [SHA512, 'sha512'],
];

const bitLen = (n: bigint) => n.toString(2).length;
const minBytes = (v: bigint) => bigintToBytes(v, Math.max(1, Math.ceil(bitLen(v) / 8)));
const b64u = (v: bigint) => Buffer.from(minBytes(v)).toString('base64url');
const fromB64u = (s: string) => bytesToBigint(new Uint8Array(Buffer.from(s, 'base64url')));

interface Pair {
  key: RsaPrivateKey;
  priv: nodeCrypto.KeyObject;
  pub: nodeCrypto.KeyObject;
  label: string;
}

function toNode(key: RsaPrivateKey, label: string): Pair {
  const jwk = {
    kty: 'RSA',
    n: b64u(key.n),
    e: b64u(key.e),
    d: b64u(key.d),
    p: b64u(key.p),
    q: b64u(key.q),
    dp: b64u(key.dp),
    dq: b64u(key.dq),
    qi: b64u(key.qinv),
  };
  const priv = nodeCrypto.createPrivateKey({ key: jwk, format: 'jwk' });
  return { key, priv, pub: nodeCrypto.createPublicKey(priv), label };
}

function fromNode(bits: number, label: string): Pair {
  const { privateKey } = nodeCrypto.generateKeyPairSync('rsa', { modulusLength: bits });
  const j = privateKey.export({ format: 'jwk' });
  const key: RsaPrivateKey = {
    n: fromB64u(j.n!),
    e: fromB64u(j.e!),
    d: fromB64u(j.d!),
    p: fromB64u(j.p!),
    q: fromB64u(j.q!),
    dp: fromB64u(j.dp!),
    dq: fromB64u(j.dq!),
    qinv: fromB64u(j.qi!),
  };
  return { key, priv: privateKey, pub: nodeCrypto.createPublicKey(privateKey), label };
}

// Keys are generated once per file (RSA keygen is the slow part).
let ours1024: Pair;
let ours2048a: Pair;
let ours2048b: Pair;
let node3072: Pair;
let node4096: Pair;
let all: Pair[];

beforeAll(() => {
  ours1024 = toNode(rsaGenerateKey(1024, createDrbg(utf8('rsa-1024'))), 'ours-1024');
  ours2048a = toNode(rsaGenerateKey(2048, createDrbg(utf8('rsa-2048-a'))), 'ours-2048a');
  ours2048b = toNode(rsaGenerateKey(2048, createDrbg(utf8('rsa-2048-b')), 3n), 'ours-2048b-e3');
  node3072 = fromNode(3072, 'node-3072');
  node4096 = fromNode(4096, 'node-4096');
  all = [ours1024, ours2048a, ours2048b, node3072, node4096];
});

describe('RSA key generation', () => {
  it('a seed derives the same key in every vtpm version (persisted primary keys and EK certificates depend on it)', () => {
    // Golden: SHA-256 over the moduli (hex) from four seeds, computed with the key generator before
    // the trial-division and Fermat pre-filters were added; the filters must not change any key.
    const h = nodeCrypto.createHash('sha256');
    for (const [i, bits] of [[0, 2048], [1, 2048], [2, 1024], [3, 3072]] as const) h.update(rsaGenerateKey(bits, createDrbg(utf8('rsa golden ' + i))).n.toString(16));
    expect(h.digest('hex')).toBe('44b0009c5774f18dbdc7c3c70df965d31d213faaa32f64590ed9ef14b9b17098');
  });

  it('produces well-formed FIPS 186-5 A.1.3 keys that node accepts', () => {
    for (const { key, priv, pub } of [ours1024, ours2048a, ours2048b]) {
      const bits = bitLen(key.n);
      expect([1024, 2048]).toContain(bits);
      const half = BigInt(bits / 2);
      for (const pr of [key.p, key.q]) {
        expect(nodeCrypto.checkPrimeSync(pr)).toBe(true);
        expect(pr >> (half - 2n)).toBe(3n); // top two bits set
      }
      expect(key.n).toBe(key.p * key.q);
      const diff = key.p > key.q ? key.p - key.q : key.q - key.p;
      expect(diff > 1n << (half - 100n)).toBe(true);
      const p1 = key.p - 1n;
      const q1 = key.q - 1n;
      expect((key.e * key.d) % p1).toBe(1n);
      expect((key.e * key.d) % q1).toBe(1n);
      expect(key.d > 1n << half).toBe(true);
      expect(key.dp).toBe(key.d % p1);
      expect(key.dq).toBe(key.d % q1);
      expect((key.qinv * key.q) % key.p).toBe(1n);
      // node uses the key consistently
      const sig = nodeCrypto.sign('sha256', utf8('x'), priv);
      expect(nodeCrypto.verify('sha256', utf8('x'), pub, sig)).toBe(true);
    }
    expect(ours2048b.key.e).toBe(3n);
  });

  it('is deterministic for a deterministic rng', () => {
    const again = rsaGenerateKey(1024, createDrbg(utf8('rsa-1024')));
    expect(again).toEqual(ours1024.key);
  });

  it('rebuilds the private key from one prime (the TPM sensitive area)', () => {
    const { key } = ours2048a;
    expect(rsaPrivateKeyFromPrime({ n: key.n, e: key.e }, key.q).n).toBe(key.n);
    const k2 = rsaPrivateKeyFromPrime({ n: key.n, e: key.e }, key.p);
    expect(k2).toEqual(key);
    expect(rsaPrivateKeyFromPrimes(key.p, key.q, key.e)).toEqual(key);
    expect(() => rsaPrivateKeyFromPrime({ n: key.n, e: key.e }, key.p + 2n)).toThrow();
  });

  it('rejects unsupported sizes and exponents', () => {
    const rng = createDrbg(utf8('x'));
    expect(() => rsaGenerateKey(512, rng)).toThrow();
    expect(() => rsaGenerateKey(1025, rng)).toThrow();
    expect(() => rsaGenerateKey(1024, rng, 4n)).toThrow();
  });

  it('modPow matches node-free reference on random values', () => {
    const rng = createDrbg(utf8('modpow'));
    const naive = (b: bigint, e: bigint, m: bigint) => {
      let r = 1n;
      b %= m;
      while (e > 0n) {
        if (e & 1n) r = (r * b) % m;
        b = (b * b) % m;
        e >>= 1n;
      }
      return r;
    };
    for (let i = 0; i < 20; i++) {
      const m = bytesToBigint(rng.bytes(1 + (i % 7) * 20)) | 1n;
      const b = bytesToBigint(rng.bytes(64));
      const e = bytesToBigint(rng.bytes(1 + i * 6));
      expect(modPow(b, e, m)).toBe(naive(b, e, m));
    }
    expect(modPow(5n, 0n, 7n)).toBe(1n);
    expect(modPow(5n, 3n, 1n)).toBe(0n);
  });
});

describe('raw RSA (scheme NULL)', () => {
  it('matches node RSA_NO_PADDING both ways', () => {
    const rng = createDrbg(utf8('raw'));
    for (const { key, priv, pub } of all) {
      const k = rsaModulusBytes(key);
      const m = bigintToBytes(bytesToBigint(rng.bytes(k)) % key.n, k);
      const c = rsaEncryptRaw(key, m);
      const cNode = nodeCrypto.publicEncrypt({ key: pub, padding: constants.RSA_NO_PADDING }, m);
      expect(bytesToHex(c)).toBe(cNode.toString('hex'));
      expect(rsaDecryptRaw(key, c)).toEqual(m);
      const c2 = rng.bytes(k);
      c2[0] = 0;
      const dNode = nodeCrypto.privateDecrypt({ key: priv, padding: constants.RSA_NO_PADDING }, c2);
      expect(bytesToHex(rsaDecryptRaw(key, c2))).toBe(dNode.toString('hex'));
      expect(rsaPrivate(key, rsaPublic(key, 12345n))).toBe(12345n);
    }
  });

  it('accepts short input, rejects values >= n and wrong ciphertext sizes', () => {
    const { key } = ours1024;
    const c = rsaEncryptRaw(key, Uint8Array.of(1, 2, 3));
    expect(c.length).toBe(128);
    expect(rsaDecryptRaw(key, c)).toEqual(concatBytes(new Uint8Array(125), Uint8Array.of(1, 2, 3)));
    expect(() => rsaEncryptRaw(key, bigintToBytes(key.n, 128))).toThrow(expect.objectContaining({ reason: 'value' }));
    expect(() => rsaDecryptRaw(key, bigintToBytes(key.n, 128))).toThrow(expect.objectContaining({ reason: 'value' }));
    expect(() => rsaDecryptRaw(key, c.subarray(1))).toThrow(expect.objectContaining({ reason: 'size' }));
  });
});

describe('RSASSA-PKCS1-v1_5', () => {
  it('is byte-identical to node and verifies both ways for SHA-1/256/384/512', () => {
    const rng = createDrbg(utf8('pkcs1'));
    for (const { key, priv, pub } of all) {
      for (const [hash, name] of HASHES) {
        const msg = rng.bytes(40);
        const digest = hash.digest(msg);
        const sig = rsassaSign(key, hash, digest);
        const nsig = nodeCrypto.sign(name, msg, priv);
        expect(bytesToHex(sig)).toBe(nsig.toString('hex'));
        expect(nodeCrypto.verify(name, msg, pub, sig)).toBe(true);
        expect(rsassaVerify(key, hash, digest, new Uint8Array(nsig))).toBe(true);
        const bad = Uint8Array.from(sig);
        bad[bad.length - 1] ^= 1;
        expect(rsassaVerify(key, hash, digest, bad)).toBe(false);
        expect(rsassaVerify(key, hash, hash.digest(utf8('other')), sig)).toBe(false);
      }
    }
  });

  it('SM3 uses DigestInfo with OID 1.2.156.10197.1.401 (checked through node raw RSA)', () => {
    // Encode the OID here from its dotted form (X.690 8.19) rather than trusting the table.
    const arcs = [1, 2, 156, 10197, 1, 401];
    const body: number[] = [40 * arcs[0] + arcs[1]];
    for (const a of arcs.slice(2)) {
      const septets: number[] = [];
      let v = a;
      do {
        septets.unshift(v & 0x7f);
        v >>= 7;
      } while (v > 0);
      for (let i = 0; i < septets.length - 1; i++) septets[i] |= 0x80;
      body.push(...septets);
    }
    const oid = Uint8Array.from([0x06, body.length, ...body]);
    const algId = Uint8Array.from([0x30, oid.length + 2, ...oid, 0x05, 0x00]);
    const digest = SM3_256.digest(utf8('abc'));
    const t = Uint8Array.from([0x30, algId.length + 2 + 32, ...algId, 0x04, 0x20, ...digest]);
    const { key, pub } = ours2048a;
    const sig = rsassaSign(key, SM3_256, digest);
    const em = new Uint8Array(nodeCrypto.publicDecrypt({ key: pub, padding: constants.RSA_NO_PADDING }, sig));
    const ps = new Uint8Array(256 - t.length - 3).fill(0xff);
    expect(bytesToHex(em)).toBe(bytesToHex(concatBytes(Uint8Array.of(0, 1), ps, Uint8Array.of(0), t)));
    expect(rsassaVerify(key, SM3_256, digest, sig)).toBe(true);
  });

  it('rejects a digest of the wrong size (TPM_RC_VALUE)', () => {
    expect(() => rsassaSign(ours1024.key, SHA256, new Uint8Array(20))).toThrow(expect.objectContaining({ reason: 'value' }));
  });
});

describe('RSASSA-PSS', () => {
  it('salt length: TPM rule min(hLen, emLen - hLen - 2)', () => {
    expect(rsaPssSaltLength(SHA256, 2048)).toBe(32);
    expect(rsaPssSaltLength(SHA512, 2048)).toBe(64);
    expect(rsaPssSaltLength(SHA512, 1024)).toBe(62);
    expect(rsaPssSaltLength(SHA1, 1024)).toBe(20);
  });

  it('our signatures verify in node with the expected salt length and with AUTO', () => {
    const rng = createDrbg(utf8('pss ours'));
    for (const { key, pub } of all) {
      for (const [hash, name] of HASHES) {
        const msg = rng.bytes(30);
        const digest = hash.digest(msg);
        const sig = rsapssSign(key, hash, digest, rng);
        const saltLength = rsaPssSaltLength(hash, bitLen(key.n));
        const v = (s: Uint8Array, saltLen: number) =>
          nodeCrypto.verify(name, msg, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: saltLen }, s);
        expect(v(sig, saltLength)).toBe(true);
        expect(v(sig, constants.RSA_PSS_SALTLEN_AUTO)).toBe(true);
        expect(rsapssVerify(key, hash, digest, sig)).toBe(true);
        expect(rsapssVerify(key, hash, digest, sig, saltLength)).toBe(true);
        // the other salt choices (empty salt, largest salt) also interoperate
        const maxSalt = Math.ceil((bitLen(key.n) - 1) / 8) - hash.digestSize - 2;
        for (const sl of [0, maxSalt]) {
          const s2 = rsapssSign(key, hash, digest, rng, sl);
          expect(v(s2, sl)).toBe(true);
          expect(rsapssVerify(key, hash, digest, s2)).toBe(true);
          expect(rsapssVerify(key, hash, digest, s2, sl === 0 ? 1 : 0)).toBe(false);
        }
        expect(() => rsapssSign(key, hash, digest, rng, maxSalt + 1)).toThrow(expect.objectContaining({ reason: 'size' }));
      }
    }
  });

  it("node's signatures (salt 0, 20, hLen, max) verify with our salt auto-detection", () => {
    const rng = createDrbg(utf8('pss node'));
    for (const { key, priv } of all) {
      for (const [hash, name] of HASHES) {
        const msg = rng.bytes(25);
        const digest = hash.digest(msg);
        const maxSalt = Math.ceil((bitLen(key.n) - 1) / 8) - hash.digestSize - 2;
        const salts = [0, 20, hash.digestSize, constants.RSA_PSS_SALTLEN_MAX_SIGN].filter((sl) => sl <= maxSalt);
        for (const saltLength of salts) {
          const sig = new Uint8Array(
            nodeCrypto.sign(name, msg, { key: priv, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }),
          );
          expect(rsapssVerify(key, hash, digest, sig)).toBe(true);
          expect(rsapssVerify(key, hash, hash.digest(utf8('no')), sig)).toBe(false);
          const bad = Uint8Array.from(sig);
          bad[10] ^= 4;
          expect(rsapssVerify(key, hash, digest, bad)).toBe(false);
        }
      }
    }
  });

  it('is deterministic for a deterministic rng', () => {
    const digest = SHA256.digest(utf8('d'));
    const a = rsapssSign(ours2048a.key, SHA256, digest, createDrbg(utf8('salt')));
    const b = rsapssSign(ours2048a.key, SHA256, digest, createDrbg(utf8('salt')));
    expect(a).toEqual(b);
  });
});

describe('RSAES-OAEP', () => {
  const LABELS = ['DUPLICATE\0', 'SECRET\0', 'IDENTITY\0', ''];

  it('interoperates with node (oaepHash, oaepLabel) both ways', () => {
    const rng = createDrbg(utf8('oaep'));
    for (const { key, priv, pub } of all) {
      const k = rsaModulusBytes(key);
      for (const [hash, name] of HASHES) {
        if (k < 2 * hash.digestSize + 2) continue;
        for (const labelStr of LABELS) {
          const label = utf8(labelStr);
          const maxLen = k - 2 * hash.digestSize - 2;
          const msg = rng.bytes(labelStr === '' ? maxLen : Math.min(32, maxLen));
          const opts = { key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: name, oaepLabel: label };
          const ct = oaepEncrypt(key, hash, msg, label, rng);
          const pt = nodeCrypto.privateDecrypt({ ...opts, key: priv }, ct);
          expect(pt.toString('hex')).toBe(bytesToHex(msg));
          const ct2 = new Uint8Array(nodeCrypto.publicEncrypt(opts, msg));
          expect(oaepDecrypt(key, hash, ct2, label)).toEqual(msg);
          if (labelStr !== '') {
            expect(() => oaepDecrypt(key, hash, ct2, utf8(labelStr.slice(0, -1)))).toThrow(
              expect.objectContaining({ reason: 'value' }),
            );
          }
        }
      }
    }
  });

  it('rejects long messages, tampered ciphertexts and wrong hashes', () => {
    const { key } = ours2048a;
    const rng = createDrbg(utf8('oaep bad'));
    expect(() => oaepEncrypt(key, SHA256, new Uint8Array(256 - 64 - 1), new Uint8Array(0), rng)).toThrow(
      expect.objectContaining({ reason: 'value' }),
    );
    const ct = oaepEncrypt(key, SHA256, utf8('seed'), utf8('SECRET\0'), rng);
    const bad = Uint8Array.from(ct);
    bad[100] ^= 1;
    expect(() => oaepDecrypt(key, SHA256, bad, utf8('SECRET\0'))).toThrow();
    expect(() => oaepDecrypt(key, SHA1, ct, utf8('SECRET\0'))).toThrow();
    expect(oaepDecrypt(key, SHA256, ct, utf8('SECRET\0'))).toEqual(utf8('seed'));
    // SHA-512 OAEP does not fit a 1024-bit key's 0-length message bound? 128 >= 130 is false
    expect(() => oaepEncrypt(ours1024.key, SHA512, new Uint8Array(0), new Uint8Array(0), rng)).toThrow();
  });
});

describe('RSAES-PKCS1-v1_5', () => {
  it('interoperates with node both ways', () => {
    const rng = createDrbg(utf8('pkcs1 enc'));
    for (const { key, priv, pub } of all) {
      const k = rsaModulusBytes(key);
      for (const len of [0, 16, k - 11]) {
        const msg = rng.bytes(len);
        const ct = new Uint8Array(nodeCrypto.publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_PADDING }, msg));
        expect(rsaesDecrypt(key, ct)).toEqual(msg);
        // node 20 refuses PKCS#1 v1.5 private decryption: unpad node's raw result here
        const ours = rsaesEncrypt(key, msg, rng);
        const em = new Uint8Array(nodeCrypto.privateDecrypt({ key: priv, padding: constants.RSA_NO_PADDING }, ours));
        expect([em[0], em[1]]).toEqual([0, 2]);
        const sep = em.indexOf(0, 2);
        expect(sep).toBe(k - len - 1);
        expect(bytesToHex(em.subarray(sep + 1))).toBe(bytesToHex(msg));
        expect(rsaesDecrypt(key, ours)).toEqual(msg);
      }
    }
  });

  it('rejects bad padding and long messages', () => {
    const { key } = ours1024;
    const rng = createDrbg(utf8('pkcs1 bad'));
    expect(() => rsaesEncrypt(key, new Uint8Array(118), rng)).toThrow(expect.objectContaining({ reason: 'value' }));
    // 00 01 ... is a signature block, not an encryption block
    const em = hexToBytes('0001' + 'ff'.repeat(100) + '00' + '11'.repeat(25));
    expect(() => rsaesDecrypt(key, rsaEncryptRaw(key, em))).toThrow(expect.objectContaining({ reason: 'value' }));
    // PS shorter than 8 octets
    const em2 = hexToBytes('0002' + '01'.repeat(7) + '00' + '11'.repeat(117));
    expect(() => rsaesDecrypt(key, rsaEncryptRaw(key, em2))).toThrow(expect.objectContaining({ reason: 'value' }));
  });
});
