/**
 * Part 3 "Object Commands", continued: TPM2_Unseal, TPM2_ObjectChangeAuth, TPM2_LoadExternal and
 * TPM2_CreateLoaded (primary, ordinary and derived objects) through the typed client on seeded
 * TPMs, both profiles. Names are recomputed with node:crypto; a derived key is recomputed from
 * its parent's key with KDFa written here on node:crypto (Part 1 "KDFa"; "Derived Objects").
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCodec } from '../../src/wire/codec.js';
import { SCHEMA } from '../../src/gen/schemas.js';
import { TPM_ALG, TPM_ECC, TPM_RC, TPM_RH, TPMA_OBJECT as A } from '../../src/gen/constants.js';
import type { TPMT_PUBLIC, TPMT_SENSITIVE } from '../../src/gen/types.js';
import { rcOf, startedTpm, toHex } from '../helpers/tpm.js';

const P = (n: number) => TPM_RC.P | (n << 8);
const H = (n: number) => TPM_RC.H | (n << 8);
const S1 = TPM_RC.S | 0x100;
const EMPTY = new Uint8Array(0);
const utf8 = (s: string) => new TextEncoder().encode(s);
const bytes = (n: number, start = 0) => Uint8Array.from({ length: n }, (_, i) => (start + i * 13) & 0xff);
const codec = createCodec({ schema: SCHEMA, strict: false });

const NULL_SCHEME = { scheme: TPM_ALG.NULL, details: null };
const NULL_SYM = { algorithm: TPM_ALG.NULL, keyBits: null, mode: null };
const STORAGE = A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth | A.noDA | A.restricted | A.decrypt;
const SIGNING = A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth | A.noDA | A.sign_encrypt;
const SEALED = A.fixedTPM | A.fixedParent | A.userWithAuth | A.noDA;

interface Suite {
  profile: 'tpm2' | 'tcm2';
  nameAlg: number;
  nodeHash: string;
  cipher: number;
  curve: number;
  signScheme: number;
}

const SUITES: Suite[] = [
  { profile: 'tpm2', nameAlg: TPM_ALG.SHA256, nodeHash: 'sha256', cipher: TPM_ALG.AES, curve: TPM_ECC.NIST_P256, signScheme: TPM_ALG.ECDSA },
  { profile: 'tcm2', nameAlg: TPM_ALG.SM3_256, nodeHash: 'sm3', cipher: TPM_ALG.SM4, curve: TPM_ECC.SM2_P256, signScheme: TPM_ALG.SM2 },
];

function eccKey(s: Suite, attributes: number, scheme: number = TPM_ALG.NULL): TPMT_PUBLIC {
  const storage = (attributes & A.restricted) !== 0 && (attributes & A.decrypt) !== 0;
  return {
    type: TPM_ALG.ECC,
    nameAlg: s.nameAlg,
    objectAttributes: attributes,
    authPolicy: EMPTY,
    parameters: {
      symmetric: storage ? { algorithm: s.cipher, keyBits: 128, mode: TPM_ALG.CFB } : NULL_SYM,
      scheme: scheme === TPM_ALG.NULL ? NULL_SCHEME : { scheme, details: { hashAlg: s.nameAlg } },
      curveID: s.curve,
      kdf: NULL_SCHEME,
    },
    unique: { x: EMPTY, y: EMPTY },
  };
}

function keyedHash(s: Suite, attributes: number, scheme: { scheme: number; details: unknown } = NULL_SCHEME): TPMT_PUBLIC {
  return { type: TPM_ALG.KEYEDHASH, nameAlg: s.nameAlg, objectAttributes: attributes, authPolicy: EMPTY, parameters: { scheme } as TPMT_PUBLIC['parameters'], unique: EMPTY };
}

const hmacScheme = (s: Suite) => ({ scheme: TPM_ALG.HMAC, details: { hashAlg: s.nameAlg } });
const xorScheme = (s: Suite) => ({ scheme: TPM_ALG.XOR, details: { hashAlg: s.nameAlg, kdf: TPM_ALG.KDF1_SP800_108 } });

function symKey(s: Suite, attributes: number): TPMT_PUBLIC {
  return { type: TPM_ALG.SYMCIPHER, nameAlg: s.nameAlg, objectAttributes: attributes, authPolicy: EMPTY, parameters: { sym: { algorithm: s.cipher, keyBits: 128, mode: TPM_ALG.NULL } }, unique: EMPTY };
}

const sensitive = (data: Uint8Array = EMPTY, userAuth: Uint8Array = EMPTY) => ({ sensitive: { userAuth, data } });
const noCreation = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };

function nodeName(s: Suite, publicBytes: Uint8Array): string {
  return s.nameAlg.toString(16).padStart(4, '0') + createHash(s.nodeHash).update(publicBytes).digest('hex');
}

/** The template octets: TPMT_PUBLIC, or with a TPMS_DERIVE (label, context) in place of unique. */
function template(pub: TPMT_PUBLIC, derive?: { label?: Uint8Array; context?: Uint8Array }): Uint8Array {
  const full = codec.encode('TPMT_PUBLIC', pub);
  if (!derive) return full;
  const uniqueSize = pub.type === TPM_ALG.ECC ? 4 : 2; // empty unique: one or two TPM2B sizes
  const head = full.subarray(0, full.length - uniqueSize);
  return Uint8Array.from([...head, ...codec.encode('TPMS_DERIVE', { label: derive.label ?? EMPTY, context: derive.context ?? EMPTY })]);
}

