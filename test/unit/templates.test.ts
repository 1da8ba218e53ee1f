/**
 * Key templates (src/client/templates.ts): the EK policy digests recomputed from their
 * definitions (TCG EK Credential Profile "EK Policies"; TPM 2.0 Part 3 TPM2_PolicySecret,
 * TPM2_PolicyAuthorizeNV, TPM2_PolicyOR), the templates' fields against the specs, and every
 * template accepted by the emulator's strict, profile-narrowed codec.
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, u16be, u32be } from '../../src/crypto/bytes.js';
import { hashByAlg, type HashAlgorithm } from '../../src/crypto/hash.js';
import { TPM_ALG, TPM_CC, TPM_ECC, TPM_RH, TPMA_OBJECT } from '../../src/gen/constants.js';
import { DEFAULT_LIMITS, SCHEMA } from '../../src/gen/schemas.js';
import type { TPMS_ECC_PARMS, TPMS_RSA_PARMS, TPMT_PUBLIC } from '../../src/gen/types.js';
import { createCodec } from '../../src/wire/codec.js';
import { createTpm } from '../../src/tpm/engine.js';
import { startedTpm } from '../helpers/tpm.js';
import {
  EK_TEMPLATES,
  TEMPLATE_ATTRIBUTES,
  akTemplate,
  eccKeyTemplate,
  ekPolicyA,
  ekPolicyB,
  ekPolicyC,
  ekPolicyIndexPublic,
  ekTemplate,
  iakPolicy,
  iakTemplate,
  idevidPolicy,
  idevidTemplate,
  isEccPoint,
  keyedHashTemplate,
  rsaKeyTemplate,
  sealedDataTemplate,
  srkTemplate,
  symCipherTemplate,
  tpm2ToolsPrimaryTemplate,
  type EkTemplateId,
  type KeyAlg,
} from '../../src/client/templates.js';

const codec = createCodec({ schema: SCHEMA, limits: DEFAULT_LIMITS, strict: false });
const HASHES = [TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512, TPM_ALG.SM3_256];
const H = (alg: number): HashAlgorithm => hashByAlg(alg)!;

// Part 3 "TPM2_PolicySecret": PolicyUpdate(TPM_CC_PolicySecret, authObject.name, policyRef), i.e.
// d = H(d ‖ TPM_CC_PolicySecret ‖ name); d = H(d ‖ policyRef). A permanent handle's Name is the handle.
function policySecret(h: HashAlgorithm, digest: Uint8Array, name: Uint8Array, policyRef = new Uint8Array(0)): Uint8Array {
  return h.digest(h.digest(digest, u32be(TPM_CC.PolicySecret), name), policyRef);
}
// Part 3 "TPM2_PolicyAuthorizeNV": d = H(d ‖ TPM_CC_PolicyAuthorizeNV ‖ nvIndex.name).
function policyAuthorizeNV(h: HashAlgorithm, digest: Uint8Array, nvName: Uint8Array): Uint8Array {
  return h.digest(digest, u32be(TPM_CC.PolicyAuthorizeNV), nvName);
}
// Part 3 "TPM2_PolicyOR": d = H(0…0 ‖ TPM_CC_PolicyOR ‖ digests).
function policyOR(h: HashAlgorithm, ...digests: Uint8Array[]): Uint8Array {
  return h.digest(new Uint8Array(h.digestSize), u32be(TPM_CC.PolicyOR), ...digests);
}
// Part 1 "Names": an NV index's Name is nameAlg ‖ H(TPMS_NV_PUBLIC).
function nvName(h: HashAlgorithm, alg: number): Uint8Array {
  return concatBytes(u16be(alg), h.digest(codec.encode('TPMS_NV_PUBLIC', ekPolicyIndexPublic(alg))));
}

describe('EK Credential Profile policies, recomputed', () => {
  it.each(HASHES)('PolicyA = PolicySecret(TPM_RH_ENDORSEMENT) (TPM_ALG_ID %i)', (alg) => {
    const h = H(alg);
    expect(bytesToHex(policySecret(h, new Uint8Array(h.digestSize), u32be(TPM_RH.ENDORSEMENT)))).toBe(bytesToHex(ekPolicyA(alg)));
  });

  it('the policy indices I-1..I-3 have the Names the profile tabulates', () => {
    // "Computing Policy Index Names" table, as carried in IBM's TSS regression scripts (ekutils tests).
    expect(bytesToHex(nvName(H(TPM_ALG.SHA256), TPM_ALG.SHA256))).toBe('000b0c9d717e9c3fe69fda41769450bb145957f8b3610e084dbf65591a5d11ecd83f');
    expect(bytesToHex(nvName(H(TPM_ALG.SHA384), TPM_ALG.SHA384))).toBe(
      '000cdb62fca346612c976732ff4e8621fb4e858be82586486504f7d02e621f8d7d61ae32cfc60c4d120609ed6768afcf090c',
    );
    expect(bytesToHex(nvName(H(TPM_ALG.SHA512), TPM_ALG.SHA512))).toBe(
      '000d1c47c0bbcbd3cf7d7cae6987d31937c171015dde3b7f0d3c869bca1f7e8a223b9acfadb49b7c9cf14d450f41e9327de34d9291eece2c58ab1dc10e9059cce560',
    );
    expect(ekPolicyIndexPublic(TPM_ALG.SHA256).attributes).toBe(0x220f1008);
    expect(ekPolicyIndexPublic(TPM_ALG.SM3_256)).toMatchObject({ nvIndex: 0x01c07f04, dataSize: 34 });
  });

  it.each(HASHES)('PolicyC = PolicyAuthorizeNV(I-n) and PolicyB = PolicyOR(PolicyA, PolicyC) (TPM_ALG_ID %i)', (alg) => {
    const h = H(alg);
    const c = policyAuthorizeNV(h, new Uint8Array(h.digestSize), nvName(h, alg));
    expect(bytesToHex(c)).toBe(bytesToHex(ekPolicyC(alg)));
    expect(bytesToHex(policyOR(h, ekPolicyA(alg), c))).toBe(bytesToHex(ekPolicyB(alg)));
  });

  it('returns copies and refuses hashes without a published policy', () => {
    ekPolicyA()[0] ^= 1;
    expect(ekPolicyA()[0]).toBe(0x83);
    expect(() => ekPolicyA(TPM_ALG.SHA1)).toThrow(/no EK PolicyA/);
    expect(() => iakPolicy(TPM_ALG.SM3_256)).toThrow(/no IAK policy/);
    expect(iakPolicy(TPM_ALG.SHA384)).toHaveLength(48);
    expect(idevidPolicy(TPM_ALG.SHA512)).toHaveLength(64);
  });
});

const rsa = (t: TPMT_PUBLIC) => t.parameters as TPMS_RSA_PARMS;
const ecc = (t: TPMT_PUBLIC) => t.parameters as TPMS_ECC_PARMS;

describe('EK templates', () => {
  it('L-1 encodes as the profile\'s default RSA EK template', () => {
    const bytes = codec.encode('TPMT_PUBLIC', ekTemplate('L-1'));
    const head = '0001000b000300b20020837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa' + '00060080004300100800000000000100';
    expect(bytesToHex(bytes)).toBe(head + '00'.repeat(256));
  });

  it('L-2 has 32-octet zero x and y; the high range has empty unique, userWithAuth and PolicyB', () => {
    const l2 = ekTemplate('L-2');
    expect(l2.unique).toEqual({ x: new Uint8Array(32), y: new Uint8Array(32) });
    expect(l2.objectAttributes).toBe(0x000300b2);
    const expected: Record<string, [number, number, number, number, number]> = {
      // id: type, nameAlg, key bits or curve, sym algorithm, sym bits
      'H-1': [TPM_ALG.RSA, TPM_ALG.SHA256, 2048, TPM_ALG.AES, 128],
      'H-2': [TPM_ALG.ECC, TPM_ALG.SHA256, TPM_ECC.NIST_P256, TPM_ALG.AES, 128],
      'H-3': [TPM_ALG.ECC, TPM_ALG.SHA384, TPM_ECC.NIST_P384, TPM_ALG.AES, 256],
      'H-4': [TPM_ALG.ECC, TPM_ALG.SHA512, TPM_ECC.NIST_P521, TPM_ALG.AES, 256],
      'H-5': [TPM_ALG.ECC, TPM_ALG.SM3_256, TPM_ECC.SM2_P256, TPM_ALG.SM4, 128],
      'H-6': [TPM_ALG.RSA, TPM_ALG.SHA384, 3072, TPM_ALG.AES, 256],
      'H-7': [TPM_ALG.RSA, TPM_ALG.SHA384, 4096, TPM_ALG.AES, 256],
    };
    for (const [id, [type, nameAlg, size, symAlg, symBits]] of Object.entries(expected)) {
      const t = ekTemplate(id as EkTemplateId);
      expect(t.type, id).toBe(type);
      expect(t.nameAlg, id).toBe(nameAlg);
      expect(t.objectAttributes, id).toBe(0x000300f2);
      expect(bytesToHex(t.authPolicy), id).toBe(bytesToHex(ekPolicyB(nameAlg)));
      const p = t.parameters as TPMS_RSA_PARMS & TPMS_ECC_PARMS;
      expect(p.symmetric, id).toEqual({ algorithm: symAlg, keyBits: symBits, mode: TPM_ALG.CFB });
      expect(p.scheme, id).toEqual({ scheme: TPM_ALG.NULL, details: null });
      if (type === TPM_ALG.RSA) {
        expect([p.keyBits, p.exponent, t.unique], id).toEqual([size, 0, new Uint8Array(0)]);
      } else {
        expect([p.curveID, p.kdf.scheme, t.unique], id).toEqual([size, TPM_ALG.NULL, { x: new Uint8Array(0), y: new Uint8Array(0) }]);
      }
    }
    expect(EK_TEMPLATES['H-5'].certIndex).toBe(0x01c0001a);
  });

  it('places a low-range nonce at the start of the zero-filled unique; unique can be chosen', () => {
    const l1 = ekTemplate('L-1', { nonce: Uint8Array.of(1, 2, 3) });
    expect((l1.unique as Uint8Array).subarray(0, 4)).toEqual(Uint8Array.of(1, 2, 3, 0));
    expect(l1.unique).toHaveLength(256);
    const l2 = ekTemplate('L-2', { nonce: Uint8Array.of(9) });
    expect(l2.unique).toEqual({ x: Uint8Array.of(9, ...new Uint8Array(31)), y: new Uint8Array(32) });
    expect(() => ekTemplate('H-1', { nonce: Uint8Array.of(1) })).toThrow(/low range/);
    expect(ekTemplate('H-1', { unique: 'zero' }).unique).toEqual(new Uint8Array(256));
    expect(ekTemplate('H-4', { unique: 'zero' }).unique).toEqual({ x: new Uint8Array(66), y: new Uint8Array(66) });
    expect(ekTemplate('L-1', { unique: 'empty' }).unique).toEqual(new Uint8Array(0));
    expect(() => ekTemplate('X-9' as EkTemplateId)).toThrow(/unknown EK template/);
  });
});

describe('storage, attestation and general templates', () => {
  it('SRK: Provisioning Guidance attributes, zero unique by default, SM2/SM4/SM3 for the TCM', () => {
    const r = srkTemplate();
    expect(r.objectAttributes).toBe(TPMA_OBJECT.fixedTPM | TPMA_OBJECT.fixedParent | TPMA_OBJECT.sensitiveDataOrigin | TPMA_OBJECT.userWithAuth | TPMA_OBJECT.noDA | TPMA_OBJECT.restricted | TPMA_OBJECT.decrypt);
    expect(r.objectAttributes).toBe(0x00030472);
    expect(r.unique).toEqual(new Uint8Array(256));
    expect(rsa(r).symmetric).toEqual({ algorithm: TPM_ALG.AES, keyBits: 128, mode: TPM_ALG.CFB });
    const e = srkTemplate({ alg: 'ecc-p256' });
    expect([e.nameAlg, ecc(e).curveID, e.unique]).toEqual([TPM_ALG.SHA256, TPM_ECC.NIST_P256, { x: new Uint8Array(32), y: new Uint8Array(32) }]);
    const s = srkTemplate({ alg: 'sm2-p256' });
    expect([s.nameAlg, ecc(s).curveID, ecc(s).symmetric]).toEqual([TPM_ALG.SM3_256, TPM_ECC.SM2_P256, { algorithm: TPM_ALG.SM4, keyBits: 128, mode: TPM_ALG.CFB }]);
    expect(srkTemplate({ unique: 'empty' }).unique).toEqual(new Uint8Array(0));
    expect(srkTemplate({ noDA: false }).objectAttributes).toBe(TEMPLATE_ATTRIBUTES.tpm2ToolsPrimary);
    expect(() => srkTemplate({ alg: 'dsa' as KeyAlg })).toThrow(/unknown key algorithm/);
  });

  it('AK: tpm2_createak defaults; IAK and IDevID per the Device Identity spec', () => {
    const a = akTemplate();
    expect(bytesToHex(codec.encode('TPMT_PUBLIC', a))).toBe('0001000b00050072000000100014000b0800000000000000');
    expect(ecc(akTemplate({ alg: 'ecc-p256' })).scheme).toEqual({ scheme: TPM_ALG.ECDSA, details: { hashAlg: TPM_ALG.SHA256 } });
    const sm2 = akTemplate({ alg: 'sm2-p256' });
    expect([sm2.nameAlg, ecc(sm2).scheme]).toEqual([TPM_ALG.SM3_256, { scheme: TPM_ALG.SM2, details: { hashAlg: TPM_ALG.SM3_256 } }]);

    const iak = iakTemplate();
    expect(iak.objectAttributes).toBe(0x000500f2);
    expect(bytesToHex(iak.authPolicy)).toBe('5437182326e414fca797d5f174615a1641f61255797c3a2b22c21d120b2d1e07');
    expect(rsa(iak).scheme).toEqual({ scheme: TPM_ALG.RSAPSS, details: { hashAlg: TPM_ALG.SHA256 } });
    expect(iak.unique).toEqual(Uint8Array.of(0x49, 0x41, 0x4b));
    const iak384 = iakTemplate({ alg: 'ecc-p384' });
    expect([iak384.nameAlg, ecc(iak384).scheme.details, iak384.unique]).toEqual([
      TPM_ALG.SHA384,
      { hashAlg: TPM_ALG.SHA384 },
      { x: Uint8Array.of(0x49, 0x41, 0x4b), y: new Uint8Array(0) },
    ]);
    const idevid = idevidTemplate({ alg: 'ecc-p521' });
    expect([idevid.objectAttributes, idevid.nameAlg, bytesToHex(idevid.authPolicy)]).toEqual([0x000400f2, TPM_ALG.SHA512, bytesToHex(idevidPolicy(TPM_ALG.SHA512))]);
    expect(rsa(idevidTemplate()).scheme.scheme).toBe(TPM_ALG.NULL);
    expect(() => iakTemplate({ alg: 'sm2-p256' })).toThrow(/authPolicy/);
    const iakSm2 = iakTemplate({ alg: 'sm2-p256', authPolicy: new Uint8Array(32).fill(7) });
    expect(ecc(iakSm2).scheme).toEqual({ scheme: TPM_ALG.SM2, details: { hashAlg: TPM_ALG.SM3_256 } });
  });

  it('general keys: usage bits, schemes, sealed data and symmetric keys', () => {
    expect(rsaKeyTemplate().objectAttributes).toBe(0x00040072);
    expect(rsa(rsaKeyTemplate({ usage: 'decrypt', scheme: TPM_ALG.OAEP, hash: TPM_ALG.SHA384 })).scheme).toEqual({ scheme: TPM_ALG.OAEP, details: { hashAlg: TPM_ALG.SHA384 } });
    expect(rsa(rsaKeyTemplate({ usage: 'decrypt', scheme: TPM_ALG.RSAES })).scheme).toEqual({ scheme: TPM_ALG.RSAES, details: {} });
    expect(rsaKeyTemplate({ usage: 'sign-decrypt', noDA: true }).objectAttributes).toBe(0x00060472);
    expect(ecc(eccKeyTemplate({ curve: TPM_ECC.SM2_P256 })).scheme).toEqual({ scheme: TPM_ALG.SM2, details: { hashAlg: TPM_ALG.SM3_256 } });
    expect(ecc(eccKeyTemplate({ scheme: TPM_ALG.ECDAA, count: 3 })).scheme.details).toEqual({ hashAlg: TPM_ALG.SHA256, count: 3 });
    expect(ecc(eccKeyTemplate({ usage: 'decrypt' })).scheme.scheme).toBe(TPM_ALG.NULL);
    expect(keyedHashTemplate({ hash: TPM_ALG.SHA384 }).parameters).toEqual({ scheme: { scheme: TPM_ALG.HMAC, details: { hashAlg: TPM_ALG.SHA384 } } });
    expect(sealedDataTemplate().objectAttributes).toBe(0x52);
    expect(sealedDataTemplate({ authPolicy: new Uint8Array(32) }).objectAttributes).toBe(0x12);
    expect(sealedDataTemplate({ authPolicy: new Uint8Array(32), userWithAuth: true }).objectAttributes).toBe(0x52);
    expect(symCipherTemplate({ algorithm: TPM_ALG.SM4 }).parameters).toEqual({ sym: { algorithm: TPM_ALG.SM4, keyBits: 128, mode: TPM_ALG.CFB } });
    expect(symCipherTemplate().objectAttributes).toBe(0x00060072);
    expect(() => eccKeyTemplate({ curve: 0x99 })).toThrow(/unknown curve/);
    expect(() => rsaKeyTemplate({ usage: 'wrap' as never })).toThrow(/unknown key usage/);
  });

  it('every call returns an independent object', () => {
    const a = ekTemplate('L-1');
    (a.unique as Uint8Array)[0] = 1;
    a.authPolicy[0] = 0;
    const b = ekTemplate('L-1');
    expect((b.unique as Uint8Array)[0]).toBe(0);
    expect(b.authPolicy[0]).toBe(0x83);
    const u = Uint8Array.of(5);
    const k = keyedHashTemplate({ unique: u });
    u[0] = 6;
    expect(k.unique).toEqual(Uint8Array.of(5));
    const point = srkTemplate({ alg: 'ecc-p256' }).unique;
    expect(isEccPoint(point)).toBe(true);
  });
});

describe('strict decoding by the emulator profiles', () => {
  const ALGS: KeyAlg[] = ['rsa2048', 'rsa3072', 'rsa4096', 'ecc-p256', 'ecc-p384', 'ecc-p521', 'sm2-p256'];
  const all: [string, TPMT_PUBLIC][] = [
    ...(Object.keys(EK_TEMPLATES) as EkTemplateId[]).map((id): [string, TPMT_PUBLIC] => [`EK ${id}`, ekTemplate(id)]),
    ...ALGS.map((alg): [string, TPMT_PUBLIC] => [`SRK ${alg}`, srkTemplate({ alg })]),
    ...ALGS.map((alg): [string, TPMT_PUBLIC] => [`AK ${alg}`, akTemplate({ alg })]),
    ...ALGS.filter((a) => a !== 'sm2-p256').flatMap((alg): [string, TPMT_PUBLIC][] => [
      [`IAK ${alg}`, iakTemplate({ alg })],
      [`IDevID ${alg}`, idevidTemplate({ alg })],
    ]),
    ['IAK sm2', iakTemplate({ alg: 'sm2-p256', authPolicy: new Uint8Array(32) })],
    ...(['rsa', 'ecc', 'keyedhash', 'symcipher'] as const).map((t): [string, TPMT_PUBLIC] => [`tpm2-tools ${t}`, tpm2ToolsPrimaryTemplate(t)]),
    ['RSA OAEP', rsaKeyTemplate({ usage: 'decrypt', scheme: TPM_ALG.OAEP })],
    ['RSA PSS 3072', rsaKeyTemplate({ keyBits: 3072, scheme: TPM_ALG.RSAPSS })],
    ['ECC ECDH', eccKeyTemplate({ usage: 'decrypt', scheme: TPM_ALG.ECDH })],
    ['ECC SM2', eccKeyTemplate({ curve: TPM_ECC.SM2_P256 })],
    ['HMAC', keyedHashTemplate()],
    ['sealed', sealedDataTemplate()],
    ['AES', symCipherTemplate()],
    ['SM4', symCipherTemplate({ algorithm: TPM_ALG.SM4, nameAlg: TPM_ALG.SM3_256 })],
  ];
  const tpm2 = createTpm({ profile: 'tpm2' }).profile.codec;
  const tcm2 = createTpm({ profile: 'tcm2' }).profile.codec;

  it.each(all)('%s decodes strictly (tpm2 profile) to the same value', (_name, t) => {
    const bytes = codec.encode('TPMT_PUBLIC', t);
    expect(codec.encode('TPMT_PUBLIC', tpm2.decode('TPMT_PUBLIC', bytes))).toEqual(bytes);
  });

  it('the SM templates decode under the tcm2 profile, the RSA and NIST ones do not', () => {
    const sm = [ekTemplate('H-5'), srkTemplate({ alg: 'sm2-p256' }), akTemplate({ alg: 'sm2-p256' }), eccKeyTemplate({ curve: TPM_ECC.SM2_P256 }), symCipherTemplate({ algorithm: TPM_ALG.SM4, nameAlg: TPM_ALG.SM3_256 }), keyedHashTemplate({ nameAlg: TPM_ALG.SM3_256 }), sealedDataTemplate({ nameAlg: TPM_ALG.SM3_256 })];
    for (const t of sm) tcm2.decode('TPMT_PUBLIC', codec.encode('TPMT_PUBLIC', t));
    for (const t of [ekTemplate('L-1'), ekTemplate('H-2'), srkTemplate()]) expect(() => tcm2.decode('TPMT_PUBLIC', codec.encode('TPMT_PUBLIC', t))).toThrow();
  });
});

describe('TPM2_CreatePrimary on the emulator', () => {
  // The TPM returns the template with the generated public key in unique (Part 3 "TPM2_CreatePrimary").
  const cases: [string, 'tpm2' | 'tcm2', number, TPMT_PUBLIC][] = [
    ['EK L-1', 'tpm2', TPM_RH.ENDORSEMENT, ekTemplate('L-1')],
    ['EK L-2', 'tpm2', TPM_RH.ENDORSEMENT, ekTemplate('L-2')],
    ['EK H-3', 'tpm2', TPM_RH.ENDORSEMENT, ekTemplate('H-3')],
    ['EK H-4', 'tpm2', TPM_RH.ENDORSEMENT, ekTemplate('H-4')],
    ['EK H-5', 'tcm2', TPM_RH.ENDORSEMENT, ekTemplate('H-5')],
    ['EK H-6', 'tpm2', TPM_RH.ENDORSEMENT, ekTemplate('H-6')],
    ['SRK RSA', 'tpm2', TPM_RH.OWNER, srkTemplate()],
    ['SRK ECC', 'tpm2', TPM_RH.OWNER, srkTemplate({ alg: 'ecc-p256' })],
    ['SRK SM2', 'tcm2', TPM_RH.OWNER, srkTemplate({ alg: 'sm2-p256' })],
    ['IAK RSA', 'tpm2', TPM_RH.ENDORSEMENT, iakTemplate()],
    ['IDevID P-384', 'tpm2', TPM_RH.ENDORSEMENT, idevidTemplate({ alg: 'ecc-p384' })],
    ['AK SM2', 'tcm2', TPM_RH.OWNER, akTemplate({ alg: 'sm2-p256' })],
    ['tpm2-tools keyedhash parent', 'tpm2', TPM_RH.OWNER, tpm2ToolsPrimaryTemplate('keyedhash')],
    ['HMAC', 'tpm2', TPM_RH.OWNER, keyedHashTemplate()],
    ['AES-128-CFB', 'tpm2', TPM_RH.OWNER, symCipherTemplate()],
    ['SM4-128-CFB', 'tcm2', TPM_RH.OWNER, symCipherTemplate({ algorithm: TPM_ALG.SM4, nameAlg: TPM_ALG.SM3_256 })],
    ['ECDSA P-256', 'tpm2', TPM_RH.OWNER, eccKeyTemplate()],
    ['SM2 signing', 'tcm2', TPM_RH.OWNER, eccKeyTemplate({ curve: TPM_ECC.SM2_P256 })],
  ];

  it.each(cases)('%s (%s)', async (_name, profile, hierarchy, template) => {
    const { tpm, client } = await startedTpm({ profile });
    if (!tpm.profile.commands.has(TPM_CC.CreatePrimary)) return;
    const out = await client.run('CreatePrimary', {
      primaryHandle: hierarchy,
      inSensitive: { sensitive: { userAuth: new Uint8Array(0), data: new Uint8Array(0) } },
      inPublic: { publicArea: template },
      outsideInfo: new Uint8Array(0),
      creationPCR: { pcrSelections: [] },
    } as never);
    const pub = (out as { outPublic: { publicArea: TPMT_PUBLIC } }).outPublic.publicArea;
    expect({ ...pub, unique: null }).toEqual({ ...template, unique: null });
  });
});
