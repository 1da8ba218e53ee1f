/**
 * Part 3 "Asymmetric Primitives" and "Ephemeral EC Keys": RSA_Encrypt, RSA_Decrypt,
 * ECDH_KeyGen, ECDH_ZGen, ECC_Parameters, EC_Ephemeral, ZGen_2Phase and Commit through the typed
 * client on seeded TPMs (tpm2 and tcm2). RSA results are checked against node:crypto's
 * publicEncrypt (OAEP with label, PKCS#1 v1.5, no padding), ECDH points against node's ECDH,
 * and the SM2 key exchange against a host-side implementation of GB/T 32918.3 that first
 * reproduces the standard's example (as BouncyCastle's SM2KeyExchangeTest carries it).
 */
import { constants, createECDH, createHash, publicEncrypt, type ECDH } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import { eccKeyTemplate, rsaKeyTemplate, srkTemplate } from '../../src/client/templates.js';
import { bigintToBytes, bytesToBigint, concatBytes, u16be, u32be } from '../../src/crypto/bytes.js';
import { CURVE_SM2_P256, type Curve } from '../../src/crypto/ecc.js';
import { SM2_TEST_CURVE } from '../../src/crypto/sm2.js';
import { TPM_ALG, TPM_CC, TPM_ECC, TPM_RC, TPM_RH, TPMA_OBJECT as A } from '../../src/gen/constants.js';
import type { TPMS_ECC_POINT, TPMT_PUBLIC, TPMT_RSA_DECRYPT } from '../../src/gen/types.js';
import { createTpm } from '../../src/tpm/engine.js';
import { rcOf, startedTpm, toHex } from '../helpers/tpm.js';
import { nodeRsaPublic } from '../vectors/protocol-fixtures.js';

const P = (n: number) => TPM_RC.P | (n << 8);
const H = (n: number) => TPM_RC.H | (n << 8);
const EMPTY = new Uint8Array(0);
const noCreation = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };
const NULL_RSA: TPMT_RSA_DECRYPT = { scheme: TPM_ALG.NULL, details: null };
const RSAES: TPMT_RSA_DECRYPT = { scheme: TPM_ALG.RSAES, details: {} };
const oaep = (hashAlg: number): TPMT_RSA_DECRYPT => ({ scheme: TPM_ALG.OAEP, details: { hashAlg } });
const LOAD_EXTERNAL = createTpm().profile.commands.has(TPM_CC.LoadExternal);
const NODE_CURVE: Record<number, string> = { [TPM_ECC.NIST_P256]: 'prime256v1', [TPM_ECC.NIST_P384]: 'secp384r1', [TPM_ECC.NIST_P521]: 'secp521r1', [TPM_ECC.SM2_P256]: 'SM2' };
const LABEL = new TextEncoder().encode('vtpm label\0');
const MSG = new TextEncoder().encode('a secret for the TPM');

interface Key {
  handle: number;
  pub: TPMT_PUBLIC;
}

async function primary(client: Client, template: TPMT_PUBLIC, hierarchy: number = TPM_RH.OWNER): Promise<Key> {
  const r = await client.run('CreatePrimary', { primaryHandle: hierarchy, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: template }, ...noCreation });
  return { handle: r.objectHandle, pub: r.outPublic.publicArea };
}

async function child(client: Client, parent: number, template: TPMT_PUBLIC): Promise<Key> {
  const c = await client.run('Create', { parentHandle: parent, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: template }, ...noCreation });
  const l = await client.run('Load', { parentHandle: parent, inPrivate: c.outPrivate, inPublic: c.outPublic });
  return { handle: l.objectHandle, pub: c.outPublic.publicArea };
}

const nodeRsa = (pub: TPMT_PUBLIC) => nodeRsaPublic({ n: bytesToBigint(pub.unique as Uint8Array), e: 65537n });
const pointOf = (key: Key) => key.pub.unique as TPMS_ECC_POINT;
const uncompressed = (p: TPMS_ECC_POINT) => Buffer.concat([Buffer.of(4), p.x, p.y]);

/** A node ECDH key pair's public point in TPM form. */
function hostPoint(e: ECDH, size: number): TPMS_ECC_POINT {
  const pub = e.getPublicKey();
  return { x: new Uint8Array(pub.subarray(1, 1 + size)), y: new Uint8Array(pub.subarray(1 + size)) };
}

