/**
 * manufacture() (src/client/manufacture.ts) on seeded tpm2 and tcm2 TPMs through the typed
 * in-process client: EKs at their persistent handles equal to the EK Credential Profile keys,
 * certificates in the EK certificate indices (NV_Read with owner authorization) that parse,
 * verify against the CA and carry the EK's public key; determinism; refusal on a second run;
 * SRK, IAK, IDevID, platform certificate, NV_WriteLock and chunked NV writes.
 */
import { describe, expect, it } from 'vitest';
import { createCa, parseCertificate, tcgCertificateInfo, verifyCertificate, certificatePublicMatches, OID } from '../../src/attest/x509.js';
import type { Client } from '../../src/client/client.js';
import {
  CERT_NV_ATTRIBUTES,
  EK_PERSISTENT_HANDLES,
  MANUFACTURE_HANDLES,
  ManufactureError,
  isManufactured,
  manufacture,
  readNvCertificate,
} from '../../src/client/manufacture.js';
import { EK_TEMPLATES, ekTemplate, srkTemplate, type EkTemplateId } from '../../src/client/templates.js';
import { TPM_ALG, TPM_CAP, TPM_RC, TPM_RH, TPMA_NV } from '../../src/gen/constants.js';
import type { TPML_HANDLE, TPMT_PUBLIC } from '../../src/gen/types.js';
import { profiles } from '../../src/tpm/profile.js';
import { publicName } from '../../src/protocol/keys.js';
import { rcOf, startedTpm, toHex } from '../helpers/tpm.js';

const EMPTY = new Uint8Array(0);
const NOT_BEFORE = new Date('2025-06-01T00:00:00Z');
const opts = { caSeed: 'manufacture test CA', notBefore: NOT_BEFORE };

async function recreate(client: Client, hierarchy: number, template: TPMT_PUBLIC): Promise<TPMT_PUBLIC> {
  const r = await client.run('CreatePrimary', { primaryHandle: hierarchy, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: template }, outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } });
  await client.flush(r.objectHandle);
  return r.outPublic.publicArea;
}

async function handles(client: Client, first: number): Promise<number[]> {
  const r = await client.run('GetCapability', { capability: TPM_CAP.HANDLES, property: first, propertyCount: 128 });
  return (r.capabilityData.data as TPML_HANDLE).handle;
}

