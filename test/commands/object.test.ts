/**
 * Part 3 "Object Commands" and "Context Management": CreatePrimary, Create, Load, ReadPublic,
 * EvictControl, ContextSave, ContextLoad, FlushContext through the typed client on seeded TPMs.
 * Names and Qualified Names are recomputed here with node:crypto from the octets the TPM
 * returned, independently of the emulator.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import { TPM_ALG, TPM_CAP, TPM_ECC, TPM_HT, TPM_RC, TPM_RH, TPMA_OBJECT as A } from '../../src/gen/constants.js';
import type { TPMT_PUBLIC } from '../../src/gen/types.js';
import { createClient } from '../../src/client/client.js';
import { inProcess } from '../../src/client/transport.js';
import { verifySignature } from '../../src/protocol/signature.js';
import { createTpm, memoryStorage } from '../../src/tpm/engine.js';
import { PROFILE_SPECS } from '../../src/gen/profiles.js';
import { rcOf, startedTpm, testTpm, toHex } from '../helpers/tpm.js';

const P = (n: number) => TPM_RC.P | (n << 8);
const H = (n: number) => TPM_RC.H | (n << 8);
const S1 = TPM_RC.S | 0x100;
const EMPTY = new Uint8Array(0);
const NODE_HASH: Record<number, string> = { [TPM_ALG.SHA256]: 'sha256', [TPM_ALG.SM3_256]: 'sm3', [TPM_ALG.SHA384]: 'sha384' };

const STORAGE = A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth | A.noDA | A.restricted | A.decrypt;
const SIGNING = A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth | A.sign_encrypt;
const NULL_SYM = { algorithm: TPM_ALG.NULL, keyBits: null, mode: null };
const NULL_SCHEME = { scheme: TPM_ALG.NULL, details: null };

function eccKey(attributes: number, opts: { curve?: number; nameAlg?: number; sym?: number; scheme?: number; authPolicy?: Uint8Array } = {}): TPMT_PUBLIC {
  const restrictedDecrypt = (attributes & A.restricted) !== 0 && (attributes & A.decrypt) !== 0;
  const nameAlg = opts.nameAlg ?? TPM_ALG.SHA256;
  return {
    type: TPM_ALG.ECC,
    nameAlg,
    objectAttributes: attributes,
    authPolicy: opts.authPolicy ?? EMPTY,
    parameters: {
      symmetric: restrictedDecrypt ? { algorithm: opts.sym ?? TPM_ALG.AES, keyBits: 128, mode: TPM_ALG.CFB } : NULL_SYM,
      scheme: opts.scheme ? { scheme: opts.scheme, details: { hashAlg: nameAlg } } : NULL_SCHEME,
      curveID: opts.curve ?? TPM_ECC.NIST_P256,
      kdf: NULL_SCHEME,
    },
    unique: { x: EMPTY, y: EMPTY },
  };
}

function rsaKey(attributes: number, keyBits = 2048): TPMT_PUBLIC {
  return {
    type: TPM_ALG.RSA,
    nameAlg: TPM_ALG.SHA256,
    objectAttributes: attributes,
    authPolicy: EMPTY,
    parameters: { symmetric: { algorithm: TPM_ALG.AES, keyBits: 128, mode: TPM_ALG.CFB }, scheme: NULL_SCHEME, keyBits, exponent: 0 },
    unique: EMPTY,
  };
}

function sealedData(nameAlg: number = TPM_ALG.SHA256): TPMT_PUBLIC {
  return {
    type: TPM_ALG.KEYEDHASH,
    nameAlg,
    objectAttributes: A.fixedTPM | A.fixedParent | A.userWithAuth | A.noDA,
    authPolicy: EMPTY,
    parameters: { scheme: NULL_SCHEME },
    unique: EMPTY,
  };
}

const sensitive = (userAuth = EMPTY, data = EMPTY) => ({ sensitive: { userAuth, data } });
const noCreation = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };

function createPrimary(client: Client, template: TPMT_PUBLIC, primaryHandle: number = TPM_RH.OWNER, userAuth = EMPTY) {
  return client.run('CreatePrimary', { primaryHandle, inSensitive: sensitive(userAuth), inPublic: { publicArea: template }, ...noCreation });
}

function nodeName(nameAlg: number, publicBytes: Uint8Array): string {
  const alg = nameAlg.toString(16).padStart(4, '0');
  return alg + createHash(NODE_HASH[nameAlg]).update(publicBytes).digest('hex');
}

function nodeQN(nameAlg: number, parentQN: Uint8Array, name: Uint8Array): string {
  return nameAlg.toString(16).padStart(4, '0') + createHash(NODE_HASH[nameAlg]).update(parentQN).update(name).digest('hex');
}

const handleBytes = (h: number) => Uint8Array.of(h >>> 24, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff);

describe('TPM2_CreatePrimary', () => {
  it('derives the same key from the same template and seed; Name = nameAlg ‖ H(public)', async () => {
    const { client } = await startedTpm();
    const a = await createPrimary(client, eccKey(STORAGE));
    const b = await createPrimary(client, eccKey(STORAGE));
    expect(a.objectHandle >>> 24).toBe(TPM_HT.TRANSIENT);
    expect(b.objectHandle).not.toBe(a.objectHandle);
    expect(toHex(b.name)).toBe(toHex(a.name));
    expect(toHex(a.name)).toBe(nodeName(TPM_ALG.SHA256, a.outPublic.bytes!));
    const point = a.outPublic.publicArea.unique as { x: Uint8Array; y: Uint8Array };
    expect(point.x.length).toBe(32);
    // Different template data (unique), different key; a TPM with another seed, another key.
    const other = eccKey(STORAGE);
    other.unique = { x: new Uint8Array(32).fill(1), y: EMPTY };
    expect(toHex((await createPrimary(client, other)).name)).not.toBe(toHex(a.name));
    const { client: client2 } = await startedTpm({ seed: 'another seed' });
    expect(toHex((await createPrimary(client2, eccKey(STORAGE))).name)).not.toBe(toHex(a.name));
  });

  it('RSA-2048 primaries are deterministic too, and a repeat comes from the cache', async () => {
    const { client } = await startedTpm();
    const a = await createPrimary(client, rsaKey(STORAGE));
    const n = a.outPublic.publicArea.unique as Uint8Array;
    expect(n.length).toBe(256);
    expect(n[0] & 0x80).toBe(0x80);
    const t = performance.now();
    const b = await createPrimary(client, rsaKey(STORAGE));
    expect(performance.now() - t).toBeLessThan(1000);
    expect(toHex(b.name)).toBe(toHex(a.name));
  });

  it('ChangeEPS gives new endorsement primaries; the null hierarchy changes at every TPM Reset', async () => {
    const { tpm, client } = await startedTpm();
    const ek1 = await createPrimary(client, eccKey(STORAGE), TPM_RH.ENDORSEMENT);
    const null1 = await createPrimary(client, eccKey(STORAGE), TPM_RH.NULL);
    await client.run('ChangeEPS', { authHandle: TPM_RH.PLATFORM });
    // ChangeEPS flushed the loaded endorsement primary.
    expect(await rcOf(client.run('ReadPublic', { objectHandle: ek1.objectHandle }))).toBe(TPM_RC.REFERENCE_H0);
    const ek2 = await createPrimary(client, eccKey(STORAGE), TPM_RH.ENDORSEMENT);
    expect(toHex(ek2.name)).not.toBe(toHex(ek1.name));
    tpm.powerOff();
    tpm.powerOn();
    await client.startup();
    const null2 = await createPrimary(client, eccKey(STORAGE), TPM_RH.NULL);
    expect(toHex(null2.name)).not.toBe(toHex(null1.name));
  });

  it('creation data: PCR digest, locality, parent Name; creationHash = H(creationData)', async () => {
    const { client } = await startedTpm();
    const r = await client.run('CreatePrimary', {
      primaryHandle: TPM_RH.OWNER,
      inSensitive: sensitive(),
      inPublic: { publicArea: eccKey(STORAGE) },
      outsideInfo: Uint8Array.of(1, 2, 3),
      creationPCR: { pcrSelections: [{ hash: TPM_ALG.SHA256, pcrSelect: Uint8Array.of(1, 0, 0) }] },
    });
    const data = r.creationData.creationData;
    expect(toHex(data.parentName)).toBe('40000001');
    expect(toHex(data.outsideInfo)).toBe('010203');
    // PCR 0 after Startup(CLEAR) at locality 0 is all zeros.
    expect(toHex(data.pcrDigest)).toBe(createHash('sha256').update(new Uint8Array(32)).digest('hex'));
    expect(toHex(r.creationHash)).toBe(createHash('sha256').update(r.creationData.bytes!).digest('hex'));
    expect(r.creationTicket.hierarchy).toBe(TPM_RH.OWNER);
    expect(r.creationTicket.digest.length).toBeGreaterThan(0);
  });

  it('refuses inconsistent templates with the rule broken, on inPublic (parameter 2)', async () => {
    const { client } = await startedTpm();
    const bad = async (t: TPMT_PUBLIC) => rcOf(createPrimary(client, t));
    expect(await bad(eccKey(STORAGE & ~A.fixedParent))).toBe(TPM_RC.ATTRIBUTES | P(2));
    expect(await bad(eccKey(STORAGE & ~A.sensitiveDataOrigin))).toBe(TPM_RC.ATTRIBUTES | P(2));
    expect(await bad(eccKey(STORAGE | A.sign_encrypt))).toBe(TPM_RC.ATTRIBUTES | P(2));
    expect(await bad(eccKey(SIGNING | A.fixedTPM | A.encryptedDuplication))).toBe(TPM_RC.ATTRIBUTES | P(2));
    const noSym = eccKey(STORAGE);
    (noSym.parameters as { symmetric: unknown }).symmetric = NULL_SYM;
    expect(await bad(noSym)).toBe(TPM_RC.SYMMETRIC | P(2));
    const signWithSym = eccKey(SIGNING, { scheme: TPM_ALG.ECDSA });
    (signWithSym.parameters as { symmetric: unknown }).symmetric = { algorithm: TPM_ALG.AES, keyBits: 128, mode: TPM_ALG.CFB };
    expect(await bad(signWithSym)).toBe(TPM_RC.SYMMETRIC | P(2));
    expect(await bad(eccKey(STORAGE, { scheme: TPM_ALG.ECDSA }))).toBe(TPM_RC.SCHEME | P(2));
    expect(await bad(eccKey(SIGNING | A.restricted))).toBe(TPM_RC.SCHEME | P(2));
    expect(await bad(eccKey(STORAGE, { authPolicy: new Uint8Array(20) }))).toBe(TPM_RC.SIZE | P(2));
    // userAuth longer than the nameAlg digest: inSensitive (parameter 1).
    expect(await rcOf(createPrimary(client, eccKey(STORAGE), TPM_RH.OWNER, new Uint8Array(33).fill(7)))).toBe(TPM_RC.SIZE | P(1));
  });
});

describe('TPM2_Create, TPM2_Load, TPM2_ReadPublic', () => {
  async function withSrk() {
    const t = await startedTpm();
    const srk = await createPrimary(t.client, eccKey(STORAGE));
    return { ...t, srk };
  }

  it('creates a key under a storage parent and loads it back; QN chains from the hierarchy', async () => {
    const { client, srk } = await withSrk();
    const c = await client.run('Create', { parentHandle: srk.objectHandle, inSensitive: sensitive(), inPublic: { publicArea: eccKey(SIGNING, { scheme: TPM_ALG.ECDSA }) }, ...noCreation });
    expect(c.creationData.creationData.parentName).toEqual(srk.name);
    const l = await client.run('Load', { parentHandle: srk.objectHandle, inPrivate: c.outPrivate, inPublic: c.outPublic });
    expect(toHex(l.name)).toBe(nodeName(TPM_ALG.SHA256, c.outPublic.bytes!));
    const srkPublic = await client.run('ReadPublic', { objectHandle: srk.objectHandle });
    expect(toHex(srkPublic.qualifiedName)).toBe(nodeQN(TPM_ALG.SHA256, handleBytes(TPM_RH.OWNER), srk.name));
    const key = await client.run('ReadPublic', { objectHandle: l.objectHandle });
    expect(toHex(key.name)).toBe(toHex(l.name));
    expect(toHex(key.qualifiedName)).toBe(nodeQN(TPM_ALG.SHA256, srkPublic.qualifiedName, l.name));
    // The same private area loads again: a second handle, the same Name.
    const again = await client.run('Load', { parentHandle: srk.objectHandle, inPrivate: c.outPrivate, inPublic: c.outPublic });
    expect(again.objectHandle).not.toBe(l.objectHandle);
    expect(toHex(again.name)).toBe(toHex(l.name));
  });

  it('a private area bound to another public area, or altered, fails its integrity check', async () => {
    const { client, srk } = await withSrk();
    const create = (t: TPMT_PUBLIC) => client.run('Create', { parentHandle: srk.objectHandle, inSensitive: sensitive(), inPublic: { publicArea: t }, ...noCreation });
    const a = await create(eccKey(SIGNING, { scheme: TPM_ALG.ECDSA }));
    const b = await create(eccKey(SIGNING, { scheme: TPM_ALG.ECDSA }));
    expect(await rcOf(client.run('Load', { parentHandle: srk.objectHandle, inPrivate: a.outPrivate, inPublic: b.outPublic }))).toBe(TPM_RC.INTEGRITY | P(1));
    const flipped = a.outPrivate.slice();
    flipped[flipped.length - 1] ^= 1;
    expect(await rcOf(client.run('Load', { parentHandle: srk.objectHandle, inPrivate: flipped, inPublic: a.outPublic }))).toBe(TPM_RC.INTEGRITY | P(1));
    expect(await rcOf(client.run('Load', { parentHandle: srk.objectHandle, inPrivate: EMPTY, inPublic: a.outPublic }))).toBe(TPM_RC.SIZE | P(1));
    // Another SRK (other template data) cannot load it.
    const other = eccKey(STORAGE);
    other.unique = { x: Uint8Array.of(9), y: EMPTY };
    const srk2 = await createPrimary(client, other);
    expect(await rcOf(client.run('Load', { parentHandle: srk2.objectHandle, inPrivate: a.outPrivate, inPublic: a.outPublic }))).toBe(TPM_RC.INTEGRITY | P(1));
  });

  it('only a storage parent has children; the parent must allow its authValue', async () => {
    const { client, srk } = await withSrk();
    const c = await client.run('Create', { parentHandle: srk.objectHandle, inSensitive: sensitive(), inPublic: { publicArea: eccKey(SIGNING, { scheme: TPM_ALG.ECDSA }) }, ...noCreation });
    const key = await client.run('Load', { parentHandle: srk.objectHandle, inPrivate: c.outPrivate, inPublic: c.outPublic });
    expect(await rcOf(client.run('Create', { parentHandle: key.objectHandle, inSensitive: sensitive(), inPublic: { publicArea: sealedData() }, ...noCreation }))).toBe(TPM_RC.TYPE | H(1));
    // A parent without userWithAuth: its password may not authorize the USER role.
    const policyOnly = await createPrimary(client, eccKey(STORAGE & ~A.userWithAuth, { authPolicy: new Uint8Array(32) }));
    expect(await rcOf(client.run('Create', { parentHandle: policyOnly.objectHandle, inSensitive: sensitive(), inPublic: { publicArea: sealedData() }, ...noCreation }))).toBe(TPM_RC.AUTH_UNAVAILABLE);
    // A child of a fixedTPM parent: sensitiveDataOrigin SET with data given is refused.
    expect(await rcOf(client.run('Create', { parentHandle: srk.objectHandle, inSensitive: sensitive(EMPTY, Uint8Array.of(1)), inPublic: { publicArea: eccKey(SIGNING, { scheme: TPM_ALG.ECDSA }) }, ...noCreation }))).toBe(TPM_RC.ATTRIBUTES | P(2));
    // Sealed data: the caller's data, under the SRK.
    const sealed = await client.run('Create', { parentHandle: srk.objectHandle, inSensitive: sensitive(EMPTY, Uint8Array.of(1, 2, 3)), inPublic: { publicArea: sealedData() }, ...noCreation });
    const loaded = await client.run('Load', { parentHandle: srk.objectHandle, inPrivate: sealed.outPrivate, inPublic: sealed.outPublic });
    expect(loaded.name.length).toBe(34);
  });

  it('a child key with a password authorizes with it (DA-protected without noDA)', async () => {
    const { client, srk } = await withSrk();
    const auth = new TextEncoder().encode('child');
    const storageChild = eccKey(STORAGE & ~A.noDA);
    const c = await client.run('Create', { parentHandle: srk.objectHandle, inSensitive: sensitive(auth), inPublic: { publicArea: storageChild }, ...noCreation });
    const child = await client.run('Load', { parentHandle: srk.objectHandle, inPrivate: c.outPrivate, inPublic: c.outPublic });
    const grandchild = () => client.run('Create', { parentHandle: child.objectHandle, inSensitive: sensitive(EMPTY, Uint8Array.of(1)), inPublic: { publicArea: sealedData() }, ...noCreation }, { auth: { parentHandle: 'child' } });
    expect((await grandchild()).outPrivate.length).toBeGreaterThan(0);
    expect(await rcOf(client.run('Create', { parentHandle: child.objectHandle, inSensitive: sensitive(EMPTY, Uint8Array.of(1)), inPublic: { publicArea: sealedData() }, ...noCreation }, { auth: { parentHandle: 'wrong' } }))).toBe(TPM_RC.AUTH_FAIL | S1);
  });

  it('ReadPublic of a sequence object is TPM_RC_SEQUENCE', async () => {
    const { client } = await startedTpm();
    const seq = await client.run('HashSequenceStart', { auth: EMPTY, hashAlg: TPM_ALG.SHA256 });
    expect(await rcOf(client.run('ReadPublic', { objectHandle: seq.sequenceHandle }))).toBe(TPM_RC.SEQUENCE | H(1));
  });

  it('object slots come from the profile: pc-client keeps 3, then TPM_RC_OBJECT_MEMORY', async () => {
    const { client } = await startedTpm({ profile: 'pc-client' });
    for (let i = 0; i < 3; i++) await createPrimary(client, eccKey(STORAGE));
    expect(await rcOf(createPrimary(client, eccKey(STORAGE)))).toBe(TPM_RC.OBJECT_MEMORY);
    const avail = await client.run('GetCapability', { capability: TPM_CAP.TPM_PROPERTIES, property: 0x207 /* TPM_PT_HR_TRANSIENT_AVAIL */, propertyCount: 1 });
    expect(avail.capabilityData.data).toEqual({ tpmProperty: [{ property: 0x207, value: 0 }] });
  });

  it('HierarchyControl disabling the owner hierarchy flushes its objects', async () => {
    const { client, srk } = await withSrk();
    await client.run('HierarchyControl', { authHandle: TPM_RH.PLATFORM, enable: TPM_RH.OWNER, state: 0 });
    expect(await rcOf(client.run('ReadPublic', { objectHandle: srk.objectHandle }))).toBe(TPM_RC.REFERENCE_H0);
  });

  it('tcm2: SM2 storage key with SM4 and SM3 names; an SM2 signing key under it', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const opts = { curve: TPM_ECC.SM2_P256, nameAlg: TPM_ALG.SM3_256, sym: TPM_ALG.SM4 };
    const srk = await createPrimary(client, eccKey(STORAGE, opts));
    expect(toHex(srk.name)).toBe(nodeName(TPM_ALG.SM3_256, srk.outPublic.bytes!));
    const c = await client.run('Create', { parentHandle: srk.objectHandle, inSensitive: sensitive(), inPublic: { publicArea: eccKey(SIGNING, { ...opts, scheme: TPM_ALG.SM2 }) }, ...noCreation });
    const l = await client.run('Load', { parentHandle: srk.objectHandle, inPrivate: c.outPrivate, inPublic: c.outPublic });
    expect(toHex(l.name)).toBe(nodeName(TPM_ALG.SM3_256, c.outPublic.bytes!));
  });
});

