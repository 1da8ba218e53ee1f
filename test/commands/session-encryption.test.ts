/**
 * Salted sessions and parameter encryption (Part 1 "Salted Session", "Session-based
 * encryption"; Part 3 "TPM2_StartAuthSession"): RSA-OAEP and ECC salts, AES-CFB, SM4-CFB and
 * XOR on the first command and response parameter, sessions that only encrypt, and the
 * response codes for misuse. One exchange is decrypted here with node:crypto from the session
 * secrets, independently of vtpm's client and engine.
 */
import { createCipheriv, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/client.js';
import type { AuthSessionHandle } from '../../src/client/session.js';
import { eccKeyTemplate, rsaKeyTemplate } from '../../src/client/templates.js';
import type { Transport } from '../../src/client/transport.js';
import { inProcess } from '../../src/client/transport.js';
import { TPM_ALG, TPM_ECC, TPM_RC, TPM_RH, TPMA_NV } from '../../src/gen/constants.js';
import type { TPMT_PUBLIC } from '../../src/gen/types.js';
import { rcOf, startedTpm } from '../helpers/tpm.js';

const EMPTY = new Uint8Array(0);
const S = (n: number) => TPM_RC.S | (n << 8);
const P = (n: number) => TPM_RC.P | (n << 8);
const text = (s: string) => new TextEncoder().encode(s);
const AES128 = { algorithm: TPM_ALG.AES, keyBits: 128, mode: TPM_ALG.CFB };
const SM4 = { algorithm: TPM_ALG.SM4, keyBits: 128, mode: TPM_ALG.CFB };
const XOR = { algorithm: TPM_ALG.XOR, keyBits: TPM_ALG.SHA256, mode: null };
const INDEX = 0x01500300;

async function setup(profile = 'tpm2', nameAlg: number = TPM_ALG.SHA256) {
  const t = await startedTpm({ profile });
  // A key for salts: an unrestricted decryption key as a primary.
  const saltKey = async (publicArea: TPMT_PUBLIC) =>
    t.client.run('CreatePrimary', { primaryHandle: TPM_RH.OWNER, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea }, outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } });
  await t.client.run('NV_DefineSpace', {
    authHandle: TPM_RH.OWNER,
    auth: text('index'),
    publicInfo: { nvPublic: { nvIndex: INDEX, nameAlg, attributes: TPMA_NV.AUTHWRITE | TPMA_NV.AUTHREAD, authPolicy: EMPTY, dataSize: 16 } },
  });
  return { ...t, saltKey };
}

