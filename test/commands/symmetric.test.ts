/**
 * Part 3 "Symmetric Primitives" (TPM2_EncryptDecrypt, TPM2_EncryptDecrypt2, TPM2_HMAC) and the
 * HMAC sequence (TPM2_HMAC_Start, TPM2_SequenceUpdate, TPM2_SequenceComplete), through the typed
 * client on seeded TPMs. Results are checked against node:crypto (AES, SM4, HMAC with SHA and
 * SM3) with keys the test supplies (sensitiveDataOrigin CLEAR, or TPM2_LoadExternal).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import { TPM_ALG, TPM_ECC, TPM_RC, TPM_RH, TPMA_OBJECT as A } from '../../src/gen/constants.js';
import type { TPMT_PUBLIC } from '../../src/gen/types.js';
import { createTpm } from '../../src/tpm/engine.js';
import { rcOf, startedTpm, toHex } from '../helpers/tpm.js';
import { createClient } from '../../src/client/client.js';
import { inProcess } from '../../src/client/transport.js';

const P = (n: number) => TPM_RC.P | (n << 8);
const H = (n: number) => TPM_RC.H | (n << 8);
const S1 = TPM_RC.S | 0x100;
const EMPTY = new Uint8Array(0);
const YES = 1;
const NO = 0;

const NULL_SYM = { algorithm: TPM_ALG.NULL, keyBits: null, mode: null };
const NULL_SCHEME = { scheme: TPM_ALG.NULL, details: null };
const STORAGE = A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth | A.noDA | A.restricted | A.decrypt;
const USE = A.userWithAuth | A.noDA;

interface Suite {
  profile: 'tpm2' | 'tcm2';
  nameAlg: number;
  nodeHash: string;
  cipher: number;
  nodeCipher: string;
  curve: number;
}

const SUITES: Suite[] = [
  { profile: 'tpm2', nameAlg: TPM_ALG.SHA256, nodeHash: 'sha256', cipher: TPM_ALG.AES, nodeCipher: 'aes-128', curve: TPM_ECC.NIST_P256 },
  { profile: 'tcm2', nameAlg: TPM_ALG.SM3_256, nodeHash: 'sm3', cipher: TPM_ALG.SM4, nodeCipher: 'sm4', curve: TPM_ECC.SM2_P256 },
];

const MODES: [number, string][] = [
  [TPM_ALG.CFB, 'cfb'],
  [TPM_ALG.CBC, 'cbc'],
  [TPM_ALG.CTR, 'ctr'],
  [TPM_ALG.OFB, 'ofb'],
  [TPM_ALG.ECB, 'ecb'],
];

const bytes = (n: number, start = 0) => Uint8Array.from({ length: n }, (_, i) => (start + i * 7) & 0xff);

function srkTemplate(s: Suite): TPMT_PUBLIC {
  return {
    type: TPM_ALG.ECC,
    nameAlg: s.nameAlg,
    objectAttributes: STORAGE,
    authPolicy: EMPTY,
    parameters: { symmetric: { algorithm: s.cipher, keyBits: 128, mode: TPM_ALG.CFB }, scheme: NULL_SCHEME, curveID: s.curve, kdf: NULL_SCHEME },
    unique: { x: EMPTY, y: EMPTY },
  };
}

function symTemplate(s: Suite, attributes: number, mode: number = TPM_ALG.NULL): TPMT_PUBLIC {
  return {
    type: TPM_ALG.SYMCIPHER,
    nameAlg: s.nameAlg,
    objectAttributes: attributes,
    authPolicy: EMPTY,
    parameters: { sym: { algorithm: s.cipher, keyBits: 128, mode } },
    unique: EMPTY,
  };
}

function hmacTemplate(s: Suite, attributes = USE | A.sign_encrypt, hashAlg: number | null = s.nameAlg): TPMT_PUBLIC {
  return {
    type: TPM_ALG.KEYEDHASH,
    nameAlg: s.nameAlg,
    objectAttributes: attributes,
    authPolicy: EMPTY,
    parameters: { scheme: hashAlg === null ? NULL_SCHEME : { scheme: TPM_ALG.HMAC, details: { hashAlg } } },
    unique: EMPTY,
  };
}

const sensitive = (data = EMPTY, userAuth = EMPTY) => ({ sensitive: { userAuth, data } });
const noCreation = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };

async function setup(s: Suite, options: { profile?: string } = {}) {
  const t = await startedTpm({ profile: options.profile ?? s.profile });
  const srk = await t.client.run('CreatePrimary', { primaryHandle: TPM_RH.OWNER, inSensitive: sensitive(), inPublic: { publicArea: srkTemplate(s) }, ...noCreation });
  /** Create and Load a child of the SRK with the given key data. */
  const load = async (template: TPMT_PUBLIC, data = EMPTY, userAuth = EMPTY) => {
    const c = await t.client.run('Create', { parentHandle: srk.objectHandle, inSensitive: sensitive(data, userAuth), inPublic: { publicArea: template }, ...noCreation });
    return (await t.client.run('Load', { parentHandle: srk.objectHandle, inPrivate: c.outPrivate, inPublic: c.outPublic })).objectHandle;
  };
  return { ...t, srk, load };
}

