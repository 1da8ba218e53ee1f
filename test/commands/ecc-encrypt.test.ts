/**
 * Part 3 "TPM2_ECC_Encrypt", "TPM2_ECC_Decrypt" (Part 1 Annex D, ECC encryption; GB/T 32918.4 for SM2
 * keys): round trips on tcm2 (SM2 P-256, KDF2 with SM3) and tpm2 (P-256, P-384), and independent
 * checks: sm-crypto decrypts what the TPM encrypts to an SM2 key loaded with TPM2_LoadExternal and
 * the TPM decrypts what sm-crypto encrypts (C1‖C3‖C2 and C1‖C2‖C3 orders); on the NIST curves the
 * host side is node:crypto (ECDH x-coordinate, hashes) with @noble/curves for the y-coordinate.
 * Then the response codes, handle and parameter numbers of the refusals.
 */
import { createECDH, createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { p256, p384 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import { CURVE_SM2_P256 } from '../../src/crypto/ecc.js';
import { eccKeyTemplate, keyedHashTemplate, rsaKeyTemplate, srkTemplate } from '../../src/client/templates.js';
import { TPM_ALG, TPM_ECC, TPM_RC, TPM_RH, TPMA_OBJECT as A } from '../../src/gen/constants.js';
import type { TPMS_ECC_POINT, TPMT_KDF_SCHEME, TPMT_PUBLIC } from '../../src/gen/types.js';
import { hex, rcOf, startedTpm, toHex } from '../helpers/tpm.js';

interface SmCryptoSm2 {
  generateKeyPairHex(): { privateKey: string; publicKey: string };
  doEncrypt(msg: number[] | Uint8Array, publicKey: string, cipherMode?: number): string;
  doDecrypt(data: string, privateKey: string, cipherMode?: number, opts?: { output: 'array' | 'string' }): number[] | string;
}
const require = createRequire(import.meta.url);
const { sm2: smc } = require('sm-crypto') as { sm2: SmCryptoSm2 };
/** sm-crypto's own SM2 curve and big integers (jsbn), for [d]C1 outside vtpm. */
interface JsbnPoint {
  multiply(k: unknown): JsbnPoint;
  getX(): { toBigInteger(): { toString(radix: number): string } };
  getY(): { toBigInteger(): { toString(radix: number): string } };
}
const smCurve = (require('sm-crypto/src/sm2/utils') as { getGlobalCurve(): { decodePointHex(h: string): JsbnPoint } }).getGlobalCurve();
const { BigInteger } = require(require.resolve('jsbn', { paths: [require.resolve('sm-crypto')] })) as { BigInteger: new (s: string, radix: number) => unknown };

const EMPTY = new Uint8Array(0);
const P = (n: number) => TPM_RC.P | (n << 8);
const H = (n: number) => TPM_RC.H | (n << 8);
const NULL_KDF: TPMT_KDF_SCHEME = { scheme: TPM_ALG.NULL, details: null };
const kdf2 = (hashAlg: number): TPMT_KDF_SCHEME => ({ scheme: TPM_ALG.KDF2, details: { hashAlg } });
const noCreation = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };
const message = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);
const LENGTHS = [0, 1, 31, 32, 33, 100, 1024];

const NODE: Record<number, { hash: string; curve?: string; byteLength: number }> = {
  [TPM_ECC.SM2_P256]: { hash: 'sm3', byteLength: 32 },
  [TPM_ECC.NIST_P256]: { hash: 'sha256', curve: 'prime256v1', byteLength: 32 },
  [TPM_ECC.NIST_P384]: { hash: 'sha384', curve: 'secp384r1', byteLength: 48 },
};
const HASH_NAME: Record<number, string> = { [TPM_ALG.SHA256]: 'sha256', [TPM_ALG.SHA384]: 'sha384', [TPM_ALG.SM3_256]: 'sm3' };

async function primary(client: Client, publicArea: TPMT_PUBLIC) {
  const r = await client.run('CreatePrimary', { primaryHandle: TPM_RH.OWNER, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea }, ...noCreation });
  return { handle: r.objectHandle, pub: r.outPublic.publicArea };
}

