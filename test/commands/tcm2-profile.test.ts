/**
 * The tcm2 profile as a product (spec/profiles/tcm2.md): the GM/T 0012-2020 command subset in
 * TPM_CAP_COMMANDS (and TPM_RC_COMMAND_CODE for the rest), only SM and algorithm-independent
 * algorithms, TCM vendor strings, one SM3 PCR bank, SM3/SM4 context protection, and the
 * TCM key hierarchy end to end: SM2 SRK (SM4-128-CFB), child keys and sealed data, the SM2 EK
 * (EK Credential Profile template H-5) and an SM2 AK whose signatures sm-crypto verifies, a
 * salted SM4-CFB session that encrypts parameters both ways, and the refusal of RSA, NIST-curve,
 * AES and SHA templates with their response codes.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import { createClient } from '../../src/client/client.js';
import { akTemplate, eccKeyTemplate, ekTemplate, rsaKeyTemplate, sealedDataTemplate, srkTemplate, symCipherTemplate } from '../../src/client/templates.js';
import type { Transport } from '../../src/client/transport.js';
import { COMMANDS } from '../../src/gen/commands.js';
import { TPM_ALG, TPM_CAP, TPM_CC, TPM_ECC, TPM_PT, TPM_RC, TPM_RH, TPM_ST, TPMA_CC } from '../../src/gen/constants.js';
import type { TPML_ALG_PROPERTY, TPML_CCA, TPML_ECC_CURVE, TPML_PCR_SELECTION, TPML_TAGGED_TPM_PROPERTY, TPMS_ECC_PARMS, TPMS_ECC_POINT, TPMS_SIGNATURE_ECC, TPMT_PUBLIC } from '../../src/gen/types.js';
import { HANDLERS } from '../../src/tpm/commands/index.js';
import { profiles } from '../../src/tpm/profile.js';
import { rcOf, startedTpm, toHex } from '../helpers/tpm.js';

const { sm2: smc } = createRequire(import.meta.url)('sm-crypto') as {
  sm2: { doVerifySignature(msg: Uint8Array, sig: string, publicKey: string, opts?: { hash?: boolean }): boolean };
};

const EMPTY = new Uint8Array(0);
const P = (n: number) => TPM_RC.P | (n << 8);
const noCreation = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };
const utf8 = (s: string) => new TextEncoder().encode(s);
const CODE: Record<string, number> = TPM_CC as unknown as Record<string, number>;

/** Commands GM/T 0012-2020 has no place for, or that need an algorithm a TCM lacks (tcm2.md). */
const ABSENT = [
  'RSA_Encrypt', 'RSA_Decrypt', 'Commit', 'FieldUpgradeStart', 'FieldUpgradeData', 'FirmwareRead', 'AC_GetCapability',
  'AC_Send', 'Policy_AC_SendSelect', 'ACT_SetTimeout', 'Vendor_TCG_Test', 'PolicyCapability', 'PolicyParameters',
  'PolicyTransportSPDM', 'NV_DefineSpace2', 'NV_ReadPublic2', 'SetCapability', 'ReadOnlyControl',
];

/** Every entry of a capability from `property` on, following moreData (`key` gives an entry's property). */
async function capability<T>(client: Client, capability: number, property: number, key: (e: T) => number = (e) => e as unknown as number): Promise<T[]> {
  const out: T[] = [];
  for (;;) {
    const r = await client.run('GetCapability', { capability, property, propertyCount: 1024 });
    const list = Object.values(r.capabilityData.data as unknown as Record<string, T[]>)[0];
    out.push(...list);
    if (!r.moreData || list.length === 0) return out;
    property = (key(list[list.length - 1]) & 0xffff) + 1;
  }
}

const raw = (code: number) => {
  const b = new Uint8Array(10);
  const v = new DataView(b.buffer);
  v.setUint16(0, TPM_ST.NO_SESSIONS);
  v.setUint32(2, 10);
  v.setUint32(6, code);
  return b;
};
const rcOfResponse = (r: Uint8Array) => new DataView(r.buffer, r.byteOffset).getUint32(6);

