/**
 * Part 3 "Duplication Commands": TPM2_Duplicate, TPM2_Import and TPM2_Rewrap through the typed
 * client on seeded TPMs, both profiles (tcm2: SM2 parents, SM4 wrappers, SM3 Names). Objects move
 * between TPMs with different seeds: the new parent's public area is brought to the source TPM
 * with TPM2_LoadExternal. Host-built blobs (src/protocol/import.ts createImportBlob) are imported
 * too. A blob duplicated to TPM_RH_NULL without an inner wrapper is plain TPM2B(TPMT_SENSITIVE)
 * and is decoded here to check what the TPM put in it.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import type { AuthSessionHandle } from '../../src/client/session.js';
import { srkTemplate, symDef, symNull } from '../../src/client/templates.js';
import { utf8 } from '../../src/crypto/bytes.js';
import { createDrbg } from '../../src/crypto/drbg.js';
import { eccGenerateKey, eccToBytes, getCurve } from '../../src/crypto/ecc.js';
import { hashByAlg } from '../../src/crypto/hash.js';
import { TPM_ALG, TPM_CC, TPM_ECC, TPM_RC, TPM_RH, TPMA_OBJECT as A } from '../../src/gen/constants.js';
import { SCHEMA } from '../../src/gen/schemas.js';
import type { TPMS_ECC_POINT, TPMT_PUBLIC, TPMT_SENSITIVE, TPMT_SYM_DEF_OBJECT } from '../../src/gen/types.js';
import { createImportBlob } from '../../src/protocol/import.js';
import { publicName } from '../../src/protocol/keys.js';
import { emptyPolicy, policyCommandCode } from '../../src/protocol/policy.js';
import { createCodec } from '../../src/wire/codec.js';
import { rcOf, startedTpm, toHex } from '../helpers/tpm.js';

const P = (n: number) => TPM_RC.P | (n << 8);
const H = (n: number) => TPM_RC.H | (n << 8);
const S1 = TPM_RC.S | 0x100;
const EMPTY = new Uint8Array(0);
const codec = createCodec({ schema: SCHEMA, strict: false });
const NULL_SCHEME = { scheme: TPM_ALG.NULL, details: null };
const noCreation = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };

interface Suite {
  profile: 'tpm2' | 'tcm2';
  nameAlg: number;
  nodeHash: string;
  cipher: number;
  curve: number;
  signScheme: number;
  srk: () => TPMT_PUBLIC;
}

const SUITES: Suite[] = [
  { profile: 'tpm2', nameAlg: TPM_ALG.SHA256, nodeHash: 'sha256', cipher: TPM_ALG.AES, curve: TPM_ECC.NIST_P256, signScheme: TPM_ALG.ECDSA, srk: () => srkTemplate({ alg: 'ecc-p256' }) },
  { profile: 'tcm2', nameAlg: TPM_ALG.SM3_256, nodeHash: 'sm3', cipher: TPM_ALG.SM4, curve: TPM_ECC.SM2_P256, signScheme: TPM_ALG.SM2, srk: () => srkTemplate({ alg: 'sm2-p256' }) },
];

const wrapSym = (s: Suite): TPMT_SYM_DEF_OBJECT => symDef(s.cipher, 128);
const dupPolicy = (s: Suite) => policyCommandCode(hashByAlg(s.nameAlg)!, emptyPolicy(hashByAlg(s.nameAlg)!), TPM_CC.Duplicate);

/** A duplicable sealed data object (fixedTPM, fixedParent CLEAR) whose authPolicy allows TPM2_Duplicate. */
function sealed(s: Suite, extra = 0): TPMT_PUBLIC {
  return { type: TPM_ALG.KEYEDHASH, nameAlg: s.nameAlg, objectAttributes: A.userWithAuth | A.noDA | extra, authPolicy: dupPolicy(s), parameters: { scheme: NULL_SCHEME }, unique: EMPTY };
}

/** A duplicable ECC signing key. */
function signingKey(s: Suite, extra = 0): TPMT_PUBLIC {
  return {
    type: TPM_ALG.ECC,
    nameAlg: s.nameAlg,
    objectAttributes: A.sensitiveDataOrigin | A.userWithAuth | A.noDA | A.sign_encrypt | extra,
    authPolicy: dupPolicy(s),
    parameters: { symmetric: symNull(), scheme: { scheme: s.signScheme, details: { hashAlg: s.nameAlg } }, curveID: s.curve, kdf: NULL_SCHEME },
    unique: { x: EMPTY, y: EMPTY },
  };
}