/** An ECC decryption key with a private scalar the test knows, through TPM2_LoadExternal (NULL hierarchy). */
async function loadExternalEcc(client: Client, curve: number, d: Uint8Array, point: TPMS_ECC_POINT) {
  const publicArea: TPMT_PUBLIC = {
    type: TPM_ALG.ECC,
    nameAlg: curve === TPM_ECC.SM2_P256 ? TPM_ALG.SM3_256 : TPM_ALG.SHA256,
    objectAttributes: A.decrypt | A.userWithAuth,
    authPolicy: EMPTY,
    parameters: { symmetric: { algorithm: TPM_ALG.NULL, keyBits: null, mode: null }, scheme: { scheme: TPM_ALG.NULL, details: null }, curveID: curve, kdf: NULL_KDF },
    unique: point,
  } as TPMT_PUBLIC;
  const r = await client.run('LoadExternal', {
    inPrivate: { sensitiveArea: { sensitiveType: TPM_ALG.ECC, authValue: EMPTY, seedValue: EMPTY, sensitive: d } },
    inPublic: { publicArea },
    hierarchy: TPM_RH.NULL,
  });
  return r.objectHandle;
}

const encrypt = (client: Client, keyHandle: number, plainText: Uint8Array, inScheme: TPMT_KDF_SCHEME) => client.run('ECC_Encrypt', { keyHandle, plainText, inScheme });
const decrypt = (client: Client, keyHandle: number, c: { C1: TPMS_ECC_POINT; C2: Uint8Array; C3: Uint8Array }, inScheme: TPMT_KDF_SCHEME) =>
  client.run('ECC_Decrypt', { keyHandle, C1: { point: c.C1 }, C2: c.C2, C3: c.C3, inScheme });

/** KDF2 (counter from 1) with node:crypto: the SM2 KDF of GB/T 32918.4 when the hash is SM3. */
function hostKdf2(hash: string, z: Uint8Array, length: number): Uint8Array {
  const out: Buffer[] = [];
  for (let i = 1, have = 0; have < length; i++) {
    const block = createHash(hash).update(z).update(Uint8Array.of(i >>> 24, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff)).digest();
    out.push(block);
    have += block.length;
  }
  return new Uint8Array(Buffer.concat(out).subarray(0, length));
}
const xor = (a: Uint8Array, b: Uint8Array) => a.map((v, i) => v ^ b[i]);
const pad = (b: Uint8Array, n: number) => Uint8Array.from([...new Uint8Array(n - b.length), ...b]);

describe.each([
  { profile: 'tcm2', curve: TPM_ECC.SM2_P256, hashes: [TPM_ALG.SM3_256] },
  { profile: 'tpm2', curve: TPM_ECC.NIST_P256, hashes: [TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SM3_256] },
  { profile: 'tpm2', curve: TPM_ECC.NIST_P384, hashes: [TPM_ALG.SHA384, TPM_ALG.SHA256] },
])('TPM2_ECC_Encrypt / TPM2_ECC_Decrypt round trip ($profile, curve $curve)', ({ profile, curve, hashes }) => {
  it('decrypts what it encrypted, for every length up to MAX_BUFFER and each KDF2 hash; fresh C1 each time', async () => {
    const { client } = await startedTpm({ profile });
    const key = await primary(client, eccKeyTemplate({ usage: 'decrypt', curve }));
    const size = NODE[curve].byteLength;
    const seen = new Set<string>();
    for (const hashAlg of hashes) {
      for (const n of LENGTHS) {
        const m = message(n);
        const c = await encrypt(client, key.handle, m, kdf2(hashAlg));
        expect(c.C1.point.x.length).toBe(size);
        expect(c.C1.point.y.length).toBe(size);
        expect(c.C2.length).toBe(n);
        expect(c.C3.length).toBe(createHash(HASH_NAME[hashAlg]).digest().length);
        seen.add(toHex(c.C1.point.x));
        expect((await decrypt(client, key.handle, { C1: c.C1.point, C2: c.C2, C3: c.C3 }, kdf2(hashAlg))).plainText).toEqual(m);
      }
    }
    expect(seen.size).toBe(hashes.length * LENGTHS.length);
  });

  it('a public-only key and a signing key encrypt too (no attribute check; only ECC_Decrypt needs a decryption key)', async () => {
    const { client } = await startedTpm({ profile });
    const key = await primary(client, eccKeyTemplate({ usage: 'decrypt', curve }));
    const pub = await client.run('LoadExternal', { inPrivate: {}, inPublic: { publicArea: key.pub }, hierarchy: TPM_RH.OWNER });
    const c = await encrypt(client, pub.objectHandle, message(40), kdf2(hashes[0]));
    expect((await decrypt(client, key.handle, { C1: c.C1.point, C2: c.C2, C3: c.C3 }, kdf2(hashes[0]))).plainText).toEqual(message(40));
    const signer = await primary(client, eccKeyTemplate({ usage: 'sign', curve }));
    const s = await encrypt(client, signer.handle, message(5), kdf2(hashes[0]));
    expect(await rcOf(decrypt(client, signer.handle, { C1: s.C1.point, C2: s.C2, C3: s.C3 }, kdf2(hashes[0])))).toBe(TPM_RC.ATTRIBUTES | H(1));
  });
});