/** KDFa(hash, key, label, context, ∅, bits) on node:crypto (Part 1 "KDFa"). */
function nodeKdfa(hash: string, key: Uint8Array, label: Uint8Array, context: Uint8Array, bits: number, take: number): Uint8Array {
  const out: Buffer[] = [];
  const size = Buffer.alloc(4);
  size.writeUInt32BE(bits);
  for (let i = 1; Buffer.concat(out).length < take; i++) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(i);
    const nul = label.length && label[label.length - 1] === 0 ? EMPTY : Uint8Array.of(0);
    out.push(createHmac(hash, key).update(counter).update(label).update(nul).update(context).update(size).digest());
  }
  return new Uint8Array(Buffer.concat(out).subarray(0, take));
}

async function setup(s: Suite, profile: string = s.profile) {
  const t = await startedTpm({ profile });
  const srk = await t.client.run('CreatePrimary', { primaryHandle: TPM_RH.OWNER, inSensitive: sensitive(), inPublic: { publicArea: eccKey(s, STORAGE) }, ...noCreation });
  const create = (pub: TPMT_PUBLIC, data = EMPTY, userAuth = EMPTY, parentHandle = srk.objectHandle) =>
    t.client.run('Create', { parentHandle, inSensitive: sensitive(data, userAuth), inPublic: { publicArea: pub }, ...noCreation });
  const load = async (pub: TPMT_PUBLIC, data = EMPTY, userAuth = EMPTY) => {
    const c = await create(pub, data, userAuth);
    return { ...c, ...(await t.client.run('Load', { parentHandle: srk.objectHandle, inPrivate: c.outPrivate, inPublic: c.outPublic })) };
  };
  return { ...t, srk, create, load };
}