function hostKey(curve: number): { ecdh: ECDH; point: TPMS_ECC_POINT; d: bigint } {
  const ecdh = createECDH(NODE_CURVE[curve]);
  ecdh.generateKeys();
  const size = (ecdh.getPublicKey().length - 1) / 2;
  return { ecdh, point: hostPoint(ecdh, size), d: bytesToBigint(ecdh.getPrivateKey()) };
}

const rsaDecrypt = (client: Client, key: Key, cipherText: Uint8Array, inScheme = NULL_RSA, label = EMPTY) =>
  client.run('RSA_Decrypt', { keyHandle: key.handle, cipherText, inScheme, label }).then((r) => r.message);
const rsaEncrypt = (client: Client, key: Key, message: Uint8Array, inScheme = NULL_RSA, label = EMPTY) =>
  client.run('RSA_Encrypt', { keyHandle: key.handle, message, inScheme, label }).then((r) => r.outData);

describe('TPM2_RSA_Encrypt, TPM2_RSA_Decrypt', () => {
  it('node:crypto publicEncrypt (OAEP with label, PKCS#1 v1.5, no padding) decrypts on the TPM', async () => {
    const { client } = await startedTpm();
    const key = await primary(client, rsaKeyTemplate({ usage: 'decrypt' }));
    const nodeKey = nodeRsa(key.pub);
    for (const [hashAlg, name] of [
      [TPM_ALG.SHA1, 'sha1'],
      [TPM_ALG.SHA256, 'sha256'],
      [TPM_ALG.SHA384, 'sha384'],
    ] as const) {
      const ct = publicEncrypt({ key: nodeKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: name, oaepLabel: LABEL }, MSG);
      expect(toHex(await rsaDecrypt(client, key, ct, oaep(hashAlg), LABEL))).toBe(toHex(MSG));
      const noLabel = publicEncrypt({ key: nodeKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: name }, MSG);
      expect(toHex(await rsaDecrypt(client, key, noLabel, oaep(hashAlg)))).toBe(toHex(MSG));
      // The label is part of the padding: another one is a bare TPM_RC_VALUE, as is another hash.
      expect(await rcOf(rsaDecrypt(client, key, ct, oaep(hashAlg)))).toBe(TPM_RC.VALUE);
      expect(await rcOf(rsaDecrypt(client, key, ct, oaep(hashAlg === TPM_ALG.SHA1 ? TPM_ALG.SHA256 : TPM_ALG.SHA1), LABEL))).toBe(TPM_RC.VALUE);
    }
    const pkcs = publicEncrypt({ key: nodeKey, padding: constants.RSA_PKCS1_PADDING }, MSG);
    expect(toHex(await rsaDecrypt(client, key, pkcs, RSAES))).toBe(toHex(MSG));
    const raw = new Uint8Array(256);
    raw.set(MSG, 256 - MSG.length);
    const rawCt = publicEncrypt({ key: nodeKey, padding: constants.RSA_NO_PADDING }, raw);
    expect(toHex(await rsaDecrypt(client, key, rawCt))).toBe(toHex(raw));
    // The PKCS#1 v1.5 block is not OAEP.
    expect(await rcOf(rsaDecrypt(client, key, pkcs, oaep(TPM_ALG.SHA256)))).toBe(TPM_RC.VALUE);
  });

  it('TPM RSA_Encrypt → RSA_Decrypt round trips; raw encryption is m^e mod n as node computes it', async () => {
    const { client } = await startedTpm();
    const srk = await primary(client, srkTemplate({ alg: 'ecc-p256' }));
    const key = await child(client, srk.handle, rsaKeyTemplate({ usage: 'decrypt' }));
    for (const [scheme, label] of [
      [RSAES, EMPTY],
      [oaep(TPM_ALG.SHA256), LABEL],
      [oaep(TPM_ALG.SHA512), EMPTY],
    ] as const) {
      const ct = await rsaEncrypt(client, key, MSG, scheme, label);
      expect(ct.length).toBe(256);
      expect(toHex(await rsaDecrypt(client, key, ct, scheme, label))).toBe(toHex(MSG));
    }
    // NULL: leading zero octets of the message do not count; the output is the modulus size.
    const m = concatBytes(new Uint8Array(3), MSG);
    const ct = await rsaEncrypt(client, key, m);
    const padded = new Uint8Array(256);
    padded.set(MSG, 256 - MSG.length);
    expect(toHex(ct)).toBe(toHex(publicEncrypt({ key: nodeRsa(key.pub), padding: constants.RSA_NO_PADDING }, padded)));
    expect(toHex(await rsaDecrypt(client, key, ct))).toBe(toHex(padded));
  });

  it('the key scheme is used for a NULL inScheme; another scheme or hash is TPM_RC_SCHEME', async () => {
    const { client } = await startedTpm();
    const key = await primary(client, rsaKeyTemplate({ usage: 'decrypt', scheme: TPM_ALG.OAEP, hash: TPM_ALG.SHA256 }));
    const ct = publicEncrypt({ key: nodeRsa(key.pub), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: LABEL }, MSG);
    expect(toHex(await rsaDecrypt(client, key, ct, NULL_RSA, LABEL))).toBe(toHex(MSG));
    expect(toHex(await rsaDecrypt(client, key, ct, oaep(TPM_ALG.SHA256), LABEL))).toBe(toHex(MSG));
    expect(toHex(await rsaDecrypt(client, key, await rsaEncrypt(client, key, MSG, NULL_RSA, LABEL), NULL_RSA, LABEL))).toBe(toHex(MSG));
    expect(await rcOf(rsaDecrypt(client, key, ct, RSAES))).toBe(TPM_RC.SCHEME | P(2));
    expect(await rcOf(rsaDecrypt(client, key, ct, oaep(TPM_ALG.SHA384), LABEL))).toBe(TPM_RC.SCHEME | P(2));
    expect(await rcOf(rsaEncrypt(client, key, MSG, RSAES))).toBe(TPM_RC.SCHEME | P(2));
  });

  it('refusals: key type and attributes, unterminated label, sizes, values and hashes', async () => {
    const { client } = await startedTpm();
    const key = await primary(client, rsaKeyTemplate({ usage: 'decrypt' }));
    const signing = await primary(client, rsaKeyTemplate({}));
    const ecc = await primary(client, eccKeyTemplate({ usage: 'decrypt' }));
    const storage = await primary(client, srkTemplate({ alg: 'rsa2048' }));
    const ct = await rsaEncrypt(client, key, MSG, RSAES);
    expect(await rcOf(rsaEncrypt(client, ecc, MSG))).toBe(TPM_RC.KEY | H(1));
    expect(await rcOf(rsaDecrypt(client, ecc, ct))).toBe(TPM_RC.KEY | H(1));
    expect(await rcOf(rsaEncrypt(client, signing, MSG))).toBe(TPM_RC.ATTRIBUTES | H(1));
    expect(await rcOf(rsaDecrypt(client, signing, ct))).toBe(TPM_RC.ATTRIBUTES | H(1));
    // A restricted decryption key encrypts (its public part is public) but never decrypts.
    const toStorage = await rsaEncrypt(client, storage, MSG, oaep(TPM_ALG.SHA256));
    expect(await rcOf(rsaDecrypt(client, storage, toStorage, oaep(TPM_ALG.SHA256)))).toBe(TPM_RC.ATTRIBUTES | H(1));
    // The label must end in a zero octet.
    const bad = new TextEncoder().encode('label');
    expect(await rcOf(rsaEncrypt(client, key, MSG, oaep(TPM_ALG.SHA256), bad))).toBe(TPM_RC.VALUE | P(3));
    expect(await rcOf(rsaDecrypt(client, key, ct, RSAES, bad))).toBe(TPM_RC.VALUE | P(3));
    // Cipher text: the modulus size, below the modulus (bare TPM_RC_SIZE, as the reference).
    expect(await rcOf(rsaDecrypt(client, key, ct.subarray(1), RSAES))).toBe(TPM_RC.SIZE);
    expect(await rcOf(rsaDecrypt(client, key, new Uint8Array(256).fill(0xff), RSAES))).toBe(TPM_RC.SIZE);
    // Messages too long for the padding or for raw RSA (bare TPM_RC_VALUE); raw, not below n (bare TPM_RC_SIZE).
    expect(await rcOf(rsaEncrypt(client, key, new Uint8Array(246).fill(1), RSAES))).toBe(TPM_RC.VALUE);
    await rsaEncrypt(client, key, new Uint8Array(245).fill(1), RSAES);
    expect(await rcOf(rsaEncrypt(client, key, new Uint8Array(191).fill(1), oaep(TPM_ALG.SHA256)))).toBe(TPM_RC.VALUE);
    await rsaEncrypt(client, key, new Uint8Array(190).fill(1), oaep(TPM_ALG.SHA256));
    expect(await rcOf(rsaEncrypt(client, key, new Uint8Array(257).fill(1)))).toBe(TPM_RC.VALUE);
    expect(await rcOf(rsaEncrypt(client, key, new Uint8Array(256).fill(0xff)))).toBe(TPM_RC.SIZE);
    await rsaEncrypt(client, key, concatBytes(Uint8Array.of(0), new Uint8Array(255).fill(0x11)));
    // OAEP with a hash too large for the modulus: TPM_RC_HASH (RSA-1024 with SHA-512).
    const small = await primary(client, rsaKeyTemplate({ usage: 'decrypt', keyBits: 1024 }));
    expect(await rcOf(rsaEncrypt(client, small, MSG, oaep(TPM_ALG.SHA512)))).toBe(TPM_RC.HASH);
    expect(await rcOf(rsaDecrypt(client, small, new Uint8Array(128).fill(1), oaep(TPM_ALG.SHA512)))).toBe(TPM_RC.VALUE);
  });

  it('tcm2: no RSA, so no RSA_Encrypt / RSA_Decrypt (TPM_RC_COMMAND_CODE)', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const sm2 = await primary(client, eccKeyTemplate({ usage: 'decrypt', curve: TPM_ECC.SM2_P256 }));
    expect(await rcOf(rsaEncrypt(client, sm2, MSG))).toBe(TPM_RC.COMMAND_CODE);
    expect(await rcOf(rsaDecrypt(client, sm2, MSG))).toBe(TPM_RC.COMMAND_CODE);
  });
});