interface Side {
  client: Client;
  srk: number;
  srkPublic: TPMT_PUBLIC;
}

async function side(s: Suite, seed: string, srkTemplate: TPMT_PUBLIC = s.srk()): Promise<Side> {
  const { client } = await startedTpm({ profile: s.profile, seed });
  const p = await client.run('CreatePrimary', { primaryHandle: TPM_RH.OWNER, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: srkTemplate }, ...noCreation });
  return { client, srk: p.objectHandle, srkPublic: p.outPublic.publicArea };
}

async function createLoaded(client: Client, parent: number, template: TPMT_PUBLIC, data: Uint8Array = EMPTY, userAuth: Uint8Array = EMPTY) {
  const c = await client.run('Create', { parentHandle: parent, inSensitive: { sensitive: { userAuth, data } }, inPublic: { publicArea: template }, ...noCreation });
  const l = await client.run('Load', { parentHandle: parent, inPrivate: c.outPrivate, inPublic: { publicArea: c.outPublic.publicArea } });
  return { handle: l.objectHandle, name: l.name, public: c.outPublic.publicArea };
}

/** The public area of another TPM's key, loaded here (TPM2_LoadExternal). */
async function external(client: Client, pub: TPMT_PUBLIC): Promise<number> {
  return (await client.run('LoadExternal', { inPrivate: {}, inPublic: { publicArea: pub }, hierarchy: TPM_RH.OWNER })).objectHandle;
}

async function dupSession(client: Client, s: Suite): Promise<AuthSessionHandle> {
  const session = await client.startAuthSession({ hash: s.nameAlg, type: 'policy' });
  await client.run('PolicyCommandCode', { policySession: session.handle, code: TPM_CC.Duplicate });
  return session;
}

async function duplicate(client: Client, s: Suite, objectHandle: number, newParentHandle: number, symmetricAlg: TPMT_SYM_DEF_OBJECT = symNull(), encryptionKeyIn: Uint8Array = EMPTY) {
  const session = await dupSession(client, s);
  return client.run('Duplicate', { objectHandle, newParentHandle, encryptionKeyIn, symmetricAlg }, { auth: { objectHandle: { session } } });
}

interface ImportArgs {
  encryptionKey?: Uint8Array;
  objectPublic: TPMT_PUBLIC;
  duplicate: Uint8Array;
  inSymSeed?: Uint8Array;
  symmetricAlg?: TPMT_SYM_DEF_OBJECT;
}

function importInto(client: Client, parentHandle: number, a: ImportArgs) {
  return client.run('Import', {
    parentHandle,
    encryptionKey: a.encryptionKey ?? EMPTY,
    objectPublic: { publicArea: a.objectPublic },
    duplicate: a.duplicate,
    inSymSeed: a.inSymSeed ?? EMPTY,
    symmetricAlg: a.symmetricAlg ?? symNull(),
  });
}

async function importAndLoad(client: Client, parentHandle: number, a: ImportArgs) {
  const { outPrivate } = await importInto(client, parentHandle, a);
  return client.run('Load', { parentHandle, inPrivate: outPrivate, inPublic: { publicArea: a.objectPublic } });
}

const flip = (b: Uint8Array, at: number) => {
  const c = b.slice();
  c[at < 0 ? c.length + at : at] ^= 0x01;
  return c;
};

/** A host-made sealed data object: unique = H_nameAlg(seedValue ‖ data) (Part 1 "Sealed Data Objects"). */
function hostSealed(s: Suite, data: Uint8Array, attributes = A.userWithAuth | A.noDA): { public: TPMT_PUBLIC; sensitive: TPMT_SENSITIVE } {
  const seedValue = createDrbg(utf8('host sealed seed')).bytes(hashByAlg(s.nameAlg)!.digestSize);
  const unique = new Uint8Array(createHash(s.nodeHash).update(seedValue).update(data).digest());
  return {
    public: { type: TPM_ALG.KEYEDHASH, nameAlg: s.nameAlg, objectAttributes: attributes, authPolicy: EMPTY, parameters: { scheme: NULL_SCHEME }, unique },
    sensitive: { sensitiveType: TPM_ALG.KEYEDHASH, authValue: utf8('host-pw'), seedValue, sensitive: data },
  };
}