describe('storage parents of each kind and name algorithms', () => {
  const NODE: Record<number, string> = { [TPM_ALG.SHA256]: 'sha256', [TPM_ALG.SHA384]: 'sha384', [TPM_ALG.SHA512]: 'sha512', [TPM_ALG.SM3_256]: 'sm3' };
  const cases: { label: string; profile?: string; parent: TPMT_PUBLIC; child: TPMT_PUBLIC }[] = [
    { label: 'RSA-2048 parent, AES-128-CFB', parent: rsaKey(STORAGE), child: eccKey(SIGNING, { scheme: TPM_ALG.ECDSA }) },
    { label: 'ECC P-256 parent, SM4-128-CFB', parent: eccKey(STORAGE, { sym: TPM_ALG.SM4 }), child: sealedData() },
    { label: 'ECC P-384 parent, SHA-384 names', parent: eccKey(STORAGE, { curve: TPM_ECC.NIST_P384, nameAlg: TPM_ALG.SHA384 }), child: eccKey(SIGNING, { curve: TPM_ECC.NIST_P384, nameAlg: TPM_ALG.SHA384, scheme: TPM_ALG.ECDSA }) },
    { label: 'ECC P-521 parent, SHA-512 names', parent: eccKey(STORAGE, { curve: TPM_ECC.NIST_P521, nameAlg: TPM_ALG.SHA512 }), child: sealedData(TPM_ALG.SHA512) },
    { label: 'SM2 parent, SM4, SM3 names (tcm2)', profile: 'tcm2', parent: eccKey(STORAGE, { curve: TPM_ECC.SM2_P256, nameAlg: TPM_ALG.SM3_256, sym: TPM_ALG.SM4 }), child: sealedData(TPM_ALG.SM3_256) },
  ];
  it.each(cases)('$label: a child wraps, loads, and its Name is nameAlg ‖ H(public)', async ({ profile, parent, child }) => {
    const { client } = await startedTpm({ profile });
    const p = await createPrimary(client, parent);
    expect(toHex(p.name)).toBe(parent.nameAlg.toString(16).padStart(4, '0') + createHash(NODE[parent.nameAlg]).update(p.outPublic.bytes!).digest('hex'));
    const data = child.type === TPM_ALG.KEYEDHASH ? Uint8Array.of(4, 5, 6) : EMPTY;
    const c = await client.run('Create', { parentHandle: p.objectHandle, inSensitive: sensitive(EMPTY, data), inPublic: { publicArea: child }, ...noCreation });
    const l = await client.run('Load', { parentHandle: p.objectHandle, inPrivate: c.outPrivate, inPublic: c.outPublic });
    expect(toHex(l.name)).toBe(child.nameAlg.toString(16).padStart(4, '0') + createHash(NODE[child.nameAlg]).update(c.outPublic.bytes!).digest('hex'));
  });
});