/** TPM2_LoadExternal of a symmetric or keyed-hash key with the test's key octets (TPM_RH_NULL). */
async function loadExternalKey(client: Client, s: Suite, template: TPMT_PUBLIC, key: Uint8Array): Promise<number> {
  const seedValue = bytes(32, 99);
  const unique = createHash(s.nodeHash).update(seedValue).update(key).digest();
  const r = await client.run('LoadExternal', {
    inPrivate: { sensitiveArea: { sensitiveType: template.type, authValue: EMPTY, seedValue, sensitive: key } },
    inPublic: { publicArea: { ...template, unique: new Uint8Array(unique) } },
    hierarchy: TPM_RH.NULL,
  });
  return r.objectHandle;
}

function nodeCrypt(s: Suite, mode: string, decrypt: boolean, key: Uint8Array, iv: Uint8Array, data: Uint8Array): string {
  const name = mode === 'ecb' && s.nodeCipher === 'sm4' ? 'sm4-ecb' : `${s.nodeCipher}-${mode}`;
  const c = decrypt ? createDecipheriv(name, key, mode === 'ecb' ? null : iv) : createCipheriv(name, key, mode === 'ecb' ? null : iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]).toString('hex');
}

describe.each(SUITES)('TPM2_EncryptDecrypt and TPM2_EncryptDecrypt2 ($profile)', (s) => {
  it.each(MODES)('mode %i (%s) matches node:crypto; ivOut chains; decryption inverts', async (mode, name) => {
    const { client, load } = await setup(s);
    const key = bytes(16, 3);
    // A key with mode NULL: the command gives the mode. Both ways of getting the key octets in.
    const created = await load(symTemplate(s, A.fixedTPM | A.fixedParent | USE | A.sign_encrypt | A.decrypt), key);
    const external = await loadExternalKey(client, s, symTemplate(s, USE | A.sign_encrypt | A.decrypt), key);
    const whole = mode === TPM_ALG.CBC || mode === TPM_ALG.ECB;
    const data = bytes(whole ? 48 : 45, 1);
    const iv = mode === TPM_ALG.ECB ? EMPTY : bytes(16, 200);
    const expected = nodeCrypt(s, name, false, key, iv, data);
    for (const keyHandle of [created, external]) {
      const enc = await client.run('EncryptDecrypt2', { keyHandle, inData: data, decrypt: NO, mode, ivIn: iv });
      expect(toHex(enc.outData)).toBe(expected);
      const v1 = await client.run('EncryptDecrypt', { keyHandle, decrypt: NO, mode, ivIn: iv, inData: data });
      expect(toHex(v1.outData)).toBe(expected);
      const dec = await client.run('EncryptDecrypt2', { keyHandle, inData: enc.outData, decrypt: YES, mode, ivIn: iv });
      expect(toHex(dec.outData)).toBe(toHex(data));
      expect(toHex(dec.outData)).toBe(nodeCrypt(s, name, true, key, iv, enc.outData));
      // Two calls chained by ivOut give the one-shot result (the first part whole blocks).
      const first = await client.run('EncryptDecrypt2', { keyHandle, inData: data.subarray(0, 32), decrypt: NO, mode, ivIn: iv });
      const second = await client.run('EncryptDecrypt2', { keyHandle, inData: data.subarray(32), decrypt: NO, mode, ivIn: first.ivOut });
      expect(toHex(first.outData) + toHex(second.outData)).toBe(expected);
      expect(first.ivOut.length).toBe(mode === TPM_ALG.ECB ? 0 : 16);
    }
  });

  it("a key with a mode uses it when the command's mode is NULL, and refuses another", async () => {
    const { client, load } = await setup(s);
    const key = bytes(16, 5);
    const cbc = await load(symTemplate(s, USE | A.sign_encrypt | A.decrypt, TPM_ALG.CBC), key);
    const data = bytes(32);
    const iv = bytes(16, 9);
    const r = await client.run('EncryptDecrypt2', { keyHandle: cbc, inData: data, decrypt: NO, mode: TPM_ALG.NULL, ivIn: iv });
    expect(toHex(r.outData)).toBe(nodeCrypt(s, 'cbc', false, key, iv, data));
    expect(toHex((await client.run('EncryptDecrypt2', { keyHandle: cbc, inData: data, decrypt: NO, mode: TPM_ALG.CBC, ivIn: iv })).outData)).toBe(toHex(r.outData));
    // Mode: EncryptDecrypt2 parameter 3, EncryptDecrypt parameter 2.
    expect(await rcOf(client.run('EncryptDecrypt2', { keyHandle: cbc, inData: data, decrypt: NO, mode: TPM_ALG.CFB, ivIn: iv }))).toBe(TPM_RC.MODE | P(3));
    expect(await rcOf(client.run('EncryptDecrypt', { keyHandle: cbc, decrypt: NO, mode: TPM_ALG.CFB, ivIn: iv, inData: data }))).toBe(TPM_RC.MODE | P(2));
    const nullMode = await load(symTemplate(s, USE | A.sign_encrypt | A.decrypt), key);
    expect(await rcOf(client.run('EncryptDecrypt2', { keyHandle: nullMode, inData: data, decrypt: NO, mode: TPM_ALG.NULL, ivIn: iv }))).toBe(TPM_RC.MODE | P(3));
    expect(await rcOf(client.run('EncryptDecrypt', { keyHandle: nullMode, decrypt: YES, mode: TPM_ALG.NULL, ivIn: iv, inData: data }))).toBe(TPM_RC.MODE | P(2));
  });

  it('IV and data sizes: one block of IV (none for ECB), whole blocks for CBC and ECB', async () => {
    const { client, load } = await setup(s);
    const k = await load(symTemplate(s, USE | A.sign_encrypt | A.decrypt), bytes(16));
    const ed2 = (mode: number, iv: Uint8Array, data: Uint8Array) => rcOf(client.run('EncryptDecrypt2', { keyHandle: k, inData: data, decrypt: NO, mode, ivIn: iv }));
    const ed = (mode: number, iv: Uint8Array, data: Uint8Array) => rcOf(client.run('EncryptDecrypt', { keyHandle: k, decrypt: NO, mode, ivIn: iv, inData: data }));
    expect(await ed2(TPM_ALG.CFB, bytes(8), bytes(16))).toBe(TPM_RC.SIZE | P(4));
    expect(await ed2(TPM_ALG.CTR, EMPTY, bytes(16))).toBe(TPM_RC.SIZE | P(4));
    expect(await ed2(TPM_ALG.ECB, bytes(16), bytes(16))).toBe(TPM_RC.SIZE | P(4));
    expect(await ed(TPM_ALG.OFB, bytes(15), bytes(16))).toBe(TPM_RC.SIZE | P(3));
    expect(await ed2(TPM_ALG.CBC, bytes(16), bytes(17))).toBe(TPM_RC.SIZE | P(1));
    expect(await ed2(TPM_ALG.ECB, EMPTY, bytes(8))).toBe(TPM_RC.SIZE | P(1));
    expect(await ed(TPM_ALG.CBC, bytes(16), bytes(31))).toBe(TPM_RC.SIZE | P(4));
    // Empty data is fine in every mode.
    expect((await client.run('EncryptDecrypt2', { keyHandle: k, inData: EMPTY, decrypt: NO, mode: TPM_ALG.CFB, ivIn: bytes(16) })).outData.length).toBe(0);
  });

  it('the key: a symmetric cipher key (TPM_RC_KEY), unrestricted, decrypt to decrypt and sign to encrypt (TPM_RC_ATTRIBUTES)', async () => {
    const { client, load, srk } = await setup(s);
    const data = bytes(16);
    const iv = bytes(16);
    const ed2 = (keyHandle: number, decrypt: number) => rcOf(client.run('EncryptDecrypt2', { keyHandle, inData: data, decrypt, mode: TPM_ALG.CFB, ivIn: iv }));
    const decryptOnly = await load(symTemplate(s, USE | A.decrypt), bytes(16));
    const encryptOnly = await load(symTemplate(s, USE | A.sign_encrypt), bytes(16));
    await client.run('EncryptDecrypt2', { keyHandle: decryptOnly, inData: data, decrypt: YES, mode: TPM_ALG.CFB, ivIn: iv });
    await client.run('EncryptDecrypt2', { keyHandle: encryptOnly, inData: data, decrypt: NO, mode: TPM_ALG.CFB, ivIn: iv });
    expect(await ed2(decryptOnly, NO)).toBe(TPM_RC.ATTRIBUTES | H(1));
    expect(await ed2(encryptOnly, YES)).toBe(TPM_RC.ATTRIBUTES | H(1));
    // A restricted symmetric key is a storage parent, not a cipher for callers.
    const restricted = await client.run('CreatePrimary', {
      primaryHandle: TPM_RH.OWNER,
      inSensitive: sensitive(),
      inPublic: { publicArea: symTemplate(s, STORAGE, TPM_ALG.CFB) },
      ...noCreation,
    });
    expect(await ed2(restricted.objectHandle, YES)).toBe(TPM_RC.ATTRIBUTES | H(1));
    expect(await rcOf(client.run('EncryptDecrypt', { keyHandle: restricted.objectHandle, decrypt: YES, mode: TPM_ALG.CFB, ivIn: iv, inData: data }))).toBe(TPM_RC.ATTRIBUTES | H(1));
    // Not a symmetric key: an ECC key, a keyed-hash key, a sequence object.
    expect(await ed2(srk.objectHandle, YES)).toBe(TPM_RC.KEY | H(1));
    expect(await ed2(await load(hmacTemplate(s), bytes(32)), NO)).toBe(TPM_RC.KEY | H(1));
    const seq = await client.run('HashSequenceStart', { auth: EMPTY, hashAlg: s.nameAlg });
    expect(await ed2(seq.sequenceHandle, NO)).toBe(TPM_RC.KEY | H(1));
  });

  it('a public-only symmetric key (TPM2_LoadExternal) cannot be authorized: TPM_RC_AUTH_UNAVAILABLE, by password or policy', async () => {
    const { client } = await setup(s);
    const digestSize = 32;
    const pub = { ...symTemplate(s, A.sign_encrypt | A.decrypt), authPolicy: new Uint8Array(digestSize), unique: bytes(digestSize) };
    const { objectHandle } = await client.run('LoadExternal', { inPrivate: {}, inPublic: { publicArea: pub }, hierarchy: TPM_RH.OWNER });
    // Without a sensitive area there is no authValue to use.
    expect(await rcOf(client.run('EncryptDecrypt2', { keyHandle: objectHandle, inData: bytes(16), decrypt: NO, mode: TPM_ALG.CFB, ivIn: bytes(16) }))).toBe(TPM_RC.AUTH_UNAVAILABLE);
    const session = await client.startAuthSession({ type: 'policy', hash: s.nameAlg });
    // Nor a policy: it needs the sensitive area loaded (the reference's IsAuthPolicyAvailable).
    expect(await rcOf(client.run('EncryptDecrypt2', { keyHandle: objectHandle, inData: bytes(16), decrypt: NO, mode: TPM_ALG.CFB, ivIn: bytes(16) }, { auth: { keyHandle: { session } } }))).toBe(
      TPM_RC.AUTH_UNAVAILABLE,
    );
  });
});