describe.each(SUITES)('TPM2_Duplicate / TPM2_Import ($profile)', (s) => {
  it('moves a sealed object and a signing key to another TPM (outer wrapper only): same Name, the data unseals there', async () => {
    const a = await side(s, 'dup source');
    const b = await side(s, 'dup target');
    expect(toHex(publicName(b.srkPublic))).not.toBe(toHex(publicName(a.srkPublic)));
    const bSrkOnA = await external(a.client, b.srkPublic);
    const secret = utf8('migrate me');
    for (const [template, data] of [
      [sealed(s), secret],
      [signingKey(s), EMPTY],
    ] as const) {
      const obj = await createLoaded(a.client, a.srk, template, data, utf8('obj-pw'));
      const dup = await duplicate(a.client, s, obj.handle, bSrkOnA);
      expect(dup.encryptionKeyOut).toEqual(EMPTY);
      expect(dup.outSymSeed.length).toBeGreaterThan(0);
      // Not importable under A's own SRK (another seed protects it): the outer HMAC fails, or the secret does not decrypt.
      expect(await rcOf(importInto(a.client, a.srk, { objectPublic: obj.public, duplicate: dup.duplicate, inSymSeed: dup.outSymSeed }))).toBe(TPM_RC.INTEGRITY | P(3));
      const loaded = await importAndLoad(b.client, b.srk, { objectPublic: obj.public, duplicate: dup.duplicate, inSymSeed: dup.outSymSeed });
      expect(toHex(loaded.name)).toBe(toHex(obj.name));
      if (data.length) expect((await b.client.run('Unseal', { itemHandle: loaded.objectHandle }, { auth: { itemHandle: 'obj-pw' } })).outData).toEqual(secret);
    }
  });

  it('to TPM_RH_NULL without an inner wrapper the blob is TPM2B(TPMT_SENSITIVE) in the clear, authValue padded to the digest', async () => {
    const a = await side(s, 'dup source');
    const b = await side(s, 'dup target');
    const obj = await createLoaded(a.client, a.srk, sealed(s), utf8('plain'), utf8('pw'));
    const dup = await duplicate(a.client, s, obj.handle, TPM_RH.NULL);
    expect(dup.outSymSeed).toEqual(EMPTY);
    expect(dup.encryptionKeyOut).toEqual(EMPTY);
    const size = (dup.duplicate[0] << 8) | dup.duplicate[1];
    expect(size + 2).toBe(dup.duplicate.length);
    const sens = codec.decode<TPMT_SENSITIVE>('TPMT_SENSITIVE', dup.duplicate.subarray(2));
    expect(sens.sensitiveType).toBe(TPM_ALG.KEYEDHASH);
    expect(sens.sensitive).toEqual(utf8('plain'));
    const authValue = new Uint8Array(hashByAlg(s.nameAlg)!.digestSize);
    authValue.set(utf8('pw'));
    expect(sens.authValue).toEqual(authValue);
    // Imported on another TPM with no seed at all.
    const loaded = await importAndLoad(b.client, b.srk, { objectPublic: obj.public, duplicate: dup.duplicate });
    expect((await b.client.run('Unseal', { itemHandle: loaded.objectHandle }, { auth: { itemHandle: 'pw' } })).outData).toEqual(utf8('plain'));
  });

  it('inner wrapper with the caller key (encryptionKeyOut empty) or a TPM-drawn key (returned); the wrong key fails integrity', async () => {
    const a = await side(s, 'dup source');
    const b = await side(s, 'dup target');
    const bSrkOnA = await external(a.client, b.srkPublic);
    const obj = await createLoaded(a.client, a.srk, sealed(s), utf8('inner'), EMPTY);
    const sym = wrapSym(s);
    const key = Uint8Array.from({ length: 16 }, (_, i) => i * 7);

    const given = await duplicate(a.client, s, obj.handle, bSrkOnA, sym, key);
    expect(given.encryptionKeyOut).toEqual(EMPTY);
    const args = { objectPublic: obj.public, duplicate: given.duplicate, inSymSeed: given.outSymSeed, symmetricAlg: sym };
    // A wrong key decrypts the inner integrity's size field to garbage: the reference's CheckInnerIntegrity fails unmarshalling it.
    expect(await rcOf(importInto(b.client, b.srk, { ...args, encryptionKey: flip(key, 0) }))).toBe(TPM_RC.SIZE | P(3));
    expect(await rcOf(importInto(b.client, b.srk, { ...args, encryptionKey: key.subarray(0, 15) }))).toBe(TPM_RC.SIZE | P(1));
    expect(await rcOf(importInto(b.client, b.srk, { ...args, encryptionKey: key, symmetricAlg: symNull() }))).toBe(TPM_RC.SIZE | P(1));
    let loaded = await importAndLoad(b.client, b.srk, { ...args, encryptionKey: key });
    expect((await b.client.run('Unseal', { itemHandle: loaded.objectHandle })).outData).toEqual(utf8('inner'));

    const drawn = await duplicate(a.client, s, obj.handle, bSrkOnA, sym);
    expect(drawn.encryptionKeyOut.length).toBe(16);
    loaded = await importAndLoad(b.client, b.srk, { objectPublic: obj.public, duplicate: drawn.duplicate, inSymSeed: drawn.outSymSeed, symmetricAlg: sym, encryptionKey: drawn.encryptionKeyOut });
    expect(toHex(loaded.name)).toBe(toHex(obj.name));

    // Inner wrapper only (new parent TPM_RH_NULL): a damaged blob fails the inner integrity.
    const innerOnly = await duplicate(a.client, s, obj.handle, TPM_RH.NULL, sym, key);
    const inner = { objectPublic: obj.public, symmetricAlg: sym, encryptionKey: key };
    expect(await rcOf(importInto(b.client, b.srk, { ...inner, duplicate: flip(innerOnly.duplicate, -1) }))).toBe(TPM_RC.INTEGRITY | P(3));
    loaded = await importAndLoad(b.client, b.srk, { ...inner, duplicate: innerOnly.duplicate });
    expect((await b.client.run('Unseal', { itemHandle: loaded.objectHandle })).outData).toEqual(utf8('inner'));
  });

  it('encryptedDuplication needs both wrappers, on Duplicate and on Import', async () => {
    const a = await side(s, 'dup source');
    const b = await side(s, 'dup target');
    const bSrkOnA = await external(a.client, b.srkPublic);
    const obj = await createLoaded(a.client, a.srk, sealed(s, A.encryptedDuplication), utf8('enc-dup'));
    const sym = wrapSym(s);
    expect(await rcOf(duplicate(a.client, s, obj.handle, bSrkOnA))).toBe(TPM_RC.SYMMETRIC | P(2));
    expect(await rcOf(duplicate(a.client, s, obj.handle, TPM_RH.NULL, sym))).toBe(TPM_RC.HIERARCHY | H(2));
    const dup = await duplicate(a.client, s, obj.handle, bSrkOnA, sym);
    const args = { objectPublic: obj.public, duplicate: dup.duplicate, inSymSeed: dup.outSymSeed, symmetricAlg: sym, encryptionKey: dup.encryptionKeyOut };
    expect(await rcOf(importInto(b.client, b.srk, { ...args, symmetricAlg: symNull(), encryptionKey: EMPTY }))).toBe(TPM_RC.ATTRIBUTES | P(1));
    expect(await rcOf(importInto(b.client, b.srk, { ...args, inSymSeed: EMPTY }))).toBe(TPM_RC.ATTRIBUTES | P(4));
    const loaded = await importAndLoad(b.client, b.srk, args);
    expect((await b.client.run('Unseal', { itemHandle: loaded.objectHandle })).outData).toEqual(utf8('enc-dup'));
  });

  it('Duplicate refuses fixedParent objects, non-storage new parents, bad encryptionKeyIn sizes and authorizations other than a policy', async () => {
    const a = await side(s, 'dup source');
    const sym = wrapSym(s);
    const fixed = await createLoaded(a.client, a.srk, { ...sealed(s), objectAttributes: A.fixedTPM | A.fixedParent | A.userWithAuth | A.noDA }, utf8('x'));
    expect(await rcOf(duplicate(a.client, s, fixed.handle, TPM_RH.NULL))).toBe(TPM_RC.ATTRIBUTES | H(1));
    const obj = await createLoaded(a.client, a.srk, sealed(s), utf8('x'));
    const signer = await createLoaded(a.client, a.srk, signingKey(s));
    expect(await rcOf(duplicate(a.client, s, obj.handle, signer.handle))).toBe(TPM_RC.TYPE | H(2));
    expect(await rcOf(duplicate(a.client, s, obj.handle, TPM_RH.NULL, symNull(), new Uint8Array(16)))).toBe(TPM_RC.SIZE | P(1));
    expect(await rcOf(duplicate(a.client, s, obj.handle, TPM_RH.NULL, sym, new Uint8Array(15)))).toBe(TPM_RC.SIZE | P(1));
    // The DUP role: a password cannot authorize, nor a policy for another command.
    const dupIn = { objectHandle: obj.handle, newParentHandle: TPM_RH.NULL, encryptionKeyIn: EMPTY, symmetricAlg: symNull() };
    expect(await rcOf(a.client.run('Duplicate', dupIn))).toBe(TPM_RC.AUTH_TYPE);
    const other = await a.client.startAuthSession({ hash: s.nameAlg, type: 'policy' });
    await a.client.run('PolicyCommandCode', { policySession: other.handle, code: TPM_CC.Unseal });
    expect(await rcOf(a.client.run('Duplicate', dupIn, { auth: { objectHandle: { session: other } } }))).toBe(TPM_RC.POLICY_CC | S1);
    // A public-only object: there is no sensitive area to duplicate (and no policy authorization for it).
    const pubOnly = await external(a.client, obj.public);
    expect(await rcOf(duplicate(a.client, s, pubOnly, TPM_RH.NULL))).toBe(TPM_RC.AUTH_UNAVAILABLE);
  });

  it('Import checks: attributes, parent, Name algorithm, the seed, the binding to objectPublic', async () => {
    const a = await side(s, 'dup source');
    const b = await side(s, 'dup target');
    const bSrkOnA = await external(a.client, b.srkPublic);
    const obj = await createLoaded(a.client, a.srk, sealed(s), utf8('checks'));
    const dup = await duplicate(a.client, s, obj.handle, bSrkOnA);
    const args = { objectPublic: obj.public, duplicate: dup.duplicate, inSymSeed: dup.outSymSeed };
    // objectPublic (parameter 2) must be neither fixedTPM nor fixedParent.
    for (const bits of [A.fixedTPM, A.fixedParent]) {
      expect(await rcOf(importInto(b.client, b.srk, { ...args, objectPublic: { ...obj.public, objectAttributes: obj.public.objectAttributes | bits } }))).toBe(TPM_RC.ATTRIBUTES | P(2));
    }
    // The parent must be a storage parent.
    const signer = await createLoaded(b.client, b.srk, signingKey(s));
    expect(await rcOf(importInto(b.client, signer.handle, args))).toBe(TPM_RC.TYPE | H(1));
    // A Name needs a nameAlg.
    expect(await rcOf(importInto(b.client, b.srk, { objectPublic: { ...obj.public, nameAlg: TPM_ALG.NULL, authPolicy: EMPTY }, duplicate: dup.duplicate }))).toBe(TPM_RC.HASH | P(2));
    // The blob is bound to the Name: another public area fails the outer integrity.
    expect(await rcOf(importInto(b.client, b.srk, { ...args, objectPublic: { ...obj.public, objectAttributes: obj.public.objectAttributes & ~A.noDA } }))).toBe(TPM_RC.INTEGRITY | P(3));
    expect(await rcOf(importInto(b.client, b.srk, { ...args, duplicate: flip(dup.duplicate, -1) }))).toBe(TPM_RC.INTEGRITY | P(3));
    expect(await rcOf(importInto(b.client, b.srk, { ...args, duplicate: flip(dup.duplicate, 5) }))).toBe(TPM_RC.INTEGRITY | P(3));
    expect(await rcOf(importInto(b.client, b.srk, { ...args, duplicate: dup.duplicate.subarray(0, 1) }))).toBe(TPM_RC.INSUFFICIENT | P(3));
    // inSymSeed (parameter 4): an ECC point that is not on the curve; a truncated point.
    const point = codec.decode<TPMS_ECC_POINT>('TPMS_ECC_POINT', dup.outSymSeed);
    const offCurve = codec.encode('TPMS_ECC_POINT', { x: point.x, y: flip(point.y, -1) });
    expect(await rcOf(importInto(b.client, b.srk, { ...args, inSymSeed: offCurve }))).toBe(TPM_RC.ECC_POINT | P(4));
    expect(await rcOf(importInto(b.client, b.srk, { ...args, inSymSeed: dup.outSymSeed.subarray(0, 10) }))).toBe(TPM_RC.INSUFFICIENT | P(4));
    // Another valid point: another seed, so the outer HMAC fails.
    const other = await duplicate(a.client, s, obj.handle, bSrkOnA);
    expect(await rcOf(importInto(b.client, b.srk, { ...args, inSymSeed: other.outSymSeed }))).toBe(TPM_RC.INTEGRITY | P(3));
  });

  it('a symmetric parent imports blobs with an inner wrapper only; an outer wrapper needs an asymmetric parent', async () => {
    const a = await side(s, 'dup source');
    const b = await side(s, 'dup target');
    const symParent = await createLoaded(b.client, b.srk, {
      type: TPM_ALG.SYMCIPHER,
      nameAlg: s.nameAlg,
      objectAttributes: A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth | A.noDA | A.restricted | A.decrypt,
      authPolicy: EMPTY,
      parameters: { sym: wrapSym(s) },
      unique: EMPTY,
    });
    const obj = await createLoaded(a.client, a.srk, sealed(s), utf8('to a symcipher parent'));
    const sym = wrapSym(s);
    const dup = await duplicate(a.client, s, obj.handle, TPM_RH.NULL, sym);
    const args = { objectPublic: obj.public, duplicate: dup.duplicate, symmetricAlg: sym, encryptionKey: dup.encryptionKeyOut };
    expect(await rcOf(importInto(b.client, symParent.handle, { ...args, inSymSeed: new Uint8Array(68) }))).toBe(TPM_RC.TYPE | H(1));
    const loaded = await importAndLoad(b.client, symParent.handle, args);
    expect((await b.client.run('Unseal', { itemHandle: loaded.objectHandle })).outData).toEqual(utf8('to a symcipher parent'));
  });

  it('host-built blobs (createImportBlob): an ECC key and sealed data import and load; under a fixedTPM parent the keys are checked on Import', async () => {
    const b = await side(s, 'dup target');
    const rng = createDrbg(utf8('host import rng'));
    const curve = getCurve(s.curve)!;
    const k = eccGenerateKey(curve, rng);
    const eccPub: TPMT_PUBLIC = { ...signingKey(s), objectAttributes: A.userWithAuth | A.noDA | A.sign_encrypt, authPolicy: EMPTY, unique: { x: k.x, y: k.y } };
    const eccSens: TPMT_SENSITIVE = { sensitiveType: TPM_ALG.ECC, authValue: EMPTY, seedValue: EMPTY, sensitive: eccToBytes(curve, k.d) };
    for (const inner of [undefined, wrapSym(s)]) {
      const blob = createImportBlob(b.srkPublic, eccPub, eccSens, rng, { innerSymmetric: inner });
      const loaded = await importAndLoad(b.client, b.srk, { objectPublic: eccPub, ...blob });
      expect(toHex(loaded.name)).toBe(toHex(publicName(eccPub)));
      expect(toHex(loaded.name)).toBe(toHex(blob.name));
    }
    const sealedHost = hostSealed(s, utf8('made on the host'));
    const blob = createImportBlob(b.srkPublic, sealedHost.public, sealedHost.sensitive, rng, { innerSymmetric: wrapSym(s), encryptionKey: new Uint8Array(16).fill(9) });
    expect(blob.encryptionKey).toEqual(new Uint8Array(16).fill(9));
    const loaded = await importAndLoad(b.client, b.srk, { objectPublic: sealedHost.public, ...blob });
    expect((await b.client.run('Unseal', { itemHandle: loaded.objectHandle }, { auth: { itemHandle: 'host-pw' } })).outData).toEqual(utf8('made on the host'));

    // The SRK is fixedTPM: Import validates as a load would (objectPublic 2, duplicate 3).
    const wrongPoint: TPMT_PUBLIC = { ...eccPub, unique: { x: eccGenerateKey(curve, rng).x, y: k.y } };
    // Blobs without wrappers (TPM2B(TPMT_SENSITIVE), no seed), so that anything can be put in them.
    const plain = (sens: TPMT_SENSITIVE) => {
      const m = codec.encode('TPMT_SENSITIVE', sens);
      return Uint8Array.of(m.length >> 8, m.length & 0xff, ...m);
    };
    const bad = (pub: TPMT_PUBLIC, sens: TPMT_SENSITIVE) => importInto(b.client, b.srk, { objectPublic: pub, duplicate: plain(sens) });
    await importAndLoad(b.client, b.srk, { objectPublic: eccPub, duplicate: plain(eccSens) });
    // A failed binding names no parameter (the reference's CryptValidateKeys).
    expect(await rcOf(bad(wrongPoint, eccSens))).toBe(TPM_RC.BINDING);
    expect(await rcOf(bad({ ...sealedHost.public, unique: new Uint8Array(hashByAlg(s.nameAlg)!.digestSize) }, sealedHost.sensitive))).toBe(TPM_RC.BINDING);
    expect(await rcOf(bad(sealedHost.public, { ...sealedHost.sensitive, seedValue: new Uint8Array(hashByAlg(s.nameAlg)!.digestSize + 1) }))).toBe(TPM_RC.KEY_SIZE | P(3));
    expect(await rcOf(bad(eccPub, { ...eccSens, sensitiveType: TPM_ALG.KEYEDHASH, sensitive: EMPTY }))).toBe(TPM_RC.TYPE | P(3));
    expect(await rcOf(bad({ ...eccPub, objectAttributes: eccPub.objectAttributes | A.restricted | A.decrypt }, eccSens))).toBe(TPM_RC.ATTRIBUTES | P(2));
  });

  it('under a parent that is not fixedTPM, Import leaves the checks to TPM2_Load', async () => {
    const a = await side(s, 'dup source');
    const b = await side(s, 'dup target');
    // A duplicable storage key on B (fixedTPM CLEAR) as the parent.
    const storage = await createLoaded(b.client, b.srk, { ...s.srk(), objectAttributes: A.sensitiveDataOrigin | A.userWithAuth | A.noDA | A.restricted | A.decrypt, authPolicy: dupPolicy(s) });
    const rng = createDrbg(utf8('host import rng 2'));
    const host = hostSealed(s, utf8('checked at load'));
    const wrongUnique = { ...host.public, unique: new Uint8Array(hashByAlg(s.nameAlg)!.digestSize) };
    const blob = createImportBlob(storage.public, wrongUnique, host.sensitive, rng);
    const { outPrivate } = await importInto(b.client, storage.handle, { objectPublic: wrongUnique, ...blob });
    expect(await rcOf(b.client.run('Load', { parentHandle: storage.handle, inPrivate: outPrivate, inPublic: { publicArea: wrongUnique } }))).toBe(TPM_RC.BINDING);
    // The good one loads, and the storage key itself moves to A with its child.
    const good = createImportBlob(storage.public, host.public, host.sensitive, rng);
    const child = await importInto(b.client, storage.handle, { objectPublic: host.public, ...good });
    const aSrkOnB = await external(b.client, a.srkPublic);
    const moved = await duplicate(b.client, s, storage.handle, aSrkOnB);
    const storageOnA = await importAndLoad(a.client, a.srk, { objectPublic: storage.public, duplicate: moved.duplicate, inSymSeed: moved.outSymSeed });
    const childOnA = await a.client.run('Load', { parentHandle: storageOnA.objectHandle, inPrivate: child.outPrivate, inPublic: { publicArea: host.public } });
    expect((await a.client.run('Unseal', { itemHandle: childOnA.objectHandle }, { auth: { itemHandle: 'host-pw' } })).outData).toEqual(utf8('checked at load'));
  });
});

