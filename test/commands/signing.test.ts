/**
 * Part 3 "Signing and Signature Verification": TPM2_Sign and TPM2_VerifySignature through the
 * typed client on seeded TPMs (tpm2 and tcm2 profiles). Every signature the TPM makes is checked
 * with an independent verifier (node:crypto for RSASSA, RSASSA-PSS, ECDSA and HMAC; sm-crypto
 * for SM2 on the raw digest), and TPM2_VerifySignature accepts signatures node:crypto and
 * sm-crypto make with keys brought in by TPM2_LoadExternal.
 */
import { constants, createHash, createHmac, generateKeyPairSync, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import { akTemplate, eccKeyTemplate, keyedHashTemplate, rsaKeyTemplate, srkTemplate, symCipherTemplate, TEMPLATE_ATTRIBUTES } from '../../src/client/templates.js';
import { hashByAlg } from '../../src/crypto/hash.js';
import { rsaPssSaltLength } from '../../src/crypto/rsa.js';
import { TPM_ALG, TPM_CC, TPM_ECC, TPM_RC, TPM_RH, TPM_ST, TPMA_OBJECT as A } from '../../src/gen/constants.js';
import type { TPMS_ECC_POINT, TPMS_SIGNATURE_ECC, TPMS_SIGNATURE_RSA, TPMT_HA, TPMT_PUBLIC, TPMT_SIG_SCHEME, TPMT_SIGNATURE, TPMT_TK_HASHCHECK } from '../../src/gen/types.js';
import { createTpm } from '../../src/tpm/engine.js';
import { contextHash } from '../../src/tpm/properties.js';
import { hex, rcOf, startedTpm, toHex } from '../helpers/tpm.js';
import { nodeEcPublic, nodeRsaPublic } from '../vectors/protocol-fixtures.js';

interface SmCryptoSm2 {
  generateKeyPairHex(): { privateKey: string; publicKey: string };
  doSignature(msg: Uint8Array, privateKey: string, opts?: { hash?: boolean; der?: boolean }): string;
  doVerifySignature(msg: Uint8Array, sig: string, publicKey: string, opts?: { hash?: boolean; der?: boolean }): boolean;
}
const { sm2: smc } = createRequire(import.meta.url)('sm-crypto') as { sm2: SmCryptoSm2 };

const P = (n: number) => TPM_RC.P | (n << 8);
const H = (n: number) => TPM_RC.H | (n << 8);
const EMPTY = new Uint8Array(0);
const NODE_HASH: Record<number, string> = { [TPM_ALG.SHA1]: 'sha1', [TPM_ALG.SHA256]: 'sha256', [TPM_ALG.SHA384]: 'sha384', [TPM_ALG.SHA512]: 'sha512', [TPM_ALG.SM3_256]: 'sm3' };
const MSG = new TextEncoder().encode('vtpm signs this message');
const digestOf = (alg: number, msg: Uint8Array = MSG) => new Uint8Array(createHash(NODE_HASH[alg]).update(msg).digest());
const scheme = (s: number, hashAlg: number): TPMT_SIG_SCHEME => ({ scheme: s, details: { hashAlg } });
const NULL_SCHEME: TPMT_SIG_SCHEME = { scheme: TPM_ALG.NULL, details: null };
const NULL_TICKET: TPMT_TK_HASHCHECK = { tag: TPM_ST.HASHCHECK, hierarchy: TPM_RH.NULL, digest: EMPTY };
const noCreation = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };
const LOAD_EXTERNAL = createTpm().profile.commands.has(TPM_CC.LoadExternal);

interface Key {
  handle: number;
  pub: TPMT_PUBLIC;
  name: Uint8Array;
}

async function primary(client: Client, template: TPMT_PUBLIC, hierarchy: number = TPM_RH.OWNER, data = EMPTY): Promise<Key> {
  const r = await client.run('CreatePrimary', { primaryHandle: hierarchy, inSensitive: { sensitive: { userAuth: EMPTY, data } }, inPublic: { publicArea: template }, ...noCreation });
  return { handle: r.objectHandle, pub: r.outPublic.publicArea, name: r.name };
}