describe.each(SUITES)('TPM2_Unseal ($profile)', (s) => {
  it('returns the sealed data, with the object’s password', async () => {
    const { client, load } = await setup(s);
    const secret = utf8('the sealed secret');
    const o = await load(keyedHash(s, SEALED), secret, utf8('pw'));
    expect(toHex((await client.run('Unseal', { itemHandle: o.objectHandle }, { auth: { itemHandle: 'pw' } })).outData)).toBe(toHex(secret));
    expect(await rcOf(client.run('Unseal', { itemHandle: o.objectHandle }, { auth: { itemHandle: 'nope' } }))).toBe(TPM_RC.BAD_AUTH | S1);
  });

  it('refuses keys (TPM_RC_ATTRIBUTES) and other types (TPM_RC_TYPE) on itemHandle', async () => {
    const { client, load, srk } = await setup(s);
    const unseal = (itemHandle: number) => rcOf(client.run('Unseal', { itemHandle }));
    expect(await unseal(srk.objectHandle)).toBe(TPM_RC.TYPE | H(1));
    expect(await unseal((await load(symKey(s, A.userWithAuth | A.decrypt), bytes(16))).objectHandle)).toBe(TPM_RC.TYPE | H(1));
    const seq = await client.run('HashSequenceStart', { auth: EMPTY, hashAlg: s.nameAlg });
    expect(await unseal(seq.sequenceHandle)).toBe(TPM_RC.TYPE | H(1));
    expect(await unseal((await load(keyedHash(s, A.userWithAuth | A.sign_encrypt, hmacScheme(s)), bytes(16))).objectHandle)).toBe(TPM_RC.ATTRIBUTES | H(1));
    expect(await unseal((await load(keyedHash(s, A.userWithAuth | A.decrypt, xorScheme(s)), bytes(16))).objectHandle)).toBe(TPM_RC.ATTRIBUTES | H(1));
    const derivationParent = await load(keyedHash(s, STORAGE, xorScheme(s)));
    expect(await unseal(derivationParent.objectHandle)).toBe(TPM_RC.ATTRIBUTES | H(1));
  });
});

describe.each(SUITES)('TPM2_ObjectChangeAuth ($profile)', (s) => {
  it('gives a private area with the new authValue: loaded, the new password works and the old fails', async () => {
    const { client, srk, load } = await setup(s);
    const secret = utf8('data');
    const o = await load(keyedHash(s, SEALED), secret, utf8('old'));
    const { outPrivate } = await client.run('ObjectChangeAuth', { objectHandle: o.objectHandle, parentHandle: srk.objectHandle, newAuth: utf8('new') }, { auth: { objectHandle: 'old' } });
    // The loaded object keeps its authValue.
    await client.run('Unseal', { itemHandle: o.objectHandle }, { auth: { itemHandle: 'old' } });
    const reloaded = await client.run('Load', { parentHandle: srk.objectHandle, inPrivate: outPrivate, inPublic: o.outPublic });
    expect(toHex(reloaded.name)).toBe(toHex(o.name));
    expect(toHex((await client.run('Unseal', { itemHandle: reloaded.objectHandle }, { auth: { itemHandle: 'new' } })).outData)).toBe(toHex(secret));
    expect(await rcOf(client.run('Unseal', { itemHandle: reloaded.objectHandle }, { auth: { itemHandle: 'old' } }))).toBe(TPM_RC.BAD_AUTH | S1);
    // The ADMIN role: a key with adminWithPolicy needs a policy session.
    const adminPolicy = await load({ ...keyedHash(s, SEALED | A.adminWithPolicy), authPolicy: new Uint8Array(32) }, secret);
    expect(await rcOf(client.run('ObjectChangeAuth', { objectHandle: adminPolicy.objectHandle, parentHandle: srk.objectHandle, newAuth: EMPTY }))).toBe(TPM_RC.AUTH_TYPE);
  });

  it('checks newAuth (parameter 1), the parent (handle 2) and the object (handle 1)', async () => {
    const { client, srk, load } = await setup(s);
    const o = await load(keyedHash(s, SEALED), utf8('x'));
    const change = (objectHandle: number, parentHandle: number, newAuth = EMPTY) => rcOf(client.run('ObjectChangeAuth', { objectHandle, parentHandle, newAuth }));
    expect(await change(o.objectHandle, srk.objectHandle, new Uint8Array(33).fill(1))).toBe(TPM_RC.SIZE | P(1));
    // Trailing zeros do not count.
    await client.run('ObjectChangeAuth', { objectHandle: o.objectHandle, parentHandle: srk.objectHandle, newAuth: Uint8Array.from([...new Uint8Array(32).fill(1), 0]) });
    // Not its parent: another storage key, the object itself, a sequence.
    const other = await client.run('CreatePrimary', { primaryHandle: TPM_RH.OWNER, inSensitive: sensitive(), inPublic: { publicArea: { ...eccKey(s, STORAGE), unique: { x: Uint8Array.of(1), y: EMPTY } } }, ...noCreation });
    expect(await change(o.objectHandle, other.objectHandle)).toBe(TPM_RC.TYPE | H(2));
    expect(await change(o.objectHandle, o.objectHandle)).toBe(TPM_RC.TYPE | H(2));
    const seq = await client.run('HashSequenceStart', { auth: EMPTY, hashAlg: s.nameAlg });
    expect(await change(o.objectHandle, seq.sequenceHandle)).toBe(TPM_RC.TYPE | H(2));
    // A primary object has no parent object.
    expect(await change(srk.objectHandle, srk.objectHandle)).toBe(TPM_RC.TYPE | H(2));
    // A sequence object has no private area.
    expect(await change(seq.sequenceHandle, srk.objectHandle)).toBe(TPM_RC.TYPE | H(1));
  });

  it('a derived object: its derivation parent is its parent but cannot wrap it (TPM_RC_TYPE on handle 2)', async () => {
    const { client, load } = await setup(s);
    const parent = await load(keyedHash(s, STORAGE, xorScheme(s)));
    const derived = await client.run('CreateLoaded', {
      parentHandle: parent.objectHandle,
      inSensitive: sensitive(),
      inPublic: template(eccKey(s, SIGNING & ~A.sensitiveDataOrigin, s.signScheme), { label: utf8('l') }),
    });
    expect(await rcOf(client.run('ObjectChangeAuth', { objectHandle: derived.objectHandle, parentHandle: parent.objectHandle, newAuth: EMPTY }))).toBe(TPM_RC.TYPE | H(2));
  });
});