describe('manufacture() on a tpm2 TPM', () => {
  it('creates L-1 and L-2 EKs at 0x81010001 / 0x81010002 with certificates at 0x01C00002 / 0x01C0000A', async () => {
    const { client } = await startedTpm();
    expect(await isManufactured(client)).toBe(false);
    const t0 = performance.now();
    const r = await manufacture(client, opts);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(5_000);
    expect(await isManufactured(client)).toBe(true);
    expect(r.eks.map((e) => [e.id, e.handle, e.certIndex])).toEqual([
      ['L-1', 0x81010001, 0x01c00002],
      ['L-2', 0x81010002, 0x01c0000a],
    ]);
    expect(r.identity).toMatchObject({ family: 'TPM', manufacturer: 0x5654504d, model: 'vtpm TPM 2.0', specFamily: '2.0', specLevel: 0, specRevision: 159, nvBufferMax: 1024 });
    expect(await handles(client, 0x81000000)).toEqual([0x81010001, 0x81010002]);
    expect((await handles(client, 0x80000000)).filter((h) => h >>> 24 === 0x80)).toEqual([]); // transient objects flushed
    for (const ek of r.eks) {
      // The persistent EK is the EK Credential Profile key: ReadPublic equals a fresh CreatePrimary from the template.
      const rp = await client.run('ReadPublic', { objectHandle: ek.handle });
      const fresh = await recreate(client, TPM_RH.ENDORSEMENT, ekTemplate(ek.id));
      expect(toHex(publicName(rp.outPublic.publicArea))).toBe(toHex(publicName(fresh)));
      expect(toHex(rp.name)).toBe(toHex(ek.name));
      // The certificate index: platform-created, owner-readable, written.
      const nv = (await client.run('NV_ReadPublic', { nvIndex: ek.certIndex })).nvPublic.nvPublic;
      expect(nv.attributes >>> 0).toBe((CERT_NV_ATTRIBUTES | TPMA_NV.WRITTEN) >>> 0);
      expect(nv.nameAlg).toBe(TPM_ALG.SHA256);
      expect(nv.dataSize).toBe(ek.certificate.length);
      const der = (await client.run('NV_Read', { authHandle: TPM_RH.OWNER, nvIndex: ek.certIndex, size: nv.dataSize, offset: 0 })).data;
      expect(toHex(der)).toBe(toHex(ek.certificate));
      const cert = parseCertificate(der);
      expect(verifyCertificate(cert, r.ca.certificate)).toBe(true);
      expect(certificatePublicMatches(cert, rp.outPublic.publicArea)).toBe(true);
      expect(tcgCertificateInfo(cert)).toMatchObject({ manufacturer: 'id:5654504D', model: 'vtpm TPM 2.0', version: 'id:20261123', specification: { family: '2.0', level: 0, revision: 159 }, extKeyUsage: [OID.ekCertificate] });
      expect(cert.validity.notBefore.toISOString()).toBe(NOT_BEFORE.toISOString());
    }
    expect(r.ca.signer.algorithm).toBe('ecdsa-sha256');
    // readNvCertificate reads in chunks with owner authorization; the owner cannot write the index (PPWRITE only).
    expect(toHex(await readNvCertificate(client, 0x01c00002))).toBe(toHex(r.eks[0].certificate));
    expect(await rcOf(client.run('NV_Write', { authHandle: TPM_RH.OWNER, nvIndex: 0x01c00002, data: Uint8Array.of(1), offset: 0 }))).toBe(TPM_RC.NV_AUTHORIZATION);
  });

  it('is deterministic for a fixed TPM seed, CA seed and time', async () => {
    const a = await manufacture((await startedTpm({ seed: 'fixed' })).client, opts);
    const b = await manufacture((await startedTpm({ seed: 'fixed' })).client, opts);
    expect(a.eks.map((e) => toHex(e.certificate))).toEqual(b.eks.map((e) => toHex(e.certificate)));
    expect(a.eks.map((e) => toHex(e.name))).toEqual(b.eks.map((e) => toHex(e.name)));
    expect(toHex(a.ca.certificate)).toBe(toHex(b.ca.certificate));
    const c = await manufacture((await startedTpm({ seed: 'other' })).client, { ...opts, eks: ['ecc-p256'] });
    expect(toHex(c.eks[0].name)).not.toBe(toHex(a.eks[1].name));
  });

  it('a second run is refused before anything changes (ManufactureError already-manufactured)', async () => {
    const { client } = await startedTpm();
    const ca = createCa({ seed: 'shared', notBefore: NOT_BEFORE });
    await manufacture(client, { ca, eks: ['L-2'], notBefore: NOT_BEFORE });
    const persistentBefore = await handles(client, 0x81000000);
    const nvBefore = await handles(client, 0x01000000);
    const err = await manufacture(client, { ca, eks: ['L-2', 'H-3'], srk: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManufactureError);
    expect((err as ManufactureError).reason).toBe('already-manufactured');
    expect((err as Error).message).toMatch(/EK L-2 at 0x81010002/);
    expect(await handles(client, 0x81000000)).toEqual(persistentBefore);
    expect(await handles(client, 0x01000000)).toEqual(nvBefore);
    // Another EK whose handle and index are free can still be added.
    const more = await manufacture(client, { ca, eks: ['H-3'], notBefore: NOT_BEFORE });
    expect(more.eks[0]).toMatchObject({ id: 'H-3', handle: 0x81010016, certIndex: 0x01c00016 });
  });

  it('SRK, IAK, IDevID, platform certificate and NV_WriteLock', async () => {
    const { client } = await startedTpm({ seed: 'full' });
    const r = await manufacture(client, { ...opts, eks: ['L-2'], srk: true, iak: true, idevid: true, platformCertificate: true, lock: true });
    expect(await handles(client, 0x81000000)).toEqual([0x81000001, 0x81010002, 0x81020000, 0x81020001]);
    const srk = (await client.run('ReadPublic', { objectHandle: MANUFACTURE_HANDLES.srk })).outPublic.publicArea;
    expect(toHex(publicName(srk))).toBe(toHex(publicName(await recreate(client, TPM_RH.OWNER, srkTemplate()))));
    for (const [key, kind, index] of [[r.iak!, 'iak', 0x01c90100], [r.idevid!, 'idevid', 0x01c90200]] as const) {
      expect(key.certIndex).toBe(index);
      const cert = parseCertificate(await readNvCertificate(client, index));
      expect(verifyCertificate(cert, r.ca.certificate)).toBe(true);
      expect(certificatePublicMatches(cert, key.public)).toBe(true);
      const t = tcgCertificateInfo(cert);
      expect(t.keyUsage).toEqual([0]);
      expect(t.extKeyUsage).toEqual(kind === 'iak' ? [OID.aikCertificate] : []);
      // swtpm_setup's TPM serial number: <manufacturer>:<EK certificate AKI>:<EK certificate serial>.
      const ek = parseCertificate(r.eks[0].certificate);
      expect(new TextDecoder().decode(t.hardwareModule!.hwSerialNum)).toBe(`VTPM:${toHex(r.ca.keyId)}:${ek.serial.toString(16).padStart(32, '0')}`);
    }
    const platform = tcgCertificateInfo(await readNvCertificate(client, 0x01c08000));
    expect(platform).toMatchObject({ platformManufacturer: 'VTPM', platformModel: 'vtpm TPM 2.0', platformVersion: 'id:20261123', extKeyUsage: [OID.platformCertificate] });
    // Locked: the platform cannot rewrite a certificate.
    const nv = (await client.run('NV_ReadPublic', { nvIndex: 0x01c0000a })).nvPublic.nvPublic;
    expect(nv.attributes & TPMA_NV.WRITELOCKED).toBeTruthy();
    expect(await rcOf(client.run('NV_Write', { authHandle: TPM_RH.PLATFORM, nvIndex: 0x01c0000a, data: Uint8Array.of(1), offset: 0 }))).toBe(TPM_RC.NV_LOCKED);
  });

  it('writes a certificate in TPM_PT_NV_BUFFER_MAX chunks', async () => {
    const small = { ...profiles.tpm2, name: 'tpm2-small-nv-buffer', limits: { ...profiles.tpm2.limits, MAX_NV_BUFFER_SIZE: 128 } };
    const { client } = await startedTpm({ profile: small, seed: 'chunks' });
    const r = await manufacture(client, { ...opts, eks: ['ecc-p256'] });
    expect(r.identity.nvBufferMax).toBe(128);
    expect(r.eks[0].certificate.length).toBeGreaterThan(3 * 128);
    const back = await readNvCertificate(client, r.eks[0].certIndex);
    expect(toHex(back)).toBe(toHex(r.eks[0].certificate));
  });

  it('refuses unknown EK names; a user CA (RSA) signs', async () => {
    const { client } = await startedTpm({ seed: 'user ca' });
    await expect(manufacture(client, { eks: ['ecc-p999' as EkTemplateId] })).rejects.toThrow(/unknown EK 'ecc-p999'/);
    const ca = createCa({ keyAlg: 'rsa2048', seed: 'user rsa ca', notBefore: NOT_BEFORE });
    const r = await manufacture(client, { ca, eks: ['L-2'], notBefore: NOT_BEFORE });
    expect(parseCertificate(r.eks[0].certificate).signatureAlgorithmName).toBe('rsa-pkcs1-sha256');
    expect(verifyCertificate(r.eks[0].certificate, ca.certificate)).toBe(true);
  });
});

describe('manufacture() on a tcm2 TPM', () => {
  it('creates the SM2 P-256 EK (H-5) at 0x8101001A with an SM2-with-SM3 certificate at 0x01C0001A', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const t0 = performance.now();
    const r = await manufacture(client, opts);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(r.identity.family).toBe('TCM');
    expect(r.eks.map((e) => [e.id, e.handle, e.certIndex])).toEqual([['H-5', EK_PERSISTENT_HANDLES['H-5'], EK_TEMPLATES['H-5'].certIndex]]);
    expect(r.eks[0].handle).toBe(0x8101001a);
    expect(await isManufactured(client)).toBe(true);
    const rp = await client.run('ReadPublic', { objectHandle: 0x8101001a });
    expect(toHex(publicName(rp.outPublic.publicArea))).toBe(toHex(publicName(await recreate(client, TPM_RH.ENDORSEMENT, ekTemplate('H-5')))));
    const nv = (await client.run('NV_ReadPublic', { nvIndex: 0x01c0001a })).nvPublic.nvPublic;
    expect(nv.nameAlg).toBe(TPM_ALG.SM3_256);
    const cert = parseCertificate(await readNvCertificate(client, 0x01c0001a));
    expect(cert.signatureAlgorithmName).toBe('sm2-sm3');
    expect(cert.spki.curve).toBe(OID.sm2);
    expect(verifyCertificate(cert, r.ca.certificate)).toBe(true);
    expect(certificatePublicMatches(cert, rp.outPublic.publicArea)).toBe(true);
    expect(tcgCertificateInfo(cert)).toMatchObject({ manufacturer: 'id:5654434D', model: 'vtpm TCM 2.0', keyUsage: [4] });
    // The same seed gives the same EK and certificate.
    const again = await manufacture((await startedTpm({ profile: 'tcm2' })).client, opts);
    expect(toHex(again.eks[0].certificate)).toBe(toHex(r.eks[0].certificate));
  });

  it('RSA EKs do not exist on a TCM: the TPM refuses the template', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    await expect(manufacture(client, { ...opts, eks: ['rsa2048'] })).rejects.toThrow(/TPM2_CreatePrimary/);
  });

  it('an SM2 SRK and IAK (with a given authPolicy) on a TCM', async () => {
    const { client } = await startedTpm({ profile: 'tcm2', seed: 'tcm full' });
    const r = await manufacture(client, { ...opts, srk: true, iak: { authPolicy: new Uint8Array(32) } });
    expect(r.srk?.public.nameAlg).toBe(TPM_ALG.SM3_256);
    expect(verifyCertificate(r.iak!.certificate, r.ca.certificate)).toBe(true);
    await expect(manufacture((await startedTpm({ profile: 'tcm2', seed: 'tcm iak' })).client, { ...opts, iak: true })).rejects.toThrow(/authPolicy/);
  });
});