describe('parameter encryption', () => {
  const cases = [
    { label: 'AES-128-CFB, unsalted, unbound', symmetric: AES128 },
    { label: 'XOR (SHA-256)', symmetric: XOR },
    { label: 'SM4-128-CFB (tpm2 profile)', symmetric: SM4 },
  ];
  it.each(cases)('$label: NV_Write data and NV_Read data travel encrypted; both directions decrypt', async ({ symmetric }) => {
    const { client } = await setup();
    const session = await client.startAuthSession({ symmetric });
    const secret = text('0123456789abcdef');
    // NV_Write's first parameter is encrypted (decrypt); NV_Read's response is (encrypt).
    session.decrypt = true;
    await client.run('NV_Write', { authHandle: INDEX, nvIndex: INDEX, data: secret, offset: 0 }, { auth: { authHandle: { session, authValue: 'index' } } });
    session.decrypt = false;
    session.encrypt = true;
    const { data } = await client.run('NV_Read', { authHandle: INDEX, nvIndex: INDEX, size: 16, offset: 0 }, { auth: { authHandle: { session, authValue: 'index' } } });
    expect(new TextDecoder().decode(data)).toBe('0123456789abcdef');
  });

  it('the octets on the wire are AES-CFB under KDFa(sessionKey ‖ authValue, "CFB", nonceCaller, nonceTPM) (checked with node:crypto)', async () => {
    const { tpm } = await setup();
    const sent: Uint8Array[] = [];
    const spy: Transport = { send: async (c) => (sent.push(c), tpm.execute(c)) };
    const client = createClient(spy);
    const session = await client.startAuthSession({ symmetric: AES128 });
    session.decrypt = true;
    const nonceTPM = session.nonceTPM;
    const secret = text('plaintext secret');
    await client.run('NV_Write', { authHandle: INDEX, nvIndex: INDEX, data: secret, offset: 0 }, { auth: { authHandle: { session, authValue: 'index' } } });
    const command = Buffer.from(sent[sent.length - 1]);
    expect(command.includes(Buffer.from(secret))).toBe(false);
    // Layout: header 10, two handles 8, authSize 4, session (handle 4, nonce 2+32, attrs 1, hmac 2+32), then TPM2B data.
    const nonceCaller = command.subarray(10 + 8 + 4 + 4 + 2, 10 + 8 + 4 + 4 + 2 + 32);
    const paramsAt = 10 + 8 + 4 + (4 + 2 + 32 + 1 + 2 + 32);
    const encrypted = command.subarray(paramsAt + 2, paramsAt + 2 + 16);
    // Unbound, unsalted: sessionKey is empty, so sessionValue is the index authValue.
    const kdfa = (key: Uint8Array, label: string, u: Uint8Array, v: Uint8Array, bits: number) =>
      createHmac('sha256', key).update(Uint8Array.of(0, 0, 0, 1)).update(`${label}\0`).update(u).update(v).update(Uint8Array.of(0, 0, bits >> 8, bits & 0xff)).digest();
    const keyIv = kdfa(text('index'), 'CFB', nonceCaller, nonceTPM, 256);
    const decipher = createCipheriv('aes-128-cfb', keyIv.subarray(0, 16), keyIv.subarray(16, 32));
    expect(Buffer.concat([decipher.update(encrypted), decipher.final()]).toString()).toBe('plaintext secret');
  });

  it('a second session can do the encryption alone; the first still authorizes', async () => {
    const { client } = await setup();
    const auth = await client.startAuthSession({});
    const crypt = await client.startAuthSession({ symmetric: AES128 });
    crypt.decrypt = true;
    await client.run('NV_Write', { authHandle: INDEX, nvIndex: INDEX, data: text('encrypt-only ses'), offset: 0 }, { auth: { authHandle: { session: auth, authValue: 'index' } }, encryptSession: crypt });
    crypt.decrypt = false;
    crypt.encrypt = true;
    const { data } = await client.run('NV_Read', { authHandle: INDEX, nvIndex: INDEX, size: 16, offset: 0 }, { auth: { authHandle: 'index' }, encryptSession: crypt });
    expect(new TextDecoder().decode(data)).toBe('encrypt-only ses');
  });

  it('misuse: no symmetric algorithm, no TPM2B first parameter, two decrypt sessions, an extra session that does nothing', async () => {
    const { client } = await setup();
    const plain = await client.startAuthSession({});
    plain.decrypt = true;
    const write = (opts: { session?: AuthSessionHandle; encryptSession?: AuthSessionHandle }) =>
      client.run('NV_Write', { authHandle: INDEX, nvIndex: INDEX, data: text('x'), offset: 0 }, { auth: { authHandle: opts.session ? { session: opts.session, authValue: 'index' } : 'index' }, encryptSession: opts.encryptSession });
    expect(await rcOf(write({ session: plain }))).toBe(TPM_RC.SYMMETRIC | S(1));
    const aes = await client.startAuthSession({ symmetric: AES128 });
    aes.decrypt = true;
    // NV_Increment has no parameters at all: nothing to decrypt.
    expect(await rcOf(client.run('NV_Increment', { authHandle: INDEX, nvIndex: INDEX }, { auth: { authHandle: { session: aes, authValue: 'index' } } }))).toBe(TPM_RC.ATTRIBUTES | S(1));
    const aes2 = await client.startAuthSession({ symmetric: AES128 });
    aes2.decrypt = true;
    expect(await rcOf(write({ session: aes, encryptSession: aes2 }))).toBe(TPM_RC.ATTRIBUTES | S(2));
    const idle = await client.startAuthSession({ symmetric: AES128 });
    expect(await rcOf(write({ encryptSession: idle }))).toBe(TPM_RC.ATTRIBUTES | S(2));
    // NV_Write has no response parameter to encrypt.
    const out = await client.startAuthSession({ symmetric: AES128 });
    out.encrypt = true;
    expect(await rcOf(write({ session: out }))).toBe(TPM_RC.ATTRIBUTES | S(1));
  });
});