async function primary(client: Client, publicArea: TPMT_PUBLIC, hierarchy: number = TPM_RH.OWNER) {
  const r = await client.run('CreatePrimary', { primaryHandle: hierarchy, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea }, ...noCreation });
  return { handle: r.objectHandle, pub: r.outPublic.publicArea, name: r.name };
}

describe('tcm2: the command set', () => {
  it('TPM_CAP_COMMANDS lists exactly the declared subset (declared ∩ implemented), each with its TPMA_CC', async () => {
    const declared = profiles.tcm2.commands;
    expect(declared).not.toBe('all');
    const names = declared as readonly string[];
    const implemented = new Set(Object.keys(HANDLERS));
    // Every declared command has a handler.
    expect(names.filter((n) => !implemented.has(n))).toEqual([]);
    const { client } = await startedTpm({ profile: 'tcm2' });
    const listed = (await capability<number>(client, TPM_CAP.COMMANDS, TPM_CC.FIRST)).map((a) => a & TPMA_CC.commandIndex);
    expect(listed.length).toBe(109);
    const expected = names.filter((n) => implemented.has(n)).map((n) => CODE[n]);
    // TPM2_MAC and TPM2_MAC_Start share the command codes of TPM2_HMAC and TPM2_HMAC_Start.
    expect([...listed].sort((a, b) => a - b)).toEqual([...new Set(expected)].sort((a, b) => a - b));
    for (const n of ABSENT) expect(names).not.toContain(n);
    const cca = (await client.run('GetCapability', { capability: TPM_CAP.COMMANDS, property: TPM_CC.FIRST, propertyCount: 1024 })).capabilityData.data as TPML_CCA;
    for (const a of cca.commandAttributes) {
      const desc = Object.values(COMMANDS).find((c) => c.code === (a & TPMA_CC.commandIndex))!;
      expect(((a & TPMA_CC.cHandles) >>> TPMA_CC.cHandles_SHIFT) >>> 0).toBe(desc.handles.length);
    }
  });

  it('RSA, field-upgrade, attached-component, ACT, vendor-test, ECDAA Commit and 1.83 commands answer TPM_RC_COMMAND_CODE (tpm2 knows the implemented ones)', async () => {
    const tcm = await startedTpm({ profile: 'tcm2' });
    const tpm = await startedTpm({ profile: 'tpm2' });
    const tpmListed = new Set((await capability<number>(tpm.client, TPM_CAP.COMMANDS, TPM_CC.FIRST)).map((a) => a & TPMA_CC.commandIndex));
    for (const n of ABSENT) {
      const code = CODE[n];
      expect([n, rcOfResponse(tcm.tpm.execute(raw(code)))]).toEqual([n, TPM_RC.COMMAND_CODE]);
      if (tpmListed.has(code)) expect([n, rcOfResponse(tpm.tpm.execute(raw(code)))]).not.toEqual([n, TPM_RC.COMMAND_CODE]);
    }
    for (const n of ['RSA_Encrypt', 'RSA_Decrypt', 'Commit', 'PolicyParameters', 'ECC_Encrypt', 'ECC_Decrypt']) expect([n, tpmListed.has(CODE[n])]).toEqual([n, true]);
  });

  it('ECC_Encrypt and ECC_Decrypt are there; TPMA_CC of ECC_Decrypt: one handle', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const cca = (await client.run('GetCapability', { capability: TPM_CAP.COMMANDS, property: TPM_CC.ECC_Encrypt, propertyCount: 2 })).capabilityData.data as TPML_CCA;
    expect(cca.commandAttributes.map((a) => a & TPMA_CC.commandIndex)).toEqual([TPM_CC.ECC_Encrypt, TPM_CC.ECC_Decrypt]);
  });
});