describe.each(SUITES)('TPM2_HMAC ($profile)', (s) => {
  it("matches node:crypto HMAC; hashAlg NULL takes the key's scheme hash", async () => {
    const { client, load } = await setup(s);
    const key = bytes(40, 11);
    const k = await load(hmacTemplate(s), key);
    const buffer = bytes(300, 17);
    const expected = createHmac(s.nodeHash, key).update(buffer).digest('hex');
    expect(toHex((await client.run('HMAC', { handle: k, buffer, hashAlg: TPM_ALG.NULL })).outHMAC)).toBe(expected);
    expect(toHex((await client.run('HMAC', { handle: k, buffer, hashAlg: s.nameAlg })).outHMAC)).toBe(expected);
    // A key longer than the hash block is hashed first (RFC 2104): through TPM2_LoadExternal.
    const long = bytes(64, 1);
    const ext = await loadExternalKey(client, s, hmacTemplate(s, USE | A.sign_encrypt), long);
    expect(toHex((await client.run('HMAC', { handle: ext, buffer, hashAlg: TPM_ALG.NULL })).outHMAC)).toBe(createHmac(s.nodeHash, long).update(buffer).digest('hex'));
  });

  it('a key with the NULL scheme (sign and decrypt) needs the hash from the command', async () => {
    const { client, load } = await setup(s);
    const key = bytes(20, 2);
    const k = await load(hmacTemplate(s, USE | A.sign_encrypt | A.decrypt, null), key);
    const buffer = bytes(10);
    expect(toHex((await client.run('HMAC', { handle: k, buffer, hashAlg: s.nameAlg })).outHMAC)).toBe(createHmac(s.nodeHash, key).update(buffer).digest('hex'));
    expect(await rcOf(client.run('HMAC', { handle: k, buffer, hashAlg: TPM_ALG.NULL }))).toBe(TPM_RC.VALUE | P(2));
  });

  it('refuses other keys with the reference codes', async () => {
    const { client, load, srk } = await setup(s);
    const hmac = (handle: number, hashAlg: number = TPM_ALG.NULL) => rcOf(client.run('HMAC', { handle, buffer: bytes(8), hashAlg }));
    if (s.profile === 'tpm2') {
      // Another hash than the key's scheme hash.
      expect(await hmac(await load(hmacTemplate(s), bytes(32)), TPM_ALG.SHA1)).toBe(TPM_RC.VALUE | P(2));
    }
    expect(await hmac(srk.objectHandle)).toBe(TPM_RC.TYPE | H(1));
    expect(await hmac(await load(symTemplate(s, USE | A.sign_encrypt), bytes(16)))).toBe(TPM_RC.TYPE | H(1));
    const seq = await client.run('HashSequenceStart', { auth: EMPTY, hashAlg: s.nameAlg });
    expect(await hmac(seq.sequenceHandle)).toBe(TPM_RC.TYPE | H(1));
    const restricted = await client.run('CreatePrimary', {
      primaryHandle: TPM_RH.OWNER,
      inSensitive: sensitive(),
      inPublic: { publicArea: hmacTemplate(s, A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | USE | A.sign_encrypt | A.restricted) },
      ...noCreation,
    });
    expect(await hmac(restricted.objectHandle)).toBe(TPM_RC.ATTRIBUTES | H(1));
    // Sealed data and an XOR (decryption) key do not sign.
    const sealed = await load({ ...hmacTemplate(s, USE, null) }, bytes(5));
    expect(await hmac(sealed, s.nameAlg)).toBe(TPM_RC.KEY | H(1));
    const xor = await load({ ...hmacTemplate(s, USE | A.decrypt, null), parameters: { scheme: { scheme: TPM_ALG.XOR, details: { hashAlg: s.nameAlg, kdf: TPM_ALG.KDF1_SP800_108 } } } }, bytes(16));
    expect(await hmac(xor, s.nameAlg)).toBe(TPM_RC.KEY | H(1));
  });

  it('a public-only HMAC key (TPM2_LoadExternal) cannot be authorized by a policy: TPM_RC_AUTH_UNAVAILABLE', async () => {
    const { client } = await setup(s);
    const pub = { ...hmacTemplate(s, A.sign_encrypt), authPolicy: new Uint8Array(32), unique: bytes(32) };
    const { objectHandle } = await client.run('LoadExternal', { inPrivate: {}, inPublic: { publicArea: pub }, hierarchy: TPM_RH.OWNER });
    const session = await client.startAuthSession({ type: 'policy', hash: s.nameAlg });
    expect(await rcOf(client.run('HMAC', { handle: objectHandle, buffer: bytes(8), hashAlg: TPM_ALG.NULL }, { auth: { handle: { session } } }))).toBe(TPM_RC.AUTH_UNAVAILABLE);
  });
});