describe('TPM2_ECDH_ZGen, TPM2_ECDH_KeyGen', () => {
  for (const [profile, curves] of [
    ['tpm2', [TPM_ECC.NIST_P256, TPM_ECC.NIST_P384, TPM_ECC.NIST_P521, TPM_ECC.SM2_P256]],
    ['tcm2', [TPM_ECC.SM2_P256]],
  ] as const) {
    it(`ECDH_ZGen equals node's ECDH computeSecret (${profile})`, async () => {
      const { client } = await startedTpm({ profile });
      for (const curve of curves) {
        const key = await primary(client, eccKeyTemplate({ usage: 'decrypt', curve }));
        const host = hostKey(curve);
        const z = (await client.run('ECDH_ZGen', { keyHandle: key.handle, inPoint: { point: host.point } })).outPoint.point;
        expect(toHex(z.x)).toBe(host.ecdh.computeSecret(uncompressed(pointOf(key))).toString('hex'));
        // ECDH_KeyGen: Z = [de]Qs, which the key's owner gets back as [ds]Qe with ECDH_ZGen.
        const gen = await client.run('ECDH_KeyGen', { keyHandle: key.handle });
        const z2 = (await client.run('ECDH_ZGen', { keyHandle: key.handle, inPoint: gen.pubPoint })).outPoint.point;
        expect(toHex(z2.x) + toHex(z2.y)).toBe(toHex(gen.zPoint.point.x) + toHex(gen.zPoint.point.y));
      }
    });
  }

  it.skipIf(!LOAD_EXTERNAL)('ECDH_KeyGen with a node key loaded by its public part: node gets the same Z', async () => {
    const { client } = await startedTpm();
    for (const curve of [TPM_ECC.NIST_P256, TPM_ECC.NIST_P384, TPM_ECC.SM2_P256]) {
      const host = hostKey(curve);
      const pub: TPMT_PUBLIC = {
        ...eccKeyTemplate({ usage: 'decrypt', curve }),
        objectAttributes: A.decrypt | A.userWithAuth,
        unique: host.point,
      };
      const r = await client.run('LoadExternal', { inPrivate: {}, inPublic: { publicArea: pub }, hierarchy: TPM_RH.OWNER });
      const gen = await client.run('ECDH_KeyGen', { keyHandle: r.objectHandle });
      expect(toHex(gen.zPoint.point.x)).toBe(host.ecdh.computeSecret(uncompressed(gen.pubPoint.point)).toString('hex'));
    }
  });

  it('refusals: key type, attributes, scheme, points not on the curve', async () => {
    const { client } = await startedTpm();
    const key = await primary(client, eccKeyTemplate({ usage: 'decrypt' }));
    const host = hostKey(TPM_ECC.NIST_P256);
    const zgen = (k: Key, point: TPMS_ECC_POINT = host.point) => client.run('ECDH_ZGen', { keyHandle: k.handle, inPoint: { point } });
    const rsa = await primary(client, rsaKeyTemplate({ usage: 'decrypt', keyBits: 1024 }));
    expect(await rcOf(zgen(rsa))).toBe(TPM_RC.KEY | H(1));
    expect(await rcOf(client.run('ECDH_KeyGen', { keyHandle: rsa.handle }))).toBe(TPM_RC.KEY | H(1));
    expect(await rcOf(zgen(await primary(client, eccKeyTemplate({}))))).toBe(TPM_RC.ATTRIBUTES | H(1));
    expect(await rcOf(zgen(await primary(client, srkTemplate({ alg: 'ecc-p256' }))))).toBe(TPM_RC.ATTRIBUTES | H(1));
    expect(await rcOf(zgen(await primary(client, eccKeyTemplate({ usage: 'decrypt', scheme: TPM_ALG.SM2 }))))).toBe(TPM_RC.SCHEME | H(1));
    await zgen(await primary(client, eccKeyTemplate({ usage: 'decrypt', scheme: TPM_ALG.ECDH })));
    const off = { x: host.point.x, y: Uint8Array.from(host.point.y, (b, i) => (i === 31 ? b ^ 1 : b)) };
    expect(await rcOf(zgen(key, off))).toBe(TPM_RC.ECC_POINT | P(1));
    expect(await rcOf(zgen(key, { x: new Uint8Array(32), y: new Uint8Array(32) }))).toBe(TPM_RC.ECC_POINT | P(1));
    // A point of another curve.
    expect(await rcOf(zgen(key, hostKey(TPM_ECC.SM2_P256).point))).toBe(TPM_RC.ECC_POINT | P(1));
  });
});