describe('tcm2: algorithms, vendor, PCR banks, context protection', () => {
  it('TPM_CAP_ALGS: SM2, SM3, SM4 and the algorithm-independent ones only; TPM_CAP_ECC_CURVES: SM2 P-256', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const algs = (await capability<TPML_ALG_PROPERTY['algProperties'][number]>(client, TPM_CAP.ALGS, 0, (a) => a.alg)).map((a) => a.alg);
    expect(algs).toEqual([
      TPM_ALG.HMAC, TPM_ALG.KEYEDHASH, TPM_ALG.XOR, TPM_ALG.SM3_256, TPM_ALG.SM4, TPM_ALG.ECDH, TPM_ALG.SM2, TPM_ALG.KDF1_SP800_56A,
      TPM_ALG.KDF2, TPM_ALG.KDF1_SP800_108, TPM_ALG.ECC, TPM_ALG.SYMCIPHER, TPM_ALG.CTR, TPM_ALG.OFB, TPM_ALG.CBC, TPM_ALG.CFB, TPM_ALG.ECB,
    ]);
    for (const a of [TPM_ALG.RSA, TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512, TPM_ALG.AES, TPM_ALG.MGF1, TPM_ALG.ECDSA, TPM_ALG.ECDAA, TPM_ALG.ECSCHNORR, TPM_ALG.OAEP, TPM_ALG.RSASSA]) {
      expect(algs).not.toContain(a);
    }
    const curves = (await client.run('GetCapability', { capability: TPM_CAP.ECC_CURVES, property: 0, propertyCount: 100 })).capabilityData.data as TPML_ECC_CURVE;
    expect(curves.eccCurves).toEqual([TPM_ECC.SM2_P256]);
  });

  it('TPM_PT_MANUFACTURER "VTCM", vendor string "vtpm TCM 2.0"; SM3 context hash, SM4-128 context encryption', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const props = await capability<TPML_TAGGED_TPM_PROPERTY['tpmProperty'][number]>(client, TPM_CAP.TPM_PROPERTIES, TPM_PT.FAMILY_INDICATOR, (p) => p.property);
    const map = new Map(props.map((p) => [p.property, p.value]));
    const ascii = (...w: number[]) => w.flatMap((v) => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]).filter((b) => b).map((b) => String.fromCharCode(b)).join('');
    expect(ascii(map.get(TPM_PT.MANUFACTURER)!)).toBe('VTCM');
    expect(ascii(...[TPM_PT.VENDOR_STRING_1, TPM_PT.VENDOR_STRING_2, TPM_PT.VENDOR_STRING_3, TPM_PT.VENDOR_STRING_4].map((p) => map.get(p)!))).toBe('vtpm TCM 2.0');
    expect(map.get(TPM_PT.CONTEXT_HASH)).toBe(TPM_ALG.SM3_256);
    expect(map.get(TPM_PT.CONTEXT_SYM)).toBe(TPM_ALG.SM4);
    expect(map.get(TPM_PT.CONTEXT_SYM_SIZE)).toBe(128);
    expect(map.get(TPM_PT.PCR_COUNT)).toBe(24);
  });

  it('one PCR bank, SM3, all 24 PCRs; PCR_Extend/PCR_Read with SM3', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const pcrs = (await client.run('GetCapability', { capability: TPM_CAP.PCRS, property: 0, propertyCount: 8 })).capabilityData.data as TPML_PCR_SELECTION;
    expect(pcrs.pcrSelections.map((s) => [s.hash, toHex(s.pcrSelect)])).toEqual([[TPM_ALG.SM3_256, 'ffffff']]);
    const r = await client.run('PCR_Read', { pcrSelectionIn: { pcrSelections: [{ hash: TPM_ALG.SM3_256, pcrSelect: Uint8Array.of(0x80, 0, 0) }] } });
    expect(r.pcrValues.digests.map((d) => d.length)).toEqual([32]);
  });
});