describe.each(SUITES)('TPM2_HMAC_Start and the HMAC sequence ($profile)', (s) => {
  it('Start, Update, Complete equals the one-shot HMAC; no ticket; the sequence has its own auth (not DA-protected: TPM_RC_BAD_AUTH)', async () => {
    const { client, load } = await setup(s);
    const key = bytes(32, 4);
    const k = await load(hmacTemplate(s), key);
    const parts = [bytes(100, 1), bytes(64, 2), bytes(3, 3)];
    const last = bytes(77, 5);
    const oneShot = await client.run('HMAC', { handle: k, buffer: Buffer.concat([...parts, last]), hashAlg: TPM_ALG.NULL });
    const { sequenceHandle } = await client.run('HMAC_Start', { handle: k, auth: new TextEncoder().encode('seq'), hashAlg: TPM_ALG.NULL });
    for (const buffer of parts) await client.run('SequenceUpdate', { sequenceHandle, buffer }, { auth: { sequenceHandle: 'seq' } });
    expect(await rcOf(client.run('SequenceUpdate', { sequenceHandle, buffer: EMPTY }, { auth: { sequenceHandle: 'wrong' } }))).toBe(TPM_RC.BAD_AUTH | S1);
    const done = await client.run('SequenceComplete', { sequenceHandle, buffer: last, hierarchy: TPM_RH.OWNER }, { auth: { sequenceHandle: 'seq' } });
    expect(toHex(done.result)).toBe(toHex(oneShot.outHMAC));
    expect(toHex(done.result)).toBe(createHmac(s.nodeHash, key).update(Buffer.concat([...parts, last])).digest('hex'));
    expect(done.validation).toEqual({ tag: 0x8024, hierarchy: TPM_RH.NULL, digest: EMPTY });
    // The sequence is gone; the key is not.
    expect(await rcOf(client.run('SequenceUpdate', { sequenceHandle, buffer: EMPTY }))).toBe(TPM_RC.REFERENCE_H0);
    const empty = await client.run('HMAC_Start', { handle: k, auth: EMPTY, hashAlg: s.nameAlg });
    expect(toHex((await client.run('SequenceComplete', { sequenceHandle: empty.sequenceHandle, buffer: EMPTY, hierarchy: TPM_RH.NULL })).result)).toBe(
      createHmac(s.nodeHash, key).digest('hex'),
    );
  });

  it('a running HMAC sequence survives ContextSave/ContextLoad and a snapshot', async () => {
    const { tpm, client, load } = await setup(s);
    const key = bytes(32, 8);
    const k = await load(hmacTemplate(s), key);
    const { sequenceHandle } = await client.run('HMAC_Start', { handle: k, auth: EMPTY, hashAlg: TPM_ALG.NULL });
    await client.run('SequenceUpdate', { sequenceHandle, buffer: bytes(70, 1) });
    const { context } = await client.run('ContextSave', { saveHandle: sequenceHandle });
    await client.run('FlushContext', { flushHandle: sequenceHandle });
    const { loadedHandle } = await client.run('ContextLoad', { context });
    const expected = createHmac(s.nodeHash, key).update(bytes(70, 1)).update(bytes(9, 2)).digest('hex');
    // A copy of the whole TPM continues the same sequence.
    const copy = createClient(inProcess(createTpm({ snapshot: tpm.snapshot(), profile: s.profile })));
    expect(toHex((await copy.run('SequenceComplete', { sequenceHandle: loadedHandle, buffer: bytes(9, 2), hierarchy: TPM_RH.NULL })).result)).toBe(expected);
    expect(toHex((await client.run('SequenceComplete', { sequenceHandle: loadedHandle, buffer: bytes(9, 2), hierarchy: TPM_RH.NULL })).result)).toBe(expected);
  });

  it('the key checks of TPM2_HMAC, with this command’s numbers; TPM_RC_OBJECT_MEMORY without a slot', async () => {
    const { client, load, srk } = await setup(s);
    const start = (handle: number, hashAlg: number = TPM_ALG.NULL) => rcOf(client.run('HMAC_Start', { handle, auth: EMPTY, hashAlg }));
    expect(await start(srk.objectHandle)).toBe(TPM_RC.TYPE | H(1));
    const seq = await client.run('HashSequenceStart', { auth: EMPTY, hashAlg: s.nameAlg });
    expect(await start(seq.sequenceHandle)).toBe(TPM_RC.TYPE | H(1));
    const restricted = await client.run('CreatePrimary', {
      primaryHandle: TPM_RH.OWNER,
      inSensitive: sensitive(),
      inPublic: { publicArea: hmacTemplate(s, A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | USE | A.sign_encrypt | A.restricted) },
      ...noCreation,
    });
    expect(await start(restricted.objectHandle)).toBe(TPM_RC.ATTRIBUTES | H(1));
    expect(await start(await load(hmacTemplate(s, USE, null), bytes(4)), s.nameAlg)).toBe(TPM_RC.KEY | H(1));
    const both = await load(hmacTemplate(s, USE | A.sign_encrypt | A.decrypt, null), bytes(16));
    expect(await start(both)).toBe(TPM_RC.VALUE | P(2));
    if (s.profile === 'tpm2') expect(await start(await load(hmacTemplate(s), bytes(16)), TPM_ALG.SHA384)).toBe(TPM_RC.VALUE | P(2));
  });

  if (s.profile === 'tpm2') {
    it('pc-client: three slots hold the SRK, the key and one sequence', async () => {
      const { client, load } = await setup(s, { profile: 'pc-client' });
      const k = await load(hmacTemplate(s), bytes(32));
      await client.run('HMAC_Start', { handle: k, auth: EMPTY, hashAlg: TPM_ALG.NULL });
      expect(await rcOf(client.run('HMAC_Start', { handle: k, auth: EMPTY, hashAlg: TPM_ALG.NULL }))).toBe(TPM_RC.OBJECT_MEMORY);
    });
  }
});