describe('TPM2_ECC_Parameters', () => {
  const P256 = {
    p: 'ffffffff00000001000000000000000000000000ffffffffffffffffffffffff',
    a: 'ffffffff00000001000000000000000000000000fffffffffffffffffffffffc',
    b: '5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b',
    gX: '6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296',
    gY: '4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5',
    n: 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
  };
  const SM2 = {
    p: 'fffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffff',
    a: 'fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc',
    b: '28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93',
    gX: '32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7',
    gY: 'bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0',
    n: 'fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123',
  };

  it('gives the domain parameters of each curve (FIPS 186 / GB/T 32918.5 values; G and n as node has them)', async () => {
    const { client } = await startedTpm();
    for (const [curve, bits, kdfHash, expected] of [
      [TPM_ECC.NIST_P256, 256, TPM_ALG.SHA256, P256],
      [TPM_ECC.NIST_P384, 384, TPM_ALG.SHA384, undefined],
      [TPM_ECC.NIST_P521, 521, TPM_ALG.SHA512, undefined],
      [TPM_ECC.SM2_P256, 256, TPM_ALG.SM3_256, SM2],
    ] as const) {
      const { parameters: d } = await client.run('ECC_Parameters', { curveID: curve });
      expect(d.curveID).toBe(curve);
      expect(d.keySize).toBe(bits);
      expect(d.kdf).toEqual({ scheme: TPM_ALG.KDF1_SP800_56A, details: { hashAlg: kdfHash } });
      expect(d.sign.scheme).toBe(TPM_ALG.NULL);
      expect(toHex(d.h)).toBe('01');
      expect(d.gX.length).toBe(d.p.length);
      expect(d.p.length).toBe(Math.ceil(bits / 8));
      if (expected) {
        for (const f of ['p', 'a', 'b', 'gX', 'gY', 'n'] as const) expect(toHex(d[f])).toBe(expected[f]);
      }
      // node's curve agrees: [1]G = G and [n-1]G = -G = (gX, p - gY).
      const node = createECDH(NODE_CURVE[curve]);
      node.setPrivateKey(Buffer.of(1));
      expect(node.getPublicKey('hex')).toBe('04' + toHex(d.gX) + toHex(d.gY));
      node.setPrivateKey(bigintToBytes(bytesToBigint(d.n) - 1n, d.n.length));
      expect(node.getPublicKey('hex')).toBe('04' + toHex(d.gX) + toHex(bigintToBytes(bytesToBigint(d.p) - bytesToBigint(d.gY), d.p.length)));
    }
  });

  it('an unimplemented curve is refused when the parameter is read (TPM_RC_CURVE)', async () => {
    const { client } = await startedTpm();
    expect(await rcOf(client.run('ECC_Parameters', { curveID: TPM_ECC.BN_P256 }))).toBe(TPM_RC.CURVE | P(1));
    const tcm = await startedTpm({ profile: 'tcm2' });
    expect(await rcOf(tcm.client.run('ECC_Parameters', { curveID: TPM_ECC.NIST_P256 }))).toBe(TPM_RC.CURVE | P(1));
    expect(toHex((await tcm.client.run('ECC_Parameters', { curveID: TPM_ECC.SM2_P256 })).parameters.n)).toBe(SM2.n);
  });
});