describe('TPM2_EvictControl', () => {
  it('persists an object at an owner handle; it survives a power cycle; evicting removes it', async () => {
    const storage = memoryStorage();
    const { tpm, client } = await startedTpm({ storage });
    const srk = await createPrimary(client, eccKey(STORAGE));
    const handle = 0x81000001;
    await client.run('EvictControl', { auth: TPM_RH.OWNER, objectHandle: srk.objectHandle, persistentHandle: handle });
    expect(await rcOf(client.run('EvictControl', { auth: TPM_RH.OWNER, objectHandle: srk.objectHandle, persistentHandle: handle }))).toBe(TPM_RC.NV_DEFINED);
    const handles = await client.run('GetCapability', { capability: TPM_CAP.HANDLES, property: 0x81000000, propertyCount: 10 });
    expect(handles.capabilityData.data).toEqual({ handle: [handle] });
    tpm.powerOff();
    // A new TPM on the same storage: the persistent object is there, usable as a parent.
    const { client: after } = testTpm({ storage });
    await after.startup();
    const p = await after.run('ReadPublic', { objectHandle: handle });
    expect(toHex(p.name)).toBe(toHex(srk.name));
    const c = await after.run('Create', { parentHandle: handle, inSensitive: sensitive(EMPTY, Uint8Array.of(5)), inPublic: { publicArea: sealedData() }, ...noCreation });
    await after.run('Load', { parentHandle: handle, inPrivate: c.outPrivate, inPublic: c.outPublic });
    await after.run('EvictControl', { auth: TPM_RH.OWNER, objectHandle: handle, persistentHandle: handle });
    expect(await rcOf(after.run('ReadPublic', { objectHandle: handle }))).toBe(TPM_RC.HANDLE | H(1));
  });

  it('checks ranges and hierarchies; Clear removes owner and endorsement objects', async () => {
    const { client } = await startedTpm();
    const srk = await createPrimary(client, eccKey(STORAGE));
    expect(await rcOf(client.run('EvictControl', { auth: TPM_RH.OWNER, objectHandle: srk.objectHandle, persistentHandle: 0x81800001 }))).toBe(TPM_RC.RANGE | P(1));
    expect(await rcOf(client.run('EvictControl', { auth: TPM_RH.PLATFORM, objectHandle: srk.objectHandle, persistentHandle: 0x81800001 }))).toBe(TPM_RC.HIERARCHY | H(2));
    const tmp = await createPrimary(client, eccKey(STORAGE), TPM_RH.NULL);
    expect(await rcOf(client.run('EvictControl', { auth: TPM_RH.OWNER, objectHandle: tmp.objectHandle, persistentHandle: 0x81000002 }))).toBe(TPM_RC.ATTRIBUTES | H(2));
    const ph = await createPrimary(client, eccKey(STORAGE), TPM_RH.PLATFORM);
    await client.run('EvictControl', { auth: TPM_RH.PLATFORM, objectHandle: ph.objectHandle, persistentHandle: 0x81800001 });
    await client.run('EvictControl', { auth: TPM_RH.OWNER, objectHandle: srk.objectHandle, persistentHandle: 0x81000001 });
    await client.run('Clear', { authHandle: TPM_RH.PLATFORM });
    const handles = await client.run('GetCapability', { capability: TPM_CAP.HANDLES, property: 0x81000000, propertyCount: 10 });
    expect(handles.capabilityData.data).toEqual({ handle: [0x81800001] });
  });
});