describe('salted sessions', () => {
  const keys = [
    { label: 'RSA-2048 OAEP', profile: 'tpm2', template: rsaKeyTemplate({ usage: 'decrypt' }), symmetric: AES128 },
    { label: 'ECC P-256', profile: 'tpm2', template: eccKeyTemplate({ usage: 'decrypt', curve: TPM_ECC.NIST_P256 }), symmetric: AES128 },
    { label: 'SM2 with SM4 and SM3 (tcm2)', profile: 'tcm2', template: eccKeyTemplate({ usage: 'decrypt', curve: TPM_ECC.SM2_P256 }), symmetric: SM4 },
  ];
  it.each(keys)('$label: the salt reaches the session key; encrypted NV round trip', async ({ profile, template, symmetric }) => {
    const nameAlg = profile === 'tcm2' ? TPM_ALG.SM3_256 : TPM_ALG.SHA256;
    const { client, saltKey } = await setup(profile, nameAlg);
    const key = await saltKey(template);
    const session = await client.startAuthSession({ hash: nameAlg, salt: { handle: key.objectHandle, publicArea: key.outPublic.publicArea }, symmetric });
    expect(session.sessionKey.length).toBe(32);
    session.decrypt = true;
    await client.run('NV_Write', { authHandle: INDEX, nvIndex: INDEX, data: text('salted and encrypted'.slice(0, 16)), offset: 0 }, { auth: { authHandle: { session, authValue: 'index' } } });
    session.decrypt = false;
    session.encrypt = true;
    const { data } = await client.run('NV_Read', { authHandle: INDEX, nvIndex: INDEX, size: 16, offset: 0 }, { auth: { authHandle: { session, authValue: 'index' } } });
    expect(new TextDecoder().decode(data)).toBe('salted and encry');
  });

  it('StartAuthSession checks the salt key and the salt', async () => {
    const { client, saltKey } = await setup();
    const signer = await saltKey(eccKeyTemplate({ usage: 'sign', curve: TPM_ECC.NIST_P256 }));
    const decrypter = await saltKey(eccKeyTemplate({ usage: 'decrypt', curve: TPM_ECC.NIST_P256 }));
    const start = (tpmKey: number, encryptedSalt: Uint8Array) =>
      client.run('StartAuthSession', { tpmKey, bind: TPM_RH.NULL, nonceCaller: new Uint8Array(32).fill(1), encryptedSalt, sessionType: 0, symmetric: AES128, authHash: TPM_ALG.SHA256 });
    const point = Uint8Array.of(0, 68, 0, 32, ...new Uint8Array(32).fill(1), 0, 32, ...new Uint8Array(32).fill(2));
    expect(await rcOf(start(signer.objectHandle, point))).toBe(TPM_RC.ATTRIBUTES | TPM_RC.H | 0x100);
    expect(await rcOf(start(decrypter.objectHandle, EMPTY))).toBe(TPM_RC.VALUE | P(2));
    // A point that is not on the curve does not decrypt.
    expect(await rcOf(start(decrypter.objectHandle, point))).toBe(TPM_RC.VALUE | P(2));
    expect(await rcOf(start(TPM_RH.NULL, point))).toBe(TPM_RC.VALUE | P(2));
  });
});