// ---------------------------------------------------------------------------------------------
// SM2 key exchange on the host (GB/T 32918.3 "Key exchange protocol"), party B's side.

const sm3 = (...parts: Uint8Array[]) => new Uint8Array(parts.reduce((h, p) => h.update(p), createHash('sm3')).digest());

/** x̄ = 2^w + (x mod 2^w), w = ⌈⌈log2 n⌉/2⌉ − 1 (wDelta shifts w, to show what another w gives). */
function avf(curve: Curve, x: bigint, wDelta = 0): bigint {
  const bit = 1n << BigInt(Math.ceil(curve.n.toString(2).length / 2) - 1 + wDelta);
  return bit + (x & (bit - 1n));
}

function za(curve: Curve, id: string, x: bigint, y: bigint): Uint8Array {
  const idBytes = new TextEncoder().encode(id);
  const b = (v: bigint) => bigintToBytes(v, curve.byteLength);
  return sm3(u16be(idBytes.length * 8), idBytes, b(curve.a), b(curve.b), b(curve.gx), b(curve.gy), b(x), b(y));
}

function sm2Kdf(z: Uint8Array, bytes: number): Uint8Array {
  const out: Uint8Array[] = [];
  for (let ct = 1; out.length * 32 < bytes; ct++) out.push(sm3(z, u32be(ct)));
  return concatBytes(...out).subarray(0, bytes);
}