describe('SM2 public key encryption (GB/T 32918.4): sm-crypto as the other party (tcm2)', () => {
  async function setup() {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const pair = smc.generateKeyPairHex();
    const pubHex = pair.publicKey; // 04 ‖ x ‖ y
    const point = { x: hex(pubHex.slice(2, 66)), y: hex(pubHex.slice(66)) };
    const handle = await loadExternalEcc(client, TPM_ECC.SM2_P256, hex(pair.privateKey.padStart(64, '0')), point);
    return { client, pair, handle };
  }

  it('sm-crypto decrypts what the TPM encrypts (KDF2 with SM3), in the C1‖C3‖C2 and C1‖C2‖C3 orders', async () => {
    const { client, pair, handle } = await setup();
    for (const n of [1, 19, 32, 33, 64, 257, 1024]) {
      const m = message(n);
      const c = await encrypt(client, handle, m, kdf2(TPM_ALG.SM3_256));
      const c1 = toHex(c.C1.point.x) + toHex(c.C1.point.y);
      expect(Uint8Array.from(smc.doDecrypt(c1 + toHex(c.C3) + toHex(c.C2), pair.privateKey, 1, { output: 'array' }) as number[])).toEqual(m);
      expect(Uint8Array.from(smc.doDecrypt(c1 + toHex(c.C2) + toHex(c.C3), pair.privateKey, 0, { output: 'array' }) as number[])).toEqual(m);
    }
  });

  it('the TPM decrypts what sm-crypto encrypts; a flipped bit anywhere is TPM_RC_VALUE', async () => {
    const { client, pair, handle } = await setup();
    for (const n of [1, 32, 100, 1024]) {
      const m = message(n);
      const mode1 = smc.doEncrypt(Array.from(m), pair.publicKey, 1); // x ‖ y ‖ C3 ‖ C2, no 04 octet
      const c = { C1: { x: hex(mode1.slice(0, 64)), y: hex(mode1.slice(64, 128)) }, C3: hex(mode1.slice(128, 192)), C2: hex(mode1.slice(192)) };
      expect((await decrypt(client, handle, c, kdf2(TPM_ALG.SM3_256))).plainText).toEqual(m);
      const mode0 = smc.doEncrypt(Array.from(m), pair.publicKey, 0); // x ‖ y ‖ C2 ‖ C3
      const d = { C1: { x: hex(mode0.slice(0, 64)), y: hex(mode0.slice(64, 128)) }, C2: hex(mode0.slice(128, mode0.length - 64)), C3: hex(mode0.slice(mode0.length - 64)) };
      expect((await decrypt(client, handle, d, kdf2(TPM_ALG.SM3_256))).plainText).toEqual(m);
      const flip = (b: Uint8Array, i: number) => b.map((v, j) => (j === i ? v ^ 1 : v));
      expect(await rcOf(decrypt(client, handle, { ...c, C2: flip(c.C2, n - 1) }, kdf2(TPM_ALG.SM3_256)))).toBe(TPM_RC.VALUE);
      expect(await rcOf(decrypt(client, handle, { ...c, C3: flip(c.C3, 0) }, kdf2(TPM_ALG.SM3_256)))).toBe(TPM_RC.VALUE);
    }
  });

  it('GB/T 32918.4 A5: a mask of all zero bits is never used (600 one-octet messages: C2 ≠ M each time)', async () => {
    const { client, handle } = await setup();
    for (let i = 0; i < 600; i++) {
      const m = Uint8Array.of(i & 0xff);
      const c = await encrypt(client, handle, m, kdf2(TPM_ALG.SM3_256));
      if (c.C2[0] === m[0]) expect.fail(`t = 0 used at message ${i}`);
    }
  });

  it('but a ciphertext whose mask is zero decrypts (as in the reference; sm-crypto agrees)', async () => {
    const { client, pair, handle } = await setup();
    const curve = CURVE_SM2_P256;
    const PB = curve.Point.fromAffine({ x: BigInt('0x' + pair.publicKey.slice(2, 66)), y: BigInt('0x' + pair.publicKey.slice(66)) });
    const m = Uint8Array.of(0x5a);
    for (let k = 2n; ; k++) {
      const P2 = PB.multiply(k).toAffine();
      const x2 = hex(P2.x.toString(16).padStart(64, '0'));
      const y2 = hex(P2.y.toString(16).padStart(64, '0'));
      if (hostKdf2('sm3', Buffer.concat([x2, y2]), 1)[0] !== 0) continue;
      const C1 = curve.Point.BASE.multiply(k).toAffine();
      const c = { C1: { x: hex(C1.x.toString(16).padStart(64, '0')), y: hex(C1.y.toString(16).padStart(64, '0')) }, C2: m, C3: new Uint8Array(createHash('sm3').update(x2).update(m).update(y2).digest()) };
      expect(smc.doDecrypt(toHex(c.C1.x) + toHex(c.C1.y) + toHex(c.C3) + toHex(c.C2), pair.privateKey, 1, { output: 'array' })).toEqual([0x5a]);
      expect((await decrypt(client, handle, c, kdf2(TPM_ALG.SM3_256))).plainText).toEqual(m);
      break;
    }
  });

  it('the construction written out: (x2, y2) = [d]C1 (sm-crypto\'s curve arithmetic), C3 = SM3(x2 ‖ M ‖ y2), C2 = M ⊕ KDF(x2 ‖ y2)', async () => {
    const { client, pair, handle } = await setup();
    for (const n of [0, 1, 32, 65]) {
      const m = message(n);
      const c = await encrypt(client, handle, m, kdf2(TPM_ALG.SM3_256));
      const P2 = smCurve.decodePointHex('04' + toHex(c.C1.point.x) + toHex(c.C1.point.y)).multiply(new BigInteger(pair.privateKey, 16));
      const x2 = hex(P2.getX().toBigInteger().toString(16).padStart(64, '0'));
      const y2 = hex(P2.getY().toBigInteger().toString(16).padStart(64, '0'));
      expect(c.C3).toEqual(new Uint8Array(createHash('sm3').update(x2).update(m).update(y2).digest()));
      expect(c.C2).toEqual(xor(m, hostKdf2('sm3', Buffer.concat([x2, y2]), n)));
    }
  });
});