describe.each(SUITES)('TPM2_Rewrap ($profile)', (s) => {
  it('a duplication authority moves the outer wrapper from its key to the final parent; the inner wrapper stays', async () => {
    const a = await side(s, 'rewrap source');
    const authority = await side(s, 'rewrap authority');
    const b = await side(s, 'rewrap target');
    const obj = await createLoaded(a.client, a.srk, sealed(s, A.encryptedDuplication), utf8('via the authority'));
    const sym = wrapSym(s);
    const dup = await duplicate(a.client, s, obj.handle, await external(a.client, authority.srkPublic), sym);
    const bSrkOnAuthority = await external(authority.client, b.srkPublic);
    const rewrap = (oldParent: number, newParent: number, inDuplicate: Uint8Array, inSymSeed: Uint8Array, name: Uint8Array = obj.name) =>
      authority.client.run('Rewrap', { oldParent, newParent, inDuplicate, name, inSymSeed });

    const out = await rewrap(authority.srk, bSrkOnAuthority, dup.duplicate, dup.outSymSeed);
    // B cannot take the original blob, but takes the rewrapped one.
    const args = { objectPublic: obj.public, symmetricAlg: sym, encryptionKey: dup.encryptionKeyOut };
    expect(await rcOf(importInto(b.client, b.srk, { ...args, duplicate: dup.duplicate, inSymSeed: dup.outSymSeed }))).toBe(TPM_RC.INTEGRITY | P(3));
    const loaded = await importAndLoad(b.client, b.srk, { ...args, duplicate: out.outDuplicate, inSymSeed: out.outSymSeed });
    expect((await b.client.run('Unseal', { itemHandle: loaded.objectHandle })).outData).toEqual(utf8('via the authority'));

    // To TPM_RH_NULL: only the inner wrapper is left; from TPM_RH_NULL: an outer wrapper is added.
    const bare = await rewrap(authority.srk, TPM_RH.NULL, dup.duplicate, dup.outSymSeed);
    expect(bare.outSymSeed).toEqual(EMPTY);
    const rewrapped = await rewrap(TPM_RH.NULL, bSrkOnAuthority, bare.outDuplicate, EMPTY);
    await importAndLoad(b.client, b.srk, { ...args, duplicate: rewrapped.outDuplicate, inSymSeed: rewrapped.outSymSeed });
    expect((await rewrap(TPM_RH.NULL, TPM_RH.NULL, bare.outDuplicate, EMPTY)).outDuplicate).toEqual(bare.outDuplicate);
  });

  it('Rewrap checks: seed and old parent agree, storage keys on both sides, the seed, the Name, the size', async () => {
    const a = await side(s, 'rewrap source');
    const authority = await side(s, 'rewrap authority');
    const obj = await createLoaded(a.client, a.srk, sealed(s), utf8('x'));
    const dup = await duplicate(a.client, s, obj.handle, await external(a.client, authority.srkPublic));
    const signer = await createLoaded(authority.client, authority.srk, signingKey(s));
    const rewrap = (oldParent: number, newParent: number, inDuplicate: Uint8Array, inSymSeed: Uint8Array, name: Uint8Array = obj.name) =>
      authority.client.run('Rewrap', { oldParent, newParent, inDuplicate, name, inSymSeed });
    expect(await rcOf(rewrap(authority.srk, TPM_RH.NULL, dup.duplicate, EMPTY))).toBe(TPM_RC.HANDLE | H(1));
    expect(await rcOf(rewrap(TPM_RH.NULL, TPM_RH.NULL, dup.duplicate, dup.outSymSeed))).toBe(TPM_RC.HANDLE | H(1));
    expect(await rcOf(rewrap(signer.handle, TPM_RH.NULL, dup.duplicate, dup.outSymSeed))).toBe(TPM_RC.TYPE | H(1));
    expect(await rcOf(rewrap(authority.srk, signer.handle, dup.duplicate, dup.outSymSeed))).toBe(TPM_RC.TYPE | H(2));
    // Any failure to recover the seed is TPM_RC_VALUE on inSymSeed (parameter 3).
    expect(await rcOf(rewrap(authority.srk, TPM_RH.NULL, dup.duplicate, dup.outSymSeed.subarray(0, 10)))).toBe(TPM_RC.VALUE | P(3));
    // The outer integrity binds the Name (parameter 2) and the blob (parameter 1); both are blamed on inDuplicate.
    expect(await rcOf(rewrap(authority.srk, TPM_RH.NULL, dup.duplicate, dup.outSymSeed, flip(obj.name, -1)))).toBe(TPM_RC.INTEGRITY | P(1));
    expect(await rcOf(rewrap(authority.srk, TPM_RH.NULL, flip(dup.duplicate, -1), dup.outSymSeed))).toBe(TPM_RC.INTEGRITY | P(1));
    // An unwrapped blob too large for an outer wrapper of the new parent.
    expect(await rcOf(rewrap(TPM_RH.NULL, authority.srk, new Uint8Array(1540), EMPTY))).toBe(TPM_RC.VALUE | P(1));
  });
});