/** The shared point of one party: [h·t](P_other + [x̄_other]R_other), t = d + x̄_own·r. */
function sm2Shared(curve: Curve, d: bigint, r: bigint, Pother: { x: bigint; y: bigint }, Rother: { x: bigint; y: bigint }, wDelta = 0) {
  const Pt = curve.Point;
  const R = Pt.BASE.multiply(r).toAffine();
  const t = (d + avf(curve, R.x, wDelta) * r) % curve.n;
  const sum = Pt.fromAffine(Pother).add(Pt.fromAffine(Rother).multiply(avf(curve, Rother.x, wDelta)));
  return sum.multiply((curve.h * t) % curve.n).toAffine();
}

const big = (b: Uint8Array) => bytesToBigint(b);
const affine = (p: TPMS_ECC_POINT) => ({ x: big(p.x), y: big(p.y) });

describe('host SM2 key exchange (the oracle for TPM2_ZGen_2Phase)', () => {
  it('reproduces the GB/T 32918.3 example on its Fp-256 test curve (w = 127)', () => {
    const curve = SM2_TEST_CURVE;
    const dA = 0x6fcba2ef9ae0ab902bc3bde3ff915d44ba4cc78f88e2f8e7f8996d3b8cceedeen;
    const rA = 0x83a2c9c8b96e5af70bd480b472409a9a327257f1ebb73f5b073354b248668563n;
    const dB = 0x5e35d7d3f3c54dbac72e61819e730b019a84208ca3a35e4c2e353dfccb2a3b53n;
    const rB = 0x33fe21940342161c55619c4a0c060293d543c80af19748ce176d83477de71c80n;
    const G = curve.Point.BASE;
    const [PA, RA, PB, RB] = [dA, rA, dB, rB].map((k) => G.multiply(k).toAffine());
    const ZA = za(curve, 'ALICE123@YAHOO.COM', PA.x, PA.y);
    const ZB = za(curve, 'BILL456@YAHOO.COM', PB.x, PB.y);
    const key = (p: { x: bigint; y: bigint }) => toHex(sm2Kdf(concatBytes(bigintToBytes(p.x, 32), bigintToBytes(p.y, 32), ZA, ZB), 16));
    const V = sm2Shared(curve, dB, rB, PA, RA);
    const U = sm2Shared(curve, dA, rA, PB, RB);
    expect(key(V)).toBe('55b0ac62a6b927ba23703832c853ded4');
    expect(key(U)).toBe('55b0ac62a6b927ba23703832c853ded4');
    // w = 126 (what the TCG reference computes) does not agree with the standard.
    expect(key(sm2Shared(curve, dB, rB, PA, RA, -1))).not.toBe('55b0ac62a6b927ba23703832c853ded4');
  });
});