describe('TPM2_ContextSave and TPM2_ContextLoad', () => {
  it('an object context loads again (any number of times) into new slots; tampering fails', async () => {
    const { tpm, client } = await startedTpm();
    const srk = await createPrimary(client, eccKey(STORAGE));
    const { context } = await client.run('ContextSave', { saveHandle: srk.objectHandle });
    expect(context.savedHandle).toBe(0x80000000);
    expect(context.hierarchy).toBe(TPM_RH.OWNER);
    await client.run('FlushContext', { flushHandle: srk.objectHandle });
    const a = await client.run('ContextLoad', { context });
    const b = await client.run('ContextLoad', { context });
    expect(a.loadedHandle).not.toBe(b.loadedHandle);
    expect(toHex((await client.run('ReadPublic', { objectHandle: b.loadedHandle })).name)).toBe(toHex(srk.name));
    const blob = context.contextBlob.slice();
    blob[blob.length - 1] ^= 0x80;
    expect(await rcOf(client.run('ContextLoad', { context: { ...context, contextBlob: blob } }))).toBe(TPM_RC.INTEGRITY | P(1));
    expect(await rcOf(client.run('ContextLoad', { context: { ...context, sequence: context.sequence + 1n } }))).toBe(TPM_RC.INTEGRITY | P(1));
    // A TPM Reset makes old contexts unloadable.
    tpm.powerOff();
    tpm.powerOn();
    await client.startup();
    expect(await rcOf(client.run('ContextLoad', { context }))).toBe(TPM_RC.INTEGRITY | P(1));
  });

  it('a session context is saved once: its handle stays, it loads back once, a flush forgets it', async () => {
    const { client } = await startedTpm();
    const s = await client.startAuthSession({ type: 'hmac' });
    const { context } = await client.run('ContextSave', { saveHandle: s.handle });
    expect(context.savedHandle).toBe(s.handle);
    const saved = await client.run('GetCapability', { capability: TPM_CAP.HANDLES, property: 0x03000000, propertyCount: 10 });
    expect(saved.capabilityData.data).toEqual({ handle: [s.handle] });
    expect((await client.run('ContextLoad', { context })).loadedHandle).toBe(s.handle);
    expect(await rcOf(client.run('ContextLoad', { context }))).toBe(TPM_RC.HANDLE | P(1));
    // The reloaded session still authorizes.
    await client.run('NV_DefineSpace', { authHandle: TPM_RH.OWNER, auth: EMPTY, publicInfo: { nvPublic: { nvIndex: 0x01000001, nameAlg: TPM_ALG.SHA256, attributes: 0x00060006 /* OWNERWRITE|OWNERREAD|AUTHWRITE|AUTHREAD */, authPolicy: EMPTY, dataSize: 4 } } }, { auth: { authHandle: { session: s } } });
    const again = await client.run('ContextSave', { saveHandle: s.handle });
    await client.run('FlushContext', { flushHandle: s.handle });
    expect(await rcOf(client.run('ContextLoad', { context: again.context }))).toBe(TPM_RC.HANDLE | P(1));
  });
});