describe.each(SUITES)('TPM2_LoadExternal ($profile)', (s) => {
  it('a public area alone, in a hierarchy: Name = nameAlg ‖ H(public), QN = Name', async () => {
    const { client, load } = await setup(s);
    const key = await load(eccKey(s, SIGNING, s.signScheme));
    const pub = (await client.run('ReadPublic', { objectHandle: key.objectHandle })).outPublic;
    const ext = await client.run('LoadExternal', { inPrivate: {}, inPublic: { publicArea: pub.publicArea }, hierarchy: TPM_RH.OWNER });
    expect(toHex(ext.name)).toBe(nodeName(s, pub.bytes!));
    expect(toHex(ext.name)).toBe(toHex(key.name));
    const read = await client.run('ReadPublic', { objectHandle: ext.objectHandle });
    expect(toHex(read.qualifiedName)).toBe(toHex(ext.name));
    // A restricted public key is fine without a sensitive area.
    const srkPublic = (await client.run('ReadPublic', { objectHandle: (await load(eccKey(s, STORAGE))).objectHandle })).outPublic;
    await client.run('LoadExternal', { inPrivate: {}, inPublic: srkPublic, hierarchy: TPM_RH.ENDORSEMENT });
  });

  it('public and sensitive areas: TPM_RH_NULL only, not fixedTPM/fixedParent/restricted, and they must agree', async () => {
    const { client } = await setup(s);
    const key = bytes(16, 7);
    const seedValue = bytes(32, 1);
    const unique = new Uint8Array(createHash(s.nodeHash).update(seedValue).update(key).digest());
    const pub = { ...symKey(s, A.userWithAuth | A.decrypt | A.sign_encrypt), unique };
    const sens: TPMT_SENSITIVE = { sensitiveType: TPM_ALG.SYMCIPHER, authValue: utf8('ext'), seedValue, sensitive: key };
    const loadExt = (p: TPMT_PUBLIC, v: TPMT_SENSITIVE, hierarchy: number = TPM_RH.NULL) => client.run('LoadExternal', { inPrivate: { sensitiveArea: v }, inPublic: { publicArea: p }, hierarchy });
    const ok = await loadExt(pub, sens);
    expect(toHex(ok.name)).toBe(nodeName(s, codec.encode('TPMT_PUBLIC', pub)));
    const enc = await client.run('EncryptDecrypt2', { keyHandle: ok.objectHandle, inData: bytes(16), decrypt: 0, mode: TPM_ALG.CFB, ivIn: bytes(16) }, { auth: { keyHandle: 'ext' } });
    expect(enc.outData.length).toBe(16);
    expect(await rcOf(loadExt(pub, sens, TPM_RH.OWNER))).toBe(TPM_RC.HIERARCHY | P(3));
    expect(await rcOf(loadExt({ ...pub, objectAttributes: pub.objectAttributes | A.fixedTPM | A.fixedParent }, sens))).toBe(TPM_RC.ATTRIBUTES | P(2));
    expect(await rcOf(loadExt({ ...pub, objectAttributes: pub.objectAttributes | A.fixedParent }, sens))).toBe(TPM_RC.ATTRIBUTES | P(2));
    expect(await rcOf(loadExt({ ...pub, objectAttributes: A.userWithAuth | A.decrypt | A.restricted }, sens))).toBe(TPM_RC.ATTRIBUTES | P(2));
    // The areas against each other (the reference's ObjectLoad and CryptValidateKeys).
    expect(await rcOf(loadExt(pub, { ...sens, seedValue: bytes(33) }))).toBe(TPM_RC.KEY_SIZE | P(1));
    expect(await rcOf(loadExt(pub, { ...sens, sensitive: bytes(16, 8) }))).toBe(TPM_RC.BINDING);
    expect(await rcOf(loadExt(pub, { ...sens, sensitive: bytes(24) }))).toBe(TPM_RC.KEY_SIZE | P(1));
    expect(await rcOf(loadExt(pub, { ...sens, sensitiveType: TPM_ALG.KEYEDHASH }))).toBe(TPM_RC.TYPE | P(1));
    expect(await rcOf(loadExt({ ...pub, objectAttributes: A.userWithAuth }, sens))).toBe(TPM_RC.ATTRIBUTES | P(2));
  });

  it('public-only areas get the scheme checks; disabled hierarchies refuse; slots run out', async () => {
    const { client, load } = await setup(s, s.profile === 'tpm2' ? 'pc-client' : s.profile);
    const key = await load(eccKey(s, SIGNING, s.signScheme));
    const pub = (await client.run('ReadPublic', { objectHandle: key.objectHandle })).outPublic.publicArea;
    const withSym = { ...pub, parameters: { ...(pub.parameters as object), symmetric: { algorithm: s.cipher, keyBits: 128, mode: TPM_ALG.CFB } } } as TPMT_PUBLIC;
    expect(await rcOf(client.run('LoadExternal', { inPrivate: {}, inPublic: { publicArea: withSym }, hierarchy: TPM_RH.OWNER }))).toBe(TPM_RC.SYMMETRIC | P(2));
    expect(await rcOf(client.run('LoadExternal', { inPrivate: {}, inPublic: { publicArea: { ...pub, unique: { x: bytes(32), y: bytes(32) } } }, hierarchy: TPM_RH.OWNER }))).toBe(TPM_RC.ECC_POINT | P(2));
    await client.run('HierarchyControl', { authHandle: TPM_RH.PLATFORM, enable: TPM_RH.ENDORSEMENT, state: 0 });
    expect(await rcOf(client.run('LoadExternal', { inPrivate: {}, inPublic: { publicArea: pub }, hierarchy: TPM_RH.ENDORSEMENT }))).toBe(TPM_RC.HIERARCHY | P(3));
    if (s.profile === 'tpm2') {
      // pc-client: SRK, key, and one external object fill the three slots.
      await client.run('LoadExternal', { inPrivate: {}, inPublic: { publicArea: pub }, hierarchy: TPM_RH.NULL });
      expect(await rcOf(client.run('LoadExternal', { inPrivate: {}, inPublic: { publicArea: pub }, hierarchy: TPM_RH.NULL }))).toBe(TPM_RC.OBJECT_MEMORY);
    }
  });
});

