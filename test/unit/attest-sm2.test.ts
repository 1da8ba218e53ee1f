/**
 * src/attest/sm2.ts: Z_A and the two forms of SM2 signature (GB/T 32918.2-2016). Vectors: the
 * GM/T 0003.5 / GB/T 32918.5 signature example on sm2p256v1 (reference/crypto.md), Z_A
 * recomputed with node:crypto's SM3 from the curve constants; signatures made by sm-crypto in
 * message form (Z_A with the default or a custom ID) and in digest form (as a TPM signs), and
 * by the emulator's SM2 keys (tcm2 profile).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { sm2MessageDigest, sm2PublicPoint, sm2SignatureParts, sm2Za, verifySm2Digest, verifySm2Message } from '../../src/attest/sm2.js';
import { verifyAttestSignature } from '../../src/attest/quote.js';
import { akTemplate, eccKeyTemplate } from '../../src/client/templates.js';
import { utf8 } from '../../src/crypto/bytes.js';
import { TPM_ALG, TPM_ECC, TPM_RH, TPM_ST } from '../../src/gen/constants.js';
import type { TPMS_ECC_POINT, TPMS_SIGNATURE_ECC, TPMT_PUBLIC, TPMT_SIGNATURE } from '../../src/gen/types.js';
import { hex, startedTpm, toHex } from '../helpers/tpm.js';

interface SmCryptoSm2 {
  generateKeyPairHex(): { privateKey: string; publicKey: string };
  doSignature(msg: Uint8Array | string, privateKey: string, opts?: { hash?: boolean; der?: boolean; userId?: string; publicKey?: string }): string;
}
const { sm2: smc } = createRequire(import.meta.url)('sm-crypto') as { sm2: SmCryptoSm2 };
const sm3 = (...parts: Uint8Array[]) => {
  const h = createHash('sm3');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

// GM/T 0003.5-2012 (GB/T 32918.5-2017) example on sm2p256v1, default ID, M = "message digest".
const CURVE = {
  a: hex('FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC'),
  b: hex('28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93'),
  gx: hex('32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7'),
  gy: hex('BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0'),
};
const XA = hex('09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020');
const YA = hex('CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13');
const E = hex('F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640');
const R = hex('F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3');
const S = hex('B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA');
const MSG = utf8('message digest');

/** An SM2 TPMT_PUBLIC with the given point. */
const sm2Public = (x: Uint8Array, y: Uint8Array): TPMT_PUBLIC => ({ ...eccKeyTemplate({ curve: TPM_ECC.SM2_P256 }), unique: { x, y } });
const zaByHand = (id: Uint8Array, x: Uint8Array, y: Uint8Array) => sm3(Uint8Array.of(id.length * 8 >> 8, (id.length * 8) & 0xff), id, CURVE.a, CURVE.b, CURVE.gx, CURVE.gy, x, y);
/** DER SEQUENCE { INTEGER r, INTEGER s } by hand. */
const der = (r: Uint8Array, s: Uint8Array) => {
  const int = (v: Uint8Array) => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    const body = v[i] & 0x80 ? Uint8Array.of(0, ...v.subarray(i)) : v.subarray(i);
    return Uint8Array.of(0x02, body.length, ...body);
  };
  const content = Uint8Array.of(...int(r), ...int(s));
  return Uint8Array.of(0x30, content.length, ...content);
};