async function child(client: Client, parent: number, template: TPMT_PUBLIC, data = EMPTY): Promise<Key> {
  const c = await client.run('Create', { parentHandle: parent, inSensitive: { sensitive: { userAuth: EMPTY, data } }, inPublic: { publicArea: template }, ...noCreation });
  const l = await client.run('Load', { parentHandle: parent, inPrivate: c.outPrivate, inPublic: c.outPublic });
  return { handle: l.objectHandle, pub: c.outPublic.publicArea, name: l.name };
}

const sign = (client: Client, key: Key, digest: Uint8Array, inScheme = NULL_SCHEME, validation = NULL_TICKET) =>
  client.run('Sign', { keyHandle: key.handle, digest, inScheme, validation });

const verify = (client: Client, key: Key, digest: Uint8Array, signature: TPMT_SIGNATURE) => client.run('VerifySignature', { keyHandle: key.handle, digest, signature });

function nodeRsa(pub: TPMT_PUBLIC): KeyObject {
  return nodeRsaPublic({ n: BigInt('0x' + toHex(pub.unique as Uint8Array)), e: 65537n });
}

function flip(b: Uint8Array, i = b.length - 1): Uint8Array {
  const c = Uint8Array.from(b);
  c[i] ^= 1;
  return c;
}

function corrupt(sig: TPMT_SIGNATURE): TPMT_SIGNATURE {
  const s = sig.signature as TPMS_SIGNATURE_RSA & TPMS_SIGNATURE_ECC & TPMT_HA;
  if (s.sig) return { ...sig, signature: { ...s, sig: flip(s.sig) } };
  if (s.signatureS) return { ...sig, signature: { ...s, signatureS: flip(s.signatureS) } };
  return { ...sig, signature: { ...s, digest: flip(s.digest as Uint8Array) } };
}

/** A node-made key as a public area for TPM2_LoadExternal (unrestricted signing key, scheme NULL). */
function externalPublic(type: 'rsa' | 'ecc', curve: number, jwk: { n?: string; x?: string; y?: string }): TPMT_PUBLIC {
  const b = (v: string) => new Uint8Array(Buffer.from(v, 'base64url'));
  const attrs = A.sign_encrypt | A.userWithAuth;
  if (type === 'rsa') {
    const n = b(jwk.n!);
    return { type: TPM_ALG.RSA, nameAlg: TPM_ALG.SHA256, objectAttributes: attrs, authPolicy: EMPTY, parameters: { symmetric: { algorithm: TPM_ALG.NULL, keyBits: null, mode: null }, scheme: NULL_SCHEME, keyBits: n.length * 8, exponent: 0 }, unique: n } as TPMT_PUBLIC;
  }
  return {
    type: TPM_ALG.ECC,
    nameAlg: curve === TPM_ECC.SM2_P256 ? TPM_ALG.SM3_256 : TPM_ALG.SHA256,
    objectAttributes: attrs,
    authPolicy: EMPTY,
    parameters: { symmetric: { algorithm: TPM_ALG.NULL, keyBits: null, mode: null }, scheme: NULL_SCHEME, curveID: curve, kdf: { scheme: TPM_ALG.NULL, details: null } },
    unique: { x: b(jwk.x!), y: b(jwk.y!) },
  } as TPMT_PUBLIC;
}

async function loadExternal(client: Client, pub: TPMT_PUBLIC, hierarchy: number = TPM_RH.OWNER): Promise<Key> {
  const r = await client.run('LoadExternal', { inPrivate: {}, inPublic: { publicArea: pub }, hierarchy });
  return { handle: r.objectHandle, pub, name: r.name };
}