describe.each([
  { curve: TPM_ECC.NIST_P256, noble: p256 },
  { curve: TPM_ECC.NIST_P384, noble: p384 },
])('ECC encryption on NIST curves against node:crypto (tpm2, curve $curve)', ({ curve, noble }) => {
  const { hash, curve: nodeCurve, byteLength } = NODE[curve];
  const hashAlg = curve === TPM_ECC.NIST_P256 ? TPM_ALG.SHA256 : TPM_ALG.SHA384;
  /** (x2, y2) = [d]Q: x from node's ECDH, y from @noble/curves (node returns x only), which must agree on x. */
  function shared(d: Uint8Array, Q: TPMS_ECC_POINT) {
    const ecdh = createECDH(nodeCurve!);
    ecdh.setPrivateKey(d);
    const x2 = new Uint8Array(ecdh.computeSecret(Buffer.concat([Uint8Array.of(4), pad(Q.x, byteLength), pad(Q.y, byteLength)])));
    const R = noble.Point.fromAffine({ x: BigInt('0x' + toHex(Q.x)), y: BigInt('0x' + toHex(Q.y)) }).multiply(BigInt('0x' + toHex(d))).toAffine();
    expect(toHex(x2)).toBe(R.x.toString(16).padStart(byteLength * 2, '0'));
    return { x2, y2: hex(R.y.toString(16).padStart(byteLength * 2, '0')) };
  }

  it('the host decrypts what the TPM encrypts, and the TPM what the host encrypts', async () => {
    const { client } = await startedTpm();
    const host = createECDH(nodeCurve!);
    host.generateKeys();
    const pub = host.getPublicKey();
    const point = { x: new Uint8Array(pub.subarray(1, 1 + byteLength)), y: new Uint8Array(pub.subarray(1 + byteLength)) };
    const d = new Uint8Array(host.getPrivateKey());
    const handle = await loadExternalEcc(client, curve, d, point);
    for (const n of [1, 48, 49, 500]) {
      const m = message(n);
      // TPM → host.
      const c = await encrypt(client, handle, m, kdf2(hashAlg));
      const { x2, y2 } = shared(d, c.C1.point);
      const recovered = xor(c.C2, hostKdf2(hash, Buffer.concat([x2, y2]), n));
      expect(recovered).toEqual(m);
      expect(new Uint8Array(createHash(hash).update(x2).update(recovered).update(y2).digest())).toEqual(c.C3);
      // Host → TPM, with an ephemeral key node makes.
      const eph = createECDH(nodeCurve!);
      eph.generateKeys();
      const C1 = { x: new Uint8Array(eph.getPublicKey().subarray(1, 1 + byteLength)), y: new Uint8Array(eph.getPublicKey().subarray(1 + byteLength)) };
      const s = shared(new Uint8Array(eph.getPrivateKey()), point);
      const C2 = xor(m, hostKdf2(hash, Buffer.concat([s.x2, s.y2]), n));
      const C3 = new Uint8Array(createHash(hash).update(s.x2).update(m).update(s.y2).digest());
      expect((await decrypt(client, handle, { C1, C2, C3 }, kdf2(hashAlg))).plainText).toEqual(m);
    }
  });
});