describe('sm2Za and message digests (GB/T 32918.2 5.5, 6.1)', () => {
  it('Z_A of the GM/T 0003.5 key matches SM3 over ENTL ‖ ID ‖ a ‖ b ‖ G ‖ P; e = SM3(Z_A ‖ M) is the standard value', () => {
    const id = utf8('1234567812345678');
    const za = sm2Za(sm2Public(XA, YA));
    expect(toHex(za)).toBe(toHex(zaByHand(id, XA, YA)));
    expect(toHex(sm2MessageDigest({ x: XA, y: YA }, MSG))).toBe(toHex(E));
    // Every key form gives the same Z_A; another ID another one.
    for (const key of [{ x: XA, y: YA }, Uint8Array.of(4, ...XA, ...YA), Uint8Array.of(...XA, ...YA), { publicArea: sm2Public(XA, YA) }]) expect(sm2Za(key)).toEqual(za);
    expect(toHex(sm2Za({ x: XA, y: YA }, 'ALICE123@YAHOO.COM'))).toBe(toHex(zaByHand(utf8('ALICE123@YAHOO.COM'), XA, YA)));
    expect(sm2Za({ x: XA, y: YA }, utf8('1234567812345678'))).toEqual(za);
  });

  it('the standard signature verifies as a message signature, and over e as a digest; not over SM3(M)', () => {
    const key = sm2Public(XA, YA);
    const rs = Uint8Array.of(...R, ...S);
    expect(verifySm2Message(key, MSG, rs)).toBe(true);
    expect(verifySm2Message(key, MSG, { r: R, s: S })).toBe(true);
    expect(verifySm2Message(key, MSG, der(R, S))).toBe(true);
    expect(verifySm2Message(key, MSG, { sigAlg: TPM_ALG.SM2, signature: { hash: TPM_ALG.SM3_256, signatureR: R, signatureS: S } })).toBe(true);
    expect(verifySm2Digest(key, E, rs)).toBe(true);
    expect(verifySm2Digest(key, sm3(MSG), rs)).toBe(false);
    expect(verifySm2Message(key, utf8('message digesT'), rs)).toBe(false);
    expect(verifySm2Message(key, MSG, rs, 'another id')).toBe(false);
  });
});

describe('signatures made by sm-crypto', () => {
  const pair = smc.generateKeyPairHex();
  const pub = hex(pair.publicKey); // 04 ‖ x ‖ y
  const key = sm2Public(pub.subarray(1, 33), pub.subarray(33));

  it('message form (doSignature with hash: true, default ID) verifies with verifySm2Message, raw r‖s and DER', () => {
    for (let i = 0; i < 4; i++) {
      const msg = utf8(`message ${i} for the verifier`);
      const rs = hex(smc.doSignature(msg, pair.privateKey, { hash: true, publicKey: pair.publicKey }));
      const d = hex(smc.doSignature(msg, pair.privateKey, { hash: true, der: true, publicKey: pair.publicKey }));
      expect(verifySm2Message(key, msg, rs)).toBe(true);
      expect(verifySm2Message(pub, msg, d)).toBe(true);
      expect(verifySm2Digest(key, sm2MessageDigest(key, msg), rs)).toBe(true);
      // Not a TPM-style signature of SM3(M), nor of another message.
      expect(verifySm2Digest(key, sm3(msg), rs)).toBe(false);
      expect(verifySm2Message(key, utf8(`message ${i + 1} for the verifier`), rs)).toBe(false);
    }
  });

  it('a custom ID (userId) verifies only with that ID', () => {
    const msg = utf8('signed with an ID');
    const rs = hex(smc.doSignature(msg, pair.privateKey, { hash: true, userId: 'alice@example.org', publicKey: pair.publicKey }));
    expect(verifySm2Message(key, msg, rs, 'alice@example.org')).toBe(true);
    expect(verifySm2Message(key, msg, rs)).toBe(false);
  });

  it('digest form (hash: false, as a TPM signs) verifies with verifySm2Digest and not with verifySm2Message', () => {
    for (let i = 0; i < 4; i++) {
      const digest = sm3(utf8(`attestation ${i}`));
      const rs = hex(smc.doSignature(digest, pair.privateKey, { hash: false }));
      expect(verifySm2Digest(key, digest, rs)).toBe(true);
      expect(verifySm2Digest(key, digest, hex(smc.doSignature(digest, pair.privateKey, { hash: false, der: true })))).toBe(true);
      expect(verifySm2Message(key, digest, rs)).toBe(false);
    }
  });

  it('malformed signatures and keys: false for bad values, TypeError for the wrong kind of input', () => {
    const digest = sm3(utf8('x'));
    const rs = hex(smc.doSignature(digest, pair.privateKey, { hash: false }));
    expect(verifySm2Digest(key, digest, rs.subarray(1))).toBe(false);
    const d = der(rs.subarray(0, 32), rs.subarray(32));
    expect(verifySm2Digest(key, digest, Uint8Array.of(...d, 0))).toBe(false);
    // A non-minimal INTEGER is not DER.
    const padded = Uint8Array.of(0x30, d[1] + 1, 0x02, d[3] + 1, 0, ...d.subarray(4));
    expect(sm2SignatureParts(padded)).toBeNull();
    expect(verifySm2Digest(key, digest, padded)).toBe(false);
    expect(verifySm2Digest(key, digest, { r: new Uint8Array(32), s: rs.subarray(32) })).toBe(false);
    // A point off the curve.
    expect(verifySm2Digest({ x: pub.subarray(1, 33), y: pub.subarray(1, 33) }, digest, rs)).toBe(false);
    expect(() => verifySm2Digest(key, digest, { sigAlg: TPM_ALG.ECDSA, signature: { hash: TPM_ALG.SHA256, signatureR: rs, signatureS: rs } } as TPMT_SIGNATURE)).toThrow(/not an SM2 signature/);
    expect(() => sm2PublicPoint(eccKeyTemplate({ curve: TPM_ECC.NIST_P256 }))).toThrow(/not an ECC key on TPM_ECC_SM2_P256/);
  });
});