describe('tcm2: the key hierarchy and sessions', () => {
  it('an SM2 SRK (SM3 names, SM4-128-CFB): Create and Load an SM2 key and sealed data, Unseal, ContextSave/ContextLoad', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const srkT = srkTemplate({ alg: 'sm2-p256' });
    expect(srkT.nameAlg).toBe(TPM_ALG.SM3_256);
    expect((srkT.parameters as TPMS_ECC_PARMS).symmetric).toEqual({ algorithm: TPM_ALG.SM4, keyBits: 128, mode: TPM_ALG.CFB });
    const srk = await primary(client, srkT);
    expect(srk.name.subarray(0, 2)).toEqual(Uint8Array.of(0, TPM_ALG.SM3_256));
    const c = await client.run('Create', { parentHandle: srk.handle, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: eccKeyTemplate({ usage: 'decrypt', curve: TPM_ECC.SM2_P256 }) }, ...noCreation });
    const key = await client.run('Load', { parentHandle: srk.handle, inPrivate: c.outPrivate, inPublic: c.outPublic });
    const secret = utf8('sealed under an SM2 SRK');
    const s = await client.run('Create', { parentHandle: srk.handle, inSensitive: { sensitive: { userAuth: utf8('pw'), data: secret } }, inPublic: { publicArea: sealedDataTemplate({ nameAlg: TPM_ALG.SM3_256 }) }, ...noCreation });
    const sealed = await client.run('Load', { parentHandle: srk.handle, inPrivate: s.outPrivate, inPublic: s.outPublic });
    expect((await client.run('Unseal', { itemHandle: sealed.objectHandle }, { auth: { itemHandle: 'pw' } })).outData).toEqual(secret);
    const saved = await client.run('ContextSave', { saveHandle: key.objectHandle });
    expect(saved.context.hierarchy).toBe(TPM_RH.OWNER);
    await client.flush(key.objectHandle);
    const loaded = await client.run('ContextLoad', { context: saved.context });
    const enc = await client.run('ECC_Encrypt', { keyHandle: loaded.loadedHandle, plainText: secret, inScheme: { scheme: TPM_ALG.KDF2, details: { hashAlg: TPM_ALG.SM3_256 } } });
    const dec = await client.run('ECC_Decrypt', { keyHandle: loaded.loadedHandle, C1: enc.C1, C2: enc.C2, C3: enc.C3, inScheme: { scheme: TPM_ALG.KDF2, details: { hashAlg: TPM_ALG.SM3_256 } } });
    expect(dec.plainText).toEqual(secret);
  });

  it('the SM2 EK (template H-5) and an SM2 AK: the AK signs, sm-crypto verifies on the raw digest', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const ek = await primary(client, ekTemplate('H-5'), TPM_RH.ENDORSEMENT);
    expect(ek.pub.nameAlg).toBe(TPM_ALG.SM3_256);
    expect((ek.pub.parameters as TPMS_ECC_PARMS).curveID).toBe(TPM_ECC.SM2_P256);
    expect((ek.pub.parameters as TPMS_ECC_PARMS).symmetric).toEqual({ algorithm: TPM_ALG.SM4, keyBits: 128, mode: TPM_ALG.CFB });
    const srk = await primary(client, srkTemplate({ alg: 'sm2-p256' }));
    const c = await client.run('Create', { parentHandle: srk.handle, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: akTemplate({ alg: 'sm2-p256' }) }, ...noCreation });
    const ak = await client.run('Load', { parentHandle: srk.handle, inPrivate: c.outPrivate, inPublic: c.outPublic });
    // A restricted signing key signs a digest the TPM made (Part 3 "TPM2_Sign": the hashcheck ticket).
    const { outHash: digest, validation: ticket } = await client.run('Hash', { data: utf8('to be signed'), hashAlg: TPM_ALG.SM3_256, hierarchy: TPM_RH.OWNER });
    const sig = (await client.run('Sign', { keyHandle: ak.objectHandle, digest, inScheme: { scheme: TPM_ALG.NULL, details: null }, validation: ticket })).signature;
    expect(sig.sigAlg).toBe(TPM_ALG.SM2);
    const { signatureR: r, signatureS: s } = sig.signature as TPMS_SIGNATURE_ECC;
    const { x, y } = c.outPublic.publicArea.unique as TPMS_ECC_POINT;
    expect(smc.doVerifySignature(digest, toHex(r) + toHex(s), '04' + toHex(x) + toHex(y), { hash: false })).toBe(true);
  });

  it('a session salted with the SM2 SRK, HMAC-SM3, SM4-CFB both ways: the sealed secret never crosses in the clear', async () => {
    const { tpm } = await startedTpm({ profile: 'tcm2' });
    const wire: Uint8Array[] = [];
    const spy: Transport = {
      send: async (command) => {
        const response = tpm.execute(command);
        wire.push(command, response);
        return response;
      },
    };
    const client = createClient(spy);
    const srk = await primary(client, srkTemplate({ alg: 'sm2-p256' }));
    const secret = utf8('0123456789abcdef-TCM-secret');
    const session = await client.startAuthSession({ hash: TPM_ALG.SM3_256, salt: { handle: srk.handle, publicArea: srk.pub }, symmetric: { algorithm: TPM_ALG.SM4, keyBits: 128, mode: TPM_ALG.CFB } });
    session.decrypt = true;
    const s = await client.run(
      'Create',
      { parentHandle: srk.handle, inSensitive: { sensitive: { userAuth: utf8('pw'), data: secret } }, inPublic: { publicArea: sealedDataTemplate({ nameAlg: TPM_ALG.SM3_256 }) }, ...noCreation },
      { auth: { parentHandle: { session } } },
    );
    session.decrypt = false;
    session.encrypt = true;
    const sealed = await client.run('Load', { parentHandle: srk.handle, inPrivate: s.outPrivate, inPublic: s.outPublic });
    const out = await client.run('Unseal', { itemHandle: sealed.objectHandle }, { auth: { itemHandle: { session, authValue: 'pw' } } });
    expect(out.outData).toEqual(secret);
    const hexWire = wire.map(toHex).join('|');
    expect(hexWire.includes(toHex(secret))).toBe(false);
    expect(hexWire.includes(toHex(secret.subarray(0, 8)))).toBe(false);
  });

  it('refuses RSA, NIST-curve, ECDSA, AES and SHA templates (CreatePrimary inPublic, parameter 2; EK template L-1)', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const refuse = (t: TPMT_PUBLIC, h: number = TPM_RH.OWNER) => rcOf(primary(client, t, h));
    expect(await refuse(rsaKeyTemplate({ nameAlg: TPM_ALG.SM3_256 }))).toBe(TPM_RC.TYPE | P(2));
    expect(await refuse(ekTemplate('L-1'), TPM_RH.ENDORSEMENT)).toBe(TPM_RC.TYPE | P(2));
    expect(await refuse(eccKeyTemplate({ curve: TPM_ECC.NIST_P256, nameAlg: TPM_ALG.SM3_256, scheme: TPM_ALG.SM2 }))).toBe(TPM_RC.CURVE | P(2));
    expect(await refuse(eccKeyTemplate({ curve: TPM_ECC.SM2_P256, scheme: TPM_ALG.ECDSA }))).toBe(TPM_RC.SCHEME | P(2));
    expect(await refuse(eccKeyTemplate({ curve: TPM_ECC.SM2_P256, nameAlg: TPM_ALG.SHA256 }))).toBe(TPM_RC.HASH | P(2));
    expect(await refuse(symCipherTemplate({ algorithm: TPM_ALG.AES, keyBits: 128, mode: TPM_ALG.CFB, nameAlg: TPM_ALG.SM3_256 }))).toBe(TPM_RC.SYMMETRIC | P(2));
    expect(await refuse(srkTemplate({ alg: 'ecc-p256' }))).toBe(TPM_RC.HASH | P(2));
  });
});