describe('objects in snapshots', () => {
  it('a restored TPM keeps loaded and persistent objects: the same keys sign', async () => {
    const { tpm, client } = await startedTpm();
    const srk = await createPrimary(client, eccKey(STORAGE));
    await client.run('EvictControl', { auth: TPM_RH.OWNER, objectHandle: srk.objectHandle, persistentHandle: 0x81000010 });
    const c = await client.run('Create', { parentHandle: srk.objectHandle, inSensitive: sensitive(), inPublic: { publicArea: eccKey(SIGNING, { scheme: TPM_ALG.ECDSA }) }, ...noCreation });
    const key = await client.run('Load', { parentHandle: srk.objectHandle, inPrivate: c.outPrivate, inPublic: c.outPublic });
    const copy = createTpm({ snapshot: tpm.snapshot() });
    const other = createClient(inProcess(copy));
    const digest = new Uint8Array(32).fill(5);
    const sign = { keyHandle: key.objectHandle, digest, inScheme: NULL_SCHEME, validation: { tag: 0x8024, hierarchy: TPM_RH.NULL, digest: EMPTY } };
    const { signature } = await other.run('Sign', sign);
    expect(verifySignature(c.outPublic.publicArea, digest, signature)).toBe(true);
    expect(toHex((await other.run('ReadPublic', { objectHandle: 0x81000010 })).name)).toBe(toHex(srk.name));
    // The copy is independent: flushing there leaves the original's key loaded.
    await other.run('FlushContext', { flushHandle: key.objectHandle });
    await client.run('Sign', sign);
  });
});