describe('SM2 signatures of the emulator (tcm2)', () => {
  it('TPM2_Sign signs the digest: verifySm2Digest accepts it, verifySm2Message does not; a quote verifies as TPM-style SM2', async () => {
    const { client } = await startedTpm({ profile: 'tcm2', seed: 'sm2 unit' });
    const noCreation = { outsideInfo: new Uint8Array(0), creationPCR: { pcrSelections: [] } };
    const sensitive = { sensitive: { userAuth: new Uint8Array(0), data: new Uint8Array(0) } };
    const key = await client.run('CreatePrimary', { primaryHandle: TPM_RH.OWNER, inSensitive: sensitive, inPublic: { publicArea: eccKeyTemplate({ curve: TPM_ECC.SM2_P256 }) }, ...noCreation });
    const pubArea = key.outPublic.publicArea;
    const msg = utf8('signed by the TCM');
    // Message-style SM2 through a TPM: the caller computes e = SM3(Z_A ‖ M) and the TPM signs e.
    const e = sm2MessageDigest(pubArea, msg);
    const sig = await client.run('Sign', { keyHandle: key.objectHandle, digest: e, inScheme: { scheme: TPM_ALG.NULL, details: null } as never, validation: { tag: TPM_ST.HASHCHECK, hierarchy: TPM_RH.NULL, digest: new Uint8Array(0) } });
    expect(verifySm2Digest(pubArea, e, sig.signature)).toBe(true);
    expect(verifySm2Message(pubArea, msg, sig.signature)).toBe(true);
    const raw = sm3(msg);
    const sig2 = await client.run('Sign', { keyHandle: key.objectHandle, digest: raw, inScheme: { scheme: TPM_ALG.NULL, details: null } as never, validation: { tag: TPM_ST.HASHCHECK, hierarchy: TPM_RH.NULL, digest: new Uint8Array(0) } });
    expect(verifySm2Digest(pubArea, raw, sig2.signature)).toBe(true);
    expect(verifySm2Message(pubArea, msg, sig2.signature)).toBe(false);
    const { x, y } = pubArea.unique as TPMS_ECC_POINT;
    expect(verifySm2Digest(Uint8Array.of(4, ...x, ...y), raw, sig2.signature.signature as TPMS_SIGNATURE_ECC)).toBe(true);

    // A restricted SM2 AK: the quote's signature is over SM3(TPMS_ATTEST) with no Z_A.
    const ak = await client.run('CreatePrimary', { primaryHandle: TPM_RH.ENDORSEMENT, inSensitive: sensitive, inPublic: { publicArea: akTemplate({ alg: 'sm2-p256' }) }, ...noCreation });
    const q = await client.run('Quote', { signHandle: ak.objectHandle, qualifyingData: utf8('n'), inScheme: { scheme: TPM_ALG.NULL, details: null } as never, PCRselect: { pcrSelections: [] } });
    expect(verifySm2Digest(ak.outPublic.publicArea, sm3(q.quoted), q.signature)).toBe(true);
    expect(verifySm2Message(ak.outPublic.publicArea, q.quoted, q.signature)).toBe(false);
    expect(verifyAttestSignature(ak.outPublic.publicArea, q.quoted, q.signature)).toBe(true);
  });
});