describe('TPM2_Duplicate / TPM2_Import with RSA parents (tpm2)', () => {
  const s = SUITES[0];
  it('duplicates to an RSA-2048 storage key on another TPM (OAEP-shared seed) and from an RSA key', async () => {
    const a = await side(s, 'dup source');
    const b = await side(s, 'rsa target', srkTemplate({ alg: 'rsa2048' }));
    const obj = await createLoaded(a.client, a.srk, sealed(s), utf8('to rsa'));
    const dup = await duplicate(a.client, s, obj.handle, await external(a.client, b.srkPublic), wrapSym(s));
    expect(dup.outSymSeed.length).toBe(256);
    const args = { objectPublic: obj.public, duplicate: dup.duplicate, inSymSeed: dup.outSymSeed, symmetricAlg: wrapSym(s), encryptionKey: dup.encryptionKeyOut };
    // An RSA secret of the wrong size (TPM_RC_SIZE), or one that does not decode (TPM_RC_VALUE).
    expect(await rcOf(importInto(b.client, b.srk, { ...args, inSymSeed: dup.outSymSeed.subarray(1) }))).toBe(TPM_RC.SIZE | P(4));
    expect(await rcOf(importInto(b.client, b.srk, { ...args, inSymSeed: flip(dup.outSymSeed, -1) }))).toBe(TPM_RC.VALUE | P(4));
    const loaded = await importAndLoad(b.client, b.srk, args);
    expect((await b.client.run('Unseal', { itemHandle: loaded.objectHandle })).outData).toEqual(utf8('to rsa'));
  });
});