describe.each(SUITES)('TPM2_CreateLoaded ($profile)', (s) => {
  it('under a hierarchy: the primary object TPM2_CreatePrimary makes, loaded, no private area', async () => {
    const { client, srk } = await setup(s);
    const r = await client.run('CreateLoaded', { parentHandle: TPM_RH.OWNER, inSensitive: sensitive(), inPublic: template(eccKey(s, STORAGE)) });
    expect(toHex(r.name)).toBe(toHex(srk.name));
    expect(r.outPrivate.length).toBe(0);
    expect(toHex(r.name)).toBe(nodeName(s, r.outPublic.bytes!));
    const read = await client.run('ReadPublic', { objectHandle: r.objectHandle });
    expect(toHex(read.qualifiedName)).toBe(toHex((await client.run('ReadPublic', { objectHandle: srk.objectHandle })).qualifiedName));
    // TPM_RH_NULL primaries too; checkCreate's rules apply (inPublic is parameter 2).
    await client.run('CreateLoaded', { parentHandle: TPM_RH.NULL, inSensitive: sensitive(), inPublic: template(eccKey(s, SIGNING, s.signScheme)) });
    expect(await rcOf(client.run('CreateLoaded', { parentHandle: TPM_RH.OWNER, inSensitive: sensitive(), inPublic: template(eccKey(s, STORAGE & ~A.fixedParent)) }))).toBe(TPM_RC.ATTRIBUTES | P(2));
  });

  it('under a storage parent: a loaded object and its private area, which TPM2_Load takes', async () => {
    const { client, srk } = await setup(s);
    const secret = utf8('sealed by CreateLoaded');
    const r = await client.run('CreateLoaded', { parentHandle: srk.objectHandle, inSensitive: sensitive(secret, utf8('a')), inPublic: template(keyedHash(s, SEALED)) });
    expect(r.outPrivate.length).toBeGreaterThan(0);
    expect(toHex((await client.run('Unseal', { itemHandle: r.objectHandle }, { auth: { itemHandle: 'a' } })).outData)).toBe(toHex(secret));
    const again = await client.run('Load', { parentHandle: srk.objectHandle, inPrivate: r.outPrivate, inPublic: r.outPublic });
    expect(toHex(again.name)).toBe(toHex(r.name));
    expect(toHex((await client.run('Unseal', { itemHandle: again.objectHandle }, { auth: { itemHandle: 'a' } })).outData)).toBe(toHex(secret));
    // The object's private area under its parent can be re-made with a new authValue.
    await client.run('ObjectChangeAuth', { objectHandle: r.objectHandle, parentHandle: srk.objectHandle, newAuth: utf8('b') }, { auth: { objectHandle: 'a' } });
    // Create's rules: sensitiveDataOrigin with data under a parent.
    expect(await rcOf(client.run('CreateLoaded', { parentHandle: srk.objectHandle, inSensitive: sensitive(bytes(4)), inPublic: template(eccKey(s, SIGNING, s.signScheme)) }))).toBe(TPM_RC.ATTRIBUTES | P(2));
  });

  it('under a derivation parent: the same label and context give the same key; another label another key', async () => {
    const { client, load } = await setup(s);
    const parent = await load(keyedHash(s, STORAGE, xorScheme(s)));
    const derive = (label: string, context: string, data: Uint8Array = EMPTY) =>
      client.run('CreateLoaded', { parentHandle: parent.objectHandle, inSensitive: sensitive(data), inPublic: template(eccKey(s, SIGNING & ~A.sensitiveDataOrigin, s.signScheme), { label: utf8(label), context: utf8(context) }) });
    const a = await derive('label', 'context');
    const b = await derive('label', 'context');
    expect(a.objectHandle).not.toBe(b.objectHandle);
    expect(toHex(b.name)).toBe(toHex(a.name));
    expect(a.outPrivate.length).toBe(0);
    expect(toHex(a.name)).toBe(nodeName(s, a.outPublic.bytes!));
    expect(toHex((await derive('label', 'other')).name)).not.toBe(toHex(a.name));
    expect(toHex((await derive('other', 'context')).name)).not.toBe(toHex(a.name));
    // Label and context from the sensitive data where the template leaves them empty.
    expect(toHex((await derive('', '', codec.encode('TPMS_DERIVE', { label: utf8('label'), context: utf8('context') }))).name)).toBe(toHex(a.name));
    expect(toHex((await derive('label', '', codec.encode('TPMS_DERIVE', { label: utf8('ignored'), context: utf8('context') }))).name)).toBe(toHex(a.name));
    // The derived key signs; its QN chains from the parent.
    const read = await client.run('ReadPublic', { objectHandle: a.objectHandle });
    const parentQN = (await client.run('ReadPublic', { objectHandle: parent.objectHandle })).qualifiedName;
    expect(toHex(read.qualifiedName)).toBe(s.nameAlg.toString(16).padStart(4, '0') + createHash(s.nodeHash).update(parentQN).update(a.name).digest('hex'));
  });

  it('a derived key is KDFa(parent key, label, context) in order: keyed-hash and symmetric keys recomputed', async () => {
    const { client, load } = await setup(s);
    // A derivation parent with a known key (sensitiveDataOrigin CLEAR, so not fixed).
    const parentKey = bytes(32, 5);
    const parent = await load(keyedHash(s, A.userWithAuth | A.noDA | A.restricted | A.decrypt, xorScheme(s)), parentKey);
    const label = utf8('hmac key');
    const context = utf8('ctx');
    const hmacKey = await client.run('CreateLoaded', {
      parentHandle: parent.objectHandle,
      inSensitive: sensitive(),
      inPublic: template(keyedHash(s, A.fixedParent | A.userWithAuth | A.noDA | A.sign_encrypt, hmacScheme(s)), { label, context }),
    });
    const expectedKey = nodeKdfa(s.nodeHash, parentKey, label, context, 8192, 32);
    const buffer = bytes(50);
    expect(toHex((await client.run('HMAC', { handle: hmacKey.objectHandle, buffer, hashAlg: TPM_ALG.NULL })).outHMAC)).toBe(createHmac(s.nodeHash, expectedKey).update(buffer).digest('hex'));
    // The symmetric key is the first 16 octets; seedValue follows, and unique = H(seedValue ‖ key).
    const sym = await client.run('CreateLoaded', {
      parentHandle: parent.objectHandle,
      inSensitive: sensitive(),
      inPublic: template(symKey(s, A.fixedParent | A.userWithAuth | A.noDA | A.sign_encrypt | A.decrypt), { label, context }),
    });
    const stream = nodeKdfa(s.nodeHash, parentKey, label, context, 8192, 48);
    expect(toHex(sym.outPublic.publicArea.unique as Uint8Array)).toBe(createHash(s.nodeHash).update(stream.subarray(16, 48)).update(stream.subarray(0, 16)).digest('hex'));
  });

  it('derivation rules: no RSA, sensitiveDataOrigin CLEAR, fixedParent, the parent’s fixedTPM', async () => {
    const { client, load } = await setup(s);
    const parent = await load(keyedHash(s, STORAGE, xorScheme(s)));
    const derive = (pub: TPMT_PUBLIC, data: Uint8Array = EMPTY) => rcOf(client.run('CreateLoaded', { parentHandle: parent.objectHandle, inSensitive: sensitive(data), inPublic: template(pub, { label: utf8('x') }) }));
    const ok = eccKey(s, SIGNING & ~A.sensitiveDataOrigin, s.signScheme);
    if (s.profile === 'tpm2') {
      const rsa: TPMT_PUBLIC = { type: TPM_ALG.RSA, nameAlg: s.nameAlg, objectAttributes: ok.objectAttributes, authPolicy: EMPTY, parameters: { symmetric: NULL_SYM, scheme: NULL_SCHEME, keyBits: 2048, exponent: 0 }, unique: EMPTY };
      expect(await derive(rsa)).toBe(TPM_RC.TYPE | P(2));
    }
    expect(await derive({ ...ok, objectAttributes: SIGNING })).toBe(TPM_RC.ATTRIBUTES | P(2));
    expect(await derive({ ...ok, objectAttributes: ok.objectAttributes & ~A.fixedParent & ~A.fixedTPM })).toBe(TPM_RC.ATTRIBUTES | P(2));
    expect(await derive({ ...ok, objectAttributes: (ok.objectAttributes & ~A.fixedTPM) | A.encryptedDuplication })).toBe(TPM_RC.ATTRIBUTES | P(2));
    // The template: a TPMS_DERIVE in place of unique, nothing after it; a readable TPMS_DERIVE in the data.
    const t = template(ok, { label: utf8('x') });
    expect(await rcOf(client.run('CreateLoaded', { parentHandle: parent.objectHandle, inSensitive: sensitive(), inPublic: Uint8Array.from([...t, 0]) }))).toBe(TPM_RC.SIZE | P(2));
    expect(await rcOf(client.run('CreateLoaded', { parentHandle: parent.objectHandle, inSensitive: sensitive(), inPublic: t.subarray(0, t.length - 1) }))).toBe(TPM_RC.INSUFFICIENT | P(2));
    expect(await derive(ok, Uint8Array.of(0, 5, 1))).toBe(TPM_RC.INSUFFICIENT | P(1));
    expect(await rcOf(client.run('CreateLoaded', { parentHandle: parent.objectHandle, inSensitive: sensitive(EMPTY, new Uint8Array(33).fill(1)), inPublic: t }))).toBe(TPM_RC.SIZE | P(1));
  });

  it('the parent: a storage or derivation parent, or a hierarchy (TPM_RC_TYPE on handle 1); slots', async () => {
    const { client, load } = await setup(s, s.profile === 'tpm2' ? 'pc-client' : s.profile);
    const signer = await load(eccKey(s, SIGNING, s.signScheme));
    const t = template(keyedHash(s, SEALED));
    expect(await rcOf(client.run('CreateLoaded', { parentHandle: signer.objectHandle, inSensitive: sensitive(bytes(3)), inPublic: t }))).toBe(TPM_RC.TYPE | H(1));
    // The template must decode: an empty one is too short.
    expect(await rcOf(client.run('CreateLoaded', { parentHandle: TPM_RH.OWNER, inSensitive: sensitive(), inPublic: EMPTY }))).toBe(TPM_RC.INSUFFICIENT | P(2));
    if (s.profile === 'tpm2') {
      // pc-client: SRK and signer, one more fills the slots.
      const seq = await client.run('HashSequenceStart', { auth: EMPTY, hashAlg: s.nameAlg });
      expect(await rcOf(client.run('CreateLoaded', { parentHandle: seq.sequenceHandle, inSensitive: sensitive(bytes(3)), inPublic: t }))).toBe(TPM_RC.TYPE | H(1));
      expect(await rcOf(client.run('CreateLoaded', { parentHandle: TPM_RH.OWNER, inSensitive: sensitive(), inPublic: template(eccKey(s, STORAGE)) }))).toBe(TPM_RC.OBJECT_MEMORY);
    }
  });
});