describe('refusals: response codes and their handle and parameter numbers', () => {
  it('key type: TPM_RC_KEY on handle 1 (RSA and keyed-hash keys; ECC_Decrypt of a symmetric key)', async () => {
    const { client } = await startedTpm();
    const rsa = await primary(client, rsaKeyTemplate({ usage: 'decrypt', keyBits: 1024 }));
    expect(await rcOf(encrypt(client, rsa.handle, message(4), kdf2(TPM_ALG.SHA256)))).toBe(TPM_RC.KEY | H(1));
    const tcm = await startedTpm({ profile: 'tcm2' });
    const hmacKey = await primary(tcm.client, keyedHashTemplate({ nameAlg: TPM_ALG.SM3_256 }));
    expect(await rcOf(encrypt(tcm.client, hmacKey.handle, message(4), kdf2(TPM_ALG.SM3_256)))).toBe(TPM_RC.KEY | H(1));
    const point = { x: new Uint8Array(32).fill(1), y: new Uint8Array(32).fill(2) };
    expect(await rcOf(decrypt(tcm.client, hmacKey.handle, { C1: point, C2: message(4), C3: new Uint8Array(32) }, kdf2(TPM_ALG.SM3_256)))).toBe(TPM_RC.KEY | H(1));
  });

  it('ECC_Decrypt needs an unrestricted decryption key: TPM_RC_ATTRIBUTES on handle 1 (an SM2 SRK)', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const srk = await primary(client, srkTemplate({ alg: 'sm2-p256' }));
    const c = await encrypt(client, srk.handle, message(8), kdf2(TPM_ALG.SM3_256));
    expect(await rcOf(decrypt(client, srk.handle, { C1: c.C1.point, C2: c.C2, C3: c.C3 }, kdf2(TPM_ALG.SM3_256)))).toBe(TPM_RC.ATTRIBUTES | H(1));
  });

  it('KDF schemes: NULL (and an ECC key has no KDF of its own) is TPM_RC_SCHEME on inScheme; a KDF other than KDF2 a bare TPM_RC_SCHEME; one the profile lacks does not unmarshal', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const key = await primary(client, eccKeyTemplate({ usage: 'decrypt', curve: TPM_ECC.SM2_P256 }));
    const c = await encrypt(client, key.handle, message(8), kdf2(TPM_ALG.SM3_256));
    const C = { C1: c.C1.point, C2: c.C2, C3: c.C3 };
    expect(await rcOf(encrypt(client, key.handle, message(8), NULL_KDF))).toBe(TPM_RC.SCHEME | P(2));
    expect(await rcOf(decrypt(client, key.handle, C, NULL_KDF))).toBe(TPM_RC.SCHEME | P(4));
    for (const scheme of [TPM_ALG.KDF1_SP800_56A, TPM_ALG.KDF1_SP800_108]) {
      expect(await rcOf(encrypt(client, key.handle, message(8), { scheme, details: { hashAlg: TPM_ALG.SM3_256 } }))).toBe(TPM_RC.SCHEME);
      expect(await rcOf(decrypt(client, key.handle, C, { scheme, details: { hashAlg: TPM_ALG.SM3_256 } }))).toBe(TPM_RC.SCHEME);
    }
    // tcm2 has no MGF1 and no SHA-256: TPM_RC_KDF / TPM_RC_HASH while unmarshaling inScheme.
    expect(await rcOf(encrypt(client, key.handle, message(8), { scheme: TPM_ALG.MGF1, details: { hashAlg: TPM_ALG.SM3_256 } }))).toBe(TPM_RC.KDF | P(2));
    expect(await rcOf(encrypt(client, key.handle, message(8), kdf2(TPM_ALG.SHA256)))).toBe(TPM_RC.HASH | P(2));
    expect(await rcOf(decrypt(client, key.handle, C, kdf2(TPM_ALG.SHA256)))).toBe(TPM_RC.HASH | P(4));
    // The key's kdf must be NULL (Part 2 "TPMS_ECC_PARMS"; TPM_RC_KDF), so the scheme always comes from inScheme.
    const withKdf = eccKeyTemplate({ usage: 'decrypt', curve: TPM_ECC.SM2_P256 });
    (withKdf.parameters as { kdf: TPMT_KDF_SCHEME }).kdf = kdf2(TPM_ALG.SM3_256);
    expect(await rcOf(primary(client, withKdf))).toBe(TPM_RC.KDF | P(2));
    // tpm2: MGF1 unmarshals but is not the construction's KDF.
    const t = await startedTpm();
    const nist = await primary(t.client, eccKeyTemplate({ usage: 'decrypt' }));
    expect(await rcOf(encrypt(t.client, nist.handle, message(8), { scheme: TPM_ALG.MGF1, details: { hashAlg: TPM_ALG.SHA256 } }))).toBe(TPM_RC.SCHEME);
  });

  it('a C1 that is not a point of the key curve, a tampered C2 or C3, the wrong hash or key: a bare TPM_RC_VALUE', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const key = await primary(client, eccKeyTemplate({ usage: 'decrypt', curve: TPM_ECC.SM2_P256 }));
    const other = await primary(client, { ...eccKeyTemplate({ usage: 'decrypt', curve: TPM_ECC.SM2_P256 }), unique: { x: message(5), y: EMPTY } });
    const m = message(48);
    const c = await encrypt(client, key.handle, m, kdf2(TPM_ALG.SM3_256));
    const ok = { C1: c.C1.point, C2: c.C2, C3: c.C3 };
    const dec = (x: typeof ok, h = key.handle) => rcOf(decrypt(client, h, x, kdf2(TPM_ALG.SM3_256)));
    const y = c.C1.point.y.slice();
    y[31] ^= 1;
    expect(await dec({ ...ok, C1: { x: c.C1.point.x, y } })).toBe(TPM_RC.VALUE); // off the curve
    expect(await dec({ ...ok, C1: { x: EMPTY, y: EMPTY } })).toBe(TPM_RC.VALUE); // the empty point
    expect(await dec({ ...ok, C1: { x: new Uint8Array(32).fill(0xff), y: c.C1.point.y } })).toBe(TPM_RC.VALUE); // x ≥ p
    expect(await dec({ ...ok, C2: ok.C2.map((v, i) => (i === 7 ? v ^ 0x80 : v)) })).toBe(TPM_RC.VALUE);
    expect(await dec({ ...ok, C2: ok.C2.subarray(1) })).toBe(TPM_RC.VALUE);
    expect(await dec({ ...ok, C3: ok.C3.map((v, i) => (i === 31 ? v ^ 1 : v)) })).toBe(TPM_RC.VALUE);
    expect(await dec({ ...ok, C3: ok.C3.subarray(0, 20) })).toBe(TPM_RC.VALUE);
    expect(await dec(ok, other.handle)).toBe(TPM_RC.VALUE);
    expect((await decrypt(client, key.handle, ok, kdf2(TPM_ALG.SM3_256))).plainText).toEqual(m);
  });

  it('tpm2: the KDF hash is part of the ciphertext (SHA-256 in, SHA-384 out is TPM_RC_VALUE)', async () => {
    const { client } = await startedTpm();
    const key = await primary(client, eccKeyTemplate({ usage: 'decrypt', curve: TPM_ECC.NIST_P256 }));
    const c = await encrypt(client, key.handle, message(8), kdf2(TPM_ALG.SHA256));
    expect(await rcOf(decrypt(client, key.handle, { C1: c.C1.point, C2: c.C2, C3: c.C3 }, kdf2(TPM_ALG.SHA384)))).toBe(TPM_RC.VALUE);
    expect(await rcOf(decrypt(client, key.handle, { C1: c.C1.point, C2: c.C2, C3: c.C3 }, kdf2(TPM_ALG.SM3_256)))).toBe(TPM_RC.VALUE);
  });
});