describe('RSA key sizes and the context gap', () => {
  it('RSA-1024 keys under the SRK sign (node:crypto verifies); an RSA-4096 primary is derived', async () => {
    const { client } = await startedTpm();
    const srk = await createPrimary(client, eccKey(STORAGE));
    const rsa1024: TPMT_PUBLIC = {
      ...rsaKey(SIGNING, 1024),
      parameters: { symmetric: NULL_SYM, scheme: { scheme: TPM_ALG.RSASSA, details: { hashAlg: TPM_ALG.SHA256 } }, keyBits: 1024, exponent: 0 },
    };
    const c = await client.run('Create', { parentHandle: srk.objectHandle, inSensitive: sensitive(), inPublic: { publicArea: rsa1024 }, ...noCreation });
    expect((c.outPublic.publicArea.unique as Uint8Array).length).toBe(128);
    const key = await client.run('Load', { parentHandle: srk.objectHandle, inPrivate: c.outPrivate, inPublic: c.outPublic });
    const digest = new Uint8Array(createHash('sha256').update('rsa-1024').digest());
    const { signature } = await client.run('Sign', { keyHandle: key.objectHandle, digest, inScheme: NULL_SCHEME, validation: { tag: 0x8024, hierarchy: TPM_RH.NULL, digest: EMPTY } });
    expect(verifySignature(c.outPublic.publicArea, digest, signature)).toBe(true);
    // The exponent is 0 (65537) or a prime of at least 65537; key generation errors carry no number.
    for (const exponent of [3, 65539 * 3]) {
      const t = rsaKey(STORAGE, 1024);
      (t.parameters as { exponent: number }).exponent = exponent;
      expect(await rcOf(createPrimary(client, t))).toBe(TPM_RC.RANGE);
    }
    const big = await createPrimary(client, rsaKey(STORAGE, 4096));
    expect((big.outPublic.publicArea.unique as Uint8Array).length).toBe(512);
  }, 60_000);

  it('saving a session more than CONTEXT_GAP_MAX contexts after the oldest saved one is TPM_RC_CONTEXT_GAP', async () => {
    const { client } = await startedTpm({ profile: { ...PROFILE_SPECS.tpm2, name: 'small-gap', limits: { ...PROFILE_SPECS.tpm2.limits, CONTEXT_GAP_MAX: 3 } } });
    const old = await client.startAuthSession({});
    const saved = (await client.run('ContextSave', { saveHandle: old.handle })).context;
    const srk = await createPrimary(client, eccKey(STORAGE));
    for (let i = 0; i < 3; i++) await client.run('ContextSave', { saveHandle: srk.objectHandle });
    const next = await client.startAuthSession({});
    expect(await rcOf(client.run('ContextSave', { saveHandle: next.handle }))).toBe(TPM_RC.CONTEXT_GAP);
    // The refused save used no sequence number; loading the old session back closes the gap.
    const { context } = await client.run('ContextSave', { saveHandle: srk.objectHandle });
    expect(context.sequence).toBe(5n);
    await client.run('ContextLoad', { context: saved });
    await client.run('ContextSave', { saveHandle: next.handle });
  });
});