describe('TPM2_Sign', () => {
  it('RSASSA and RSASSA-PSS with each hash: node:crypto verifies every signature', async () => {
    const { client } = await startedTpm();
    const key = await primary(client, rsaKeyTemplate({ scheme: TPM_ALG.NULL }));
    const nodeKey = nodeRsa(key.pub);
    for (const hashAlg of [TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512]) {
      const digest = digestOf(hashAlg);
      const ssa = (await sign(client, key, digest, scheme(TPM_ALG.RSASSA, hashAlg))).signature;
      expect(ssa.sigAlg).toBe(TPM_ALG.RSASSA);
      const s1 = ssa.signature as TPMS_SIGNATURE_RSA;
      expect(s1.hash).toBe(hashAlg);
      expect(nodeVerify(NODE_HASH[hashAlg], MSG, nodeKey, s1.sig)).toBe(true);
      const pss = (await sign(client, key, digest, scheme(TPM_ALG.RSAPSS, hashAlg))).signature;
      const s2 = pss.signature as TPMS_SIGNATURE_RSA;
      const saltLength = rsaPssSaltLength(hashByAlg(hashAlg)!, 2048);
      expect(saltLength).toBe(digest.length);
      expect(nodeVerify(NODE_HASH[hashAlg], MSG, { key: nodeKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, s2.sig)).toBe(true);
      // The TPM accepts both back.
      expect((await verify(client, key, digest, ssa)).validation.hierarchy).toBe(TPM_RH.OWNER);
      await verify(client, key, digest, pss);
    }
  });

  it('the key scheme is used for a NULL inScheme; an ordinary (Create/Load) key signs too', async () => {
    const { client } = await startedTpm();
    const srk = await primary(client, srkTemplate({ alg: 'ecc-p256' }));
    const key = await child(client, srk.handle, rsaKeyTemplate({ scheme: TPM_ALG.RSAPSS, hash: TPM_ALG.SHA384 }));
    const digest = digestOf(TPM_ALG.SHA384);
    const sig = (await sign(client, key, digest)).signature;
    expect(sig.sigAlg).toBe(TPM_ALG.RSAPSS);
    expect((sig.signature as TPMS_SIGNATURE_RSA).hash).toBe(TPM_ALG.SHA384);
    expect(nodeVerify('sha384', MSG, { key: nodeRsa(key.pub), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 }, (sig.signature as TPMS_SIGNATURE_RSA).sig)).toBe(true);
    // The same scheme given explicitly is accepted.
    await sign(client, key, digest, scheme(TPM_ALG.RSAPSS, TPM_ALG.SHA384));
  });

  it('ECDSA on P-256, P-384 and P-521: node:crypto verifies (IEEE P1363 r ‖ s)', async () => {
    const { client } = await startedTpm();
    for (const [curve, hashAlg] of [
      [TPM_ECC.NIST_P256, TPM_ALG.SHA256],
      [TPM_ECC.NIST_P384, TPM_ALG.SHA384],
      [TPM_ECC.NIST_P521, TPM_ALG.SHA512],
      [TPM_ECC.NIST_P256, TPM_ALG.SHA1],
    ]) {
      const key = await primary(client, eccKeyTemplate({ curve, scheme: TPM_ALG.NULL }));
      const { x, y } = key.pub.unique as TPMS_ECC_POINT;
      const nodeKey = nodeEcPublic(curve, x, y);
      for (let i = 0; i < 3; i++) {
        const msg = Uint8Array.of(...MSG, i);
        const digest = digestOf(hashAlg, msg);
        const sig = (await sign(client, key, digest, scheme(TPM_ALG.ECDSA, hashAlg))).signature;
        const { hash, signatureR: r, signatureS: s } = sig.signature as TPMS_SIGNATURE_ECC;
        expect(hash).toBe(hashAlg);
        expect(r.length).toBe(x.length);
        expect(nodeVerify(NODE_HASH[hashAlg], msg, { key: nodeKey, dsaEncoding: 'ieee-p1363' }, Buffer.concat([r, s]))).toBe(true);
        await verify(client, key, digest, sig);
      }
    }
  });

  it('the same digest twice gives the same ECDSA signature on a seeded TPM (nonce from the seeded DRBG)', async () => {
    const a = await startedTpm({ seed: 'sig seed' });
    const b = await startedTpm({ seed: 'sig seed' });
    const ka = await primary(a.client, eccKeyTemplate({}));
    const kb = await primary(b.client, eccKeyTemplate({}));
    const d = digestOf(TPM_ALG.SHA256);
    expect(await sign(a.client, ka, d)).toEqual(await sign(b.client, kb, d));
  });

  for (const profile of ['tpm2', 'tcm2']) {
    it(`SM2 (${profile}): sm-crypto verifies the signature of the raw digest`, async () => {
      const { client } = await startedTpm({ profile });
      const key = await primary(client, eccKeyTemplate({ curve: TPM_ECC.SM2_P256 }));
      const { x, y } = key.pub.unique as TPMS_ECC_POINT;
      for (let i = 0; i < 3; i++) {
        const digest = digestOf(TPM_ALG.SM3_256, Uint8Array.of(...MSG, i));
        const sig = (await sign(client, key, digest)).signature;
        expect(sig.sigAlg).toBe(TPM_ALG.SM2);
        const { signatureR: r, signatureS: s } = sig.signature as TPMS_SIGNATURE_ECC;
        expect(smc.doVerifySignature(digest, toHex(r) + toHex(s), '04' + toHex(x) + toHex(y), { hash: false })).toBe(true);
        await verify(client, key, digest, sig);
      }
    });
  }

  it('EC-Schnorr and HMAC: the TPM checks its own; an HMAC over caller-supplied key data matches node:crypto', async () => {
    const { client } = await startedTpm();
    const schnorr = await primary(client, eccKeyTemplate({ scheme: TPM_ALG.ECSCHNORR }));
    const d = digestOf(TPM_ALG.SHA256);
    const sig = (await sign(client, schnorr, d)).signature;
    expect(sig.sigAlg).toBe(TPM_ALG.ECSCHNORR);
    await verify(client, schnorr, d, sig);
    expect(await rcOf(verify(client, schnorr, flip(d), sig))).toBe(TPM_RC.SIGNATURE | P(2));

    const hmacKey = new Uint8Array(32).fill(0x5a);
    const template = keyedHashTemplate({ objectAttributes: (TEMPLATE_ATTRIBUTES.key & ~A.sensitiveDataOrigin) | A.sign_encrypt });
    const srk = await primary(client, srkTemplate({ alg: 'ecc-p256' }));
    const key = await child(client, srk.handle, template, hmacKey);
    const mac = (await sign(client, key, d)).signature;
    expect(mac.sigAlg).toBe(TPM_ALG.HMAC);
    expect(toHex((mac.signature as TPMT_HA).digest as Uint8Array)).toBe(createHmac('sha256', hmacKey).update(d).digest('hex'));
    await verify(client, key, d, mac);
    expect(await rcOf(verify(client, key, d, corrupt(mac)))).toBe(TPM_RC.SIGNATURE | P(2));
  });

  it('a restricted key signs only a digest with a hash-check ticket from TPM2_Hash', async () => {
    const { client } = await startedTpm();
    const ak = await primary(client, akTemplate({ alg: 'ecc-p256' }), TPM_RH.ENDORSEMENT);
    const digest = digestOf(TPM_ALG.SHA256);
    expect(await rcOf(sign(client, ak, digest))).toBe(TPM_RC.TICKET | P(3));
    const hashed = await client.run('Hash', { data: MSG, hashAlg: TPM_ALG.SHA256, hierarchy: TPM_RH.OWNER });
    expect(toHex(hashed.outHash)).toBe(toHex(digest));
    const sig = (await sign(client, ak, digest, NULL_SCHEME, hashed.validation)).signature;
    const { x, y } = ak.pub.unique as TPMS_ECC_POINT;
    const { signatureR: r, signatureS: s } = sig.signature as TPMS_SIGNATURE_ECC;
    expect(nodeVerify('sha256', MSG, { key: nodeEcPublic(TPM_ECC.NIST_P256, x, y), dsaEncoding: 'ieee-p1363' }, Buffer.concat([r, s]))).toBe(true);
    // The ticket is for this digest and hash only.
    expect(await rcOf(sign(client, ak, flip(digest), NULL_SCHEME, hashed.validation))).toBe(TPM_RC.TICKET | P(3));
    const other = await client.run('Hash', { data: MSG, hashAlg: TPM_ALG.SHA384, hierarchy: TPM_RH.OWNER });
    expect(await rcOf(sign(client, ak, other.outHash, NULL_SCHEME, other.validation))).toBe(TPM_RC.TICKET | P(3));
    // Data that starts with TPM_GENERATED_VALUE gets the NULL ticket, which a restricted key refuses.
    const forged = await client.run('Hash', { data: Uint8Array.of(0xff, 0x54, 0x43, 0x47, 1, 2), hashAlg: TPM_ALG.SHA256, hierarchy: TPM_RH.OWNER });
    expect(forged.validation.digest.length).toBe(0);
    expect(await rcOf(sign(client, ak, forged.outHash, NULL_SCHEME, forged.validation))).toBe(TPM_RC.TICKET | P(3));
    // An unrestricted key checks a ticket it is given.
    const key = await primary(client, eccKeyTemplate({}));
    await sign(client, key, digest, NULL_SCHEME, hashed.validation);
    expect(await rcOf(sign(client, key, digest, NULL_SCHEME, { ...hashed.validation, digest: flip(hashed.validation.digest) }))).toBe(TPM_RC.TICKET | P(3));
  });

  it('refuses: not a signing key, x509sign, no or a conflicting scheme, a digest of the wrong size', async () => {
    const { client } = await startedTpm();
    const d = digestOf(TPM_ALG.SHA256);
    const decrypt = await primary(client, eccKeyTemplate({ usage: 'decrypt' }));
    expect(await rcOf(sign(client, decrypt, d, scheme(TPM_ALG.ECDSA, TPM_ALG.SHA256)))).toBe(TPM_RC.KEY | H(1));
    const sym = await primary(client, symCipherTemplate({}));
    expect(await rcOf(sign(client, sym, d, scheme(TPM_ALG.HMAC, TPM_ALG.SHA256)))).toBe(TPM_RC.KEY | H(1));
    const x509 = await primary(client, eccKeyTemplate({ objectAttributes: TEMPLATE_ATTRIBUTES.key | A.sign_encrypt | A.x509sign }));
    expect(await rcOf(sign(client, x509, d))).toBe(TPM_RC.ATTRIBUTES | H(1));

    const nullScheme = await primary(client, rsaKeyTemplate({ scheme: TPM_ALG.NULL }));
    expect(await rcOf(sign(client, nullScheme, d))).toBe(TPM_RC.SCHEME | P(2));
    expect(await rcOf(sign(client, nullScheme, d, scheme(TPM_ALG.ECDSA, TPM_ALG.SHA256)))).toBe(TPM_RC.SCHEME | P(2));
    const rsassa = await primary(client, rsaKeyTemplate({}));
    expect(await rcOf(sign(client, rsassa, d, scheme(TPM_ALG.RSAPSS, TPM_ALG.SHA256)))).toBe(TPM_RC.SCHEME | P(2));
    expect(await rcOf(sign(client, rsassa, digestOf(TPM_ALG.SHA384), scheme(TPM_ALG.RSASSA, TPM_ALG.SHA384)))).toBe(TPM_RC.SCHEME | P(2));
    // Without a ticket the digest must be as long as the scheme hash.
    expect(await rcOf(sign(client, rsassa, digestOf(TPM_ALG.SHA1)))).toBe(TPM_RC.SIZE | P(1));
    const ecdsa = await primary(client, eccKeyTemplate({}));
    expect(await rcOf(sign(client, ecdsa, digestOf(TPM_ALG.SHA384)))).toBe(TPM_RC.SIZE | P(1));
    expect(await rcOf(sign(client, ecdsa, EMPTY))).toBe(TPM_RC.SIZE | P(1));
  });
});

describe('TPM2_VerifySignature', () => {
  it('returns a verified ticket of the key hierarchy; the NULL ticket for a TPM_RH_NULL key', async () => {
    const { tpm, client } = await startedTpm();
    const d = digestOf(TPM_ALG.SHA256);
    const owner = await primary(client, eccKeyTemplate({}));
    const sig = (await sign(client, owner, d)).signature;
    const t1 = (await verify(client, owner, d, sig)).validation;
    expect(t1.tag).toBe(TPM_ST.VERIFIED);
    expect(t1.hierarchy).toBe(TPM_RH.OWNER);
    expect(t1.digest.length).toBe(contextHash(tpm.profile).digestSize);
    // Deterministic in (proof, digest, Name): the same again; another digest, another ticket.
    expect(toHex((await verify(client, owner, d, sig)).validation.digest)).toBe(toHex(t1.digest));
    const d2 = digestOf(TPM_ALG.SHA256, Uint8Array.of(1));
    const t2 = (await verify(client, owner, d2, (await sign(client, owner, d2)).signature)).validation;
    expect(toHex(t2.digest)).not.toBe(toHex(t1.digest));
    const endorsement = await primary(client, eccKeyTemplate({}), TPM_RH.ENDORSEMENT);
    const te = (await verify(client, endorsement, d, (await sign(client, endorsement, d)).signature)).validation;
    expect(te.hierarchy).toBe(TPM_RH.ENDORSEMENT);
    expect(toHex(te.digest)).not.toBe(toHex(t1.digest));
    const nullKey = await primary(client, eccKeyTemplate({}), TPM_RH.NULL);
    const tn = (await verify(client, nullKey, d, (await sign(client, nullKey, d)).signature)).validation;
    expect(tn).toEqual({ tag: TPM_ST.VERIFIED, hierarchy: TPM_RH.NULL, digest: EMPTY });
  });

  it('refuses a changed signature or digest (TPM_RC_SIGNATURE), a signature of another key type (TPM_RC_SCHEME), a non-signing key', async () => {
    const { client } = await startedTpm();
    const d = digestOf(TPM_ALG.SHA256);
    const rsa = await primary(client, rsaKeyTemplate({}));
    const ecc = await primary(client, eccKeyTemplate({}));
    const rsaSig = (await sign(client, rsa, d)).signature;
    const eccSig = (await sign(client, ecc, d)).signature;
    expect(await rcOf(verify(client, rsa, d, corrupt(rsaSig)))).toBe(TPM_RC.SIGNATURE | P(2));
    expect(await rcOf(verify(client, ecc, d, corrupt(eccSig)))).toBe(TPM_RC.SIGNATURE | P(2));
    expect(await rcOf(verify(client, ecc, flip(d), eccSig))).toBe(TPM_RC.SIGNATURE | P(2));
    expect(await rcOf(verify(client, rsa, d, { ...rsaSig, signature: { ...(rsaSig.signature as TPMS_SIGNATURE_RSA), hash: TPM_ALG.SHA384 } }))).toBe(TPM_RC.SIGNATURE | P(2));
    expect(await rcOf(verify(client, rsa, d, eccSig))).toBe(TPM_RC.SCHEME | P(2));
    expect(await rcOf(verify(client, ecc, d, rsaSig))).toBe(TPM_RC.SCHEME | P(2));
    const decrypt = await primary(client, eccKeyTemplate({ usage: 'decrypt' }));
    expect(await rcOf(verify(client, decrypt, d, eccSig))).toBe(TPM_RC.ATTRIBUTES | H(1));
  });

  it.skipIf(!LOAD_EXTERNAL)('accepts signatures node:crypto makes (RSASSA, RSASSA-PSS any salt, ECDSA P-256/384/521), loaded with TPM2_LoadExternal', async () => {
    const { client } = await startedTpm();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = await loadExternal(client, externalPublic('rsa', 0, rsa.publicKey.export({ format: 'jwk' })));
    for (const hashAlg of [TPM_ALG.SHA256, TPM_ALG.SHA512]) {
      const d = digestOf(hashAlg);
      const ssa = new Uint8Array(nodeSign(NODE_HASH[hashAlg], MSG, rsa.privateKey));
      const t = (await verify(client, key, d, { sigAlg: TPM_ALG.RSASSA, signature: { hash: hashAlg, sig: ssa } })).validation;
      expect(t.hierarchy).toBe(TPM_RH.OWNER);
      for (const saltLength of [0, 20, constants.RSA_PSS_SALTLEN_MAX_SIGN]) {
        const pss = new Uint8Array(nodeSign(NODE_HASH[hashAlg], MSG, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }));
        await verify(client, key, d, { sigAlg: TPM_ALG.RSAPSS, signature: { hash: hashAlg, sig: pss } });
      }
      expect(await rcOf(verify(client, key, flip(d), { sigAlg: TPM_ALG.RSASSA, signature: { hash: hashAlg, sig: ssa } }))).toBe(TPM_RC.SIGNATURE | P(2));
    }
    for (const [curve, namedCurve, hashAlg] of [
      [TPM_ECC.NIST_P256, 'P-256', TPM_ALG.SHA256],
      [TPM_ECC.NIST_P384, 'P-384', TPM_ALG.SHA384],
      [TPM_ECC.NIST_P521, 'P-521', TPM_ALG.SHA512],
    ] as const) {
      const pair = generateKeyPairSync('ec', { namedCurve });
      const k = await loadExternal(client, externalPublic('ecc', curve, pair.publicKey.export({ format: 'jwk' })));
      const sig = new Uint8Array(nodeSign(NODE_HASH[hashAlg], MSG, { key: pair.privateKey, dsaEncoding: 'ieee-p1363' }));
      const half = sig.length / 2;
      const signature: TPMT_SIGNATURE = { sigAlg: TPM_ALG.ECDSA, signature: { hash: hashAlg, signatureR: sig.subarray(0, half), signatureS: sig.subarray(half) } };
      await verify(client, k, digestOf(hashAlg), signature);
      expect(await rcOf(verify(client, k, digestOf(hashAlg), corrupt(signature)))).toBe(TPM_RC.SIGNATURE | P(2));
      // A public-only key verifies but cannot sign (its authValue is not available).
      expect(await rcOf(sign(client, k, digestOf(hashAlg)))).toBe(TPM_RC.AUTH_UNAVAILABLE);
    }
  });

  for (const profile of ['tpm2', 'tcm2']) {
    it.skipIf(!LOAD_EXTERNAL)(`accepts SM2 signatures sm-crypto makes on the raw digest (${profile})`, async () => {
      const { client } = await startedTpm({ profile });
      const pair = smc.generateKeyPairHex();
      expect(pair.publicKey.length).toBe(130); // 04 ‖ x ‖ y
      const b64u = (h: string) => Buffer.from(h, 'hex').toString('base64url');
      const pub = externalPublic('ecc', TPM_ECC.SM2_P256, { x: b64u(pair.publicKey.slice(2, 66)), y: b64u(pair.publicKey.slice(66)) });
      const key = await loadExternal(client, pub);
      for (let i = 0; i < 3; i++) {
        const d = digestOf(TPM_ALG.SM3_256, Uint8Array.of(...MSG, i));
        const rs = hex(smc.doSignature(d, pair.privateKey, { hash: false }));
        const signature: TPMT_SIGNATURE = { sigAlg: TPM_ALG.SM2, signature: { hash: TPM_ALG.SM3_256, signatureR: rs.subarray(0, 32), signatureS: rs.subarray(32) } };
        expect((await verify(client, key, d, signature)).validation.hierarchy).toBe(TPM_RH.OWNER);
        expect(await rcOf(verify(client, key, flip(d), signature))).toBe(TPM_RC.SIGNATURE | P(2));
      }
    });
  }

  it.skipIf(!LOAD_EXTERNAL)('an HMAC key without its sensitive area cannot verify (TPM_RC_HANDLE)', async () => {
    const { client } = await startedTpm();
    const unique = new Uint8Array(32).fill(3);
    const pub = { ...keyedHashTemplate({ objectAttributes: A.sign_encrypt | A.userWithAuth }), unique };
    const key = await loadExternal(client, pub);
    const signature: TPMT_SIGNATURE = { sigAlg: TPM_ALG.HMAC, signature: { hashAlg: TPM_ALG.SHA256, digest: new Uint8Array(32) } };
    expect(await rcOf(verify(client, key, digestOf(TPM_ALG.SHA256), signature))).toBe(TPM_RC.HANDLE | P(2));
  });
});