describe('TPM2_EC_Ephemeral, TPM2_ZGen_2Phase', () => {
  async function ephemeral(client: Client, curveID: number) {
    return client.run('EC_Ephemeral', { curveID });
  }

  it('ECDH: Z1 = [dsA]QsB and Z2 = [deA]QeB, as node computes them from B\'s side; counters count up', async () => {
    const { client } = await startedTpm();
    for (const curve of [TPM_ECC.NIST_P256, TPM_ECC.NIST_P521]) {
      const keyA = await primary(client, eccKeyTemplate({ usage: 'decrypt', curve }));
      const staticB = hostKey(curve);
      const ephB = hostKey(curve);
      const e1 = await ephemeral(client, curve);
      const e2 = await ephemeral(client, curve);
      expect(e2.counter).toBe(e1.counter + 1);
      expect(toHex(e2.Q.point.x)).not.toBe(toHex(e1.Q.point.x));
      // Counters may be used in any order, each once.
      for (const e of [e2, e1]) {
        const r = await client.run('ZGen_2Phase', { keyA: keyA.handle, inQsB: { point: staticB.point }, inQeB: { point: ephB.point }, inScheme: TPM_ALG.ECDH, counter: e.counter });
        expect(toHex(r.outZ1.point.x)).toBe(staticB.ecdh.computeSecret(uncompressed(pointOf(keyA))).toString('hex'));
        expect(toHex(r.outZ2.point.x)).toBe(ephB.ecdh.computeSecret(uncompressed(e.Q.point)).toString('hex'));
      }
      const again = client.run('ZGen_2Phase', { keyA: keyA.handle, inQsB: { point: staticB.point }, inQeB: { point: ephB.point }, inScheme: TPM_ALG.ECDH, counter: e1.counter });
      expect(await rcOf(again)).toBe(TPM_RC.VALUE | P(4));
    }
  });

  for (const profile of ['tpm2', 'tcm2']) {
    it(`SM2 (${profile}): Z1 is the GB/T 32918.3 shared point U that B computes as V; Z2 is empty`, async () => {
      const { client } = await startedTpm({ profile });
      const curve = CURVE_SM2_P256;
      const keyA = await primary(client, eccKeyTemplate({ usage: 'decrypt', curve: TPM_ECC.SM2_P256, scheme: TPM_ALG.SM2 }));
      for (let i = 0; i < 3; i++) {
        const staticB = hostKey(TPM_ECC.SM2_P256);
        const ephB = hostKey(TPM_ECC.SM2_P256);
        const e = await ephemeral(client, TPM_ECC.SM2_P256);
        const r = await client.run('ZGen_2Phase', { keyA: keyA.handle, inQsB: { point: staticB.point }, inQeB: { point: ephB.point }, inScheme: TPM_ALG.SM2, counter: e.counter });
        const V = sm2Shared(curve, staticB.d, ephB.d, affine(pointOf(keyA)), affine(e.Q.point));
        expect(toHex(r.outZ1.point.x)).toBe(toHex(bigintToBytes(V.x, 32)));
        expect(toHex(r.outZ1.point.y)).toBe(toHex(bigintToBytes(V.y, 32)));
        expect(r.outZ2.point).toEqual({ x: EMPTY, y: EMPTY });
      }
    });
  }

  it('a commitment lives for one TPM Reset cycle: Restart keeps it, Reset forgets it', async () => {
    const { tpm, client } = await startedTpm();
    const keyA = await primary(client, eccKeyTemplate({ usage: 'decrypt' }));
    const host = hostKey(TPM_ECC.NIST_P256);
    const zgen = (counter: number, handle = keyA.handle) => client.run('ZGen_2Phase', { keyA: handle, inQsB: { point: host.point }, inQeB: { point: host.point }, inScheme: TPM_ALG.ECDH, counter });
    const e1 = await ephemeral(client, TPM_ECC.NIST_P256);
    const e2 = await ephemeral(client, TPM_ECC.NIST_P256);
    // Never committed: a counter ahead of the TPM's, or in its range but not given out.
    expect(await rcOf(zgen(e2.counter + 1))).toBe(TPM_RC.VALUE | P(4));
    expect(await rcOf(zgen(e1.counter + 128))).toBe(TPM_RC.VALUE | P(4));
    // Shutdown(STATE) and Startup(STATE) (a TPM Resume) keep the commit state.
    const ctx = await client.run('ContextSave', { saveHandle: keyA.handle });
    await client.shutdown('state');
    tpm.powerOff();
    tpm.powerOn();
    await client.startup('state');
    const reloaded = (await client.run('ContextLoad', { context: ctx.context })).loadedHandle;
    const z = await zgen(e1.counter, reloaded);
    expect(toHex(z.outZ2.point.x)).toBe(host.ecdh.computeSecret(uncompressed(e1.Q.point)).toString('hex'));
    // A TPM Reset starts a new commit state: e2 is gone and counting starts again.
    tpm.powerOff();
    tpm.powerOn();
    await client.startup();
    const keyA2 = await primary(client, eccKeyTemplate({ usage: 'decrypt' }));
    expect(await rcOf(zgen(e2.counter, keyA2.handle))).toBe(TPM_RC.VALUE | P(4));
    const e3 = await ephemeral(client, TPM_ECC.NIST_P256);
    expect(e3.counter).toBe(0);
    expect(toHex(e3.Q.point.x)).not.toBe(toHex(e1.Q.point.x));
    await zgen(e3.counter, keyA2.handle);
  });

  it('refusals: key type, attributes, scheme, points, counter', async () => {
    const { client } = await startedTpm();
    const keyA = await primary(client, eccKeyTemplate({ usage: 'decrypt' }));
    const host = hostKey(TPM_ECC.NIST_P256);
    const e = await ephemeral(client, TPM_ECC.NIST_P256);
    const zgen = (handle: number, inScheme: number = TPM_ALG.ECDH, QsB = host.point, QeB = host.point) =>
      client.run('ZGen_2Phase', { keyA: handle, inQsB: { point: QsB }, inQeB: { point: QeB }, inScheme, counter: e.counter });
    const rsa = await primary(client, rsaKeyTemplate({ usage: 'decrypt', keyBits: 1024 }));
    expect(await rcOf(zgen(rsa.handle))).toBe(TPM_RC.KEY | H(1));
    expect(await rcOf(zgen((await primary(client, eccKeyTemplate({}))).handle))).toBe(TPM_RC.ATTRIBUTES | H(1));
    expect(await rcOf(zgen((await primary(client, srkTemplate({ alg: 'ecc-p256' }))).handle))).toBe(TPM_RC.ATTRIBUTES | H(1));
    const ecdhKey = await primary(client, eccKeyTemplate({ usage: 'decrypt', scheme: TPM_ALG.ECDH }));
    expect(await rcOf(zgen(ecdhKey.handle, TPM_ALG.SM2))).toBe(TPM_RC.SCHEME | P(3));
    // ECMQV is not an algorithm of this profile: the parameter does not unmarshal.
    expect(await rcOf(zgen(keyA.handle, TPM_ALG.ECMQV))).toBe(TPM_RC.SCHEME | P(3));
    const off = { x: host.point.x, y: new Uint8Array(32).fill(1) };
    expect(await rcOf(zgen(keyA.handle, TPM_ALG.ECDH, off))).toBe(TPM_RC.ECC_POINT | P(1));
    expect(await rcOf(zgen(keyA.handle, TPM_ALG.ECDH, host.point, off))).toBe(TPM_RC.ECC_POINT | P(2));
    // None of these used up the commitment.
    await zgen(keyA.handle);
    expect(await rcOf(zgen(keyA.handle))).toBe(TPM_RC.VALUE | P(4));
    expect(await rcOf(ephemeral(client, TPM_ECC.BN_P256))).toBe(TPM_RC.CURVE | P(1));
  });
});

describe('TPM2_Commit', () => {
  it('only a key with an anonymous scheme commits; no ECDAA here, so TPM_RC_SCHEME (TPM_RC_KEY for RSA)', async () => {
    const { client } = await startedTpm();
    const none = { point: { x: EMPTY, y: EMPTY } };
    const commit = (h: number) => client.run('Commit', { signHandle: h, P1: none, s2: EMPTY, y2: EMPTY });
    expect(await rcOf(commit((await primary(client, eccKeyTemplate({}))).handle))).toBe(TPM_RC.SCHEME | H(1));
    expect(await rcOf(commit((await primary(client, eccKeyTemplate({ scheme: TPM_ALG.NULL }))).handle))).toBe(TPM_RC.SCHEME | H(1));
    expect(await rcOf(commit((await primary(client, rsaKeyTemplate({ keyBits: 1024 }))).handle))).toBe(TPM_RC.KEY | H(1));
  });
});
