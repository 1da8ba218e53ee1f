/**
 * Part 3 "Enhanced Authorization (EA) Commands": every policy command in both profiles (SHA-256
 * sessions in tpm2, SM3 in tcm2). For each: the TPM's PolicyGetDigest (policy and trial
 * sessions) equals the host calculator's (src/client/policy.ts createPolicy) and, for at least
 * one case, a recomputation with node:crypto from the Part 3 formula; the policy authorizes a
 * real entity whose authPolicy is that digest (an NV index with POLICYREAD/POLICYWRITE, a key
 * for Create or Duplicate); and the failure paths give their exact response codes.
 */
import { createHash, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import { TpmError } from '../../src/client/errors.js';
import { createClient } from '../../src/client/client.js';
import { createPolicy } from '../../src/client/policy.js';
import type { AuthSessionHandle } from '../../src/client/session.js';
import { ekPolicyA, ekPolicyB, ekPolicyC, ekPolicyIndexPublic, eccKeyTemplate, sealedDataTemplate, srkTemplate, symNull } from '../../src/client/templates.js';
import { inProcess } from '../../src/client/transport.js';
import { concatBytes, hexToBytes, utf8 } from '../../src/crypto/bytes.js';
import { hashByAlg } from '../../src/crypto/hash.js';
import { TPM_ALG, TPM_CC, TPM_ECC, TPM_EO, TPM_RC, TPM_RH, TPM_ST, TPMA_LOCALITY, TPMA_NV, TPMA_OBJECT as A } from '../../src/gen/constants.js';
import { SCHEMA } from '../../src/gen/schemas.js';
import type { TPMS_NV_PUBLIC, TPMT_PUBLIC, TPMT_SIGNATURE } from '../../src/gen/types.js';
import { nameHashOf, parametersHashOf, pcrSelection, policyAuthorizeAHash, policySignedAHash, templateHashOf } from '../../src/protocol/policy.js';
import { cpHash } from '../../src/protocol/session.js';
import { createCodec } from '../../src/wire/codec.js';
import { rcOf, startedTpm, type TestTpm } from '../helpers/tpm.js';

interface SmCryptoSm2 {
  generateKeyPairHex(): { privateKey: string; publicKey: string };
  doSignature(msg: Uint8Array, privateKey: string, opts?: { hash?: boolean }): string;
}
const { sm2: smc } = createRequire(import.meta.url)('sm-crypto') as { sm2: SmCryptoSm2 };

const codec = createCodec({ schema: SCHEMA, strict: false });
const EMPTY = new Uint8Array(0);
const S1 = TPM_RC.S | 0x100;
const P = (n: number) => TPM_RC.P | (n << 8);
const u16 = (n: number) => Uint8Array.of(n >>> 8, n & 0xff);
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

interface Suite {
  profile: 'tpm2' | 'tcm2';
  hashAlg: number;
  nodeHash: string;
  curve: number;
  sigAlg: number;
  srk: () => TPMT_PUBLIC;
}

const SUITES: Suite[] = [
  { profile: 'tpm2', hashAlg: TPM_ALG.SHA256, nodeHash: 'sha256', curve: TPM_ECC.NIST_P256, sigAlg: TPM_ALG.ECDSA, srk: () => srkTemplate({ alg: 'ecc-p256' }) },
  { profile: 'tcm2', hashAlg: TPM_ALG.SM3_256, nodeHash: 'sm3', curve: TPM_ECC.SM2_P256, sigAlg: TPM_ALG.SM2, srk: () => srkTemplate({ alg: 'sm2-p256' }) },
];

/** A signing key made on the host: ECDSA P-256 with node:crypto (tpm2), SM2 with sm-crypto (tcm2). */
interface HostKey {
  public: TPMT_PUBLIC;
  /** Signs H(message) with the suite's hash, as TPMT_SIGNATURE. */
  sign(message: Uint8Array): TPMT_SIGNATURE;
}

function hostKey(s: Suite): HostKey {
  const template = (x: Uint8Array, y: Uint8Array): TPMT_PUBLIC => ({
    ...eccKeyTemplate({ usage: 'sign', curve: s.curve }),
    objectAttributes: A.sign_encrypt | A.userWithAuth,
    unique: { x, y },
  });
  const sig = (rs: Uint8Array): TPMT_SIGNATURE => ({ sigAlg: s.sigAlg, signature: { hash: s.hashAlg, signatureR: rs.slice(0, 32), signatureS: rs.slice(32) } });
  if (s.profile === 'tpm2') {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const jwk = publicKey.export({ format: 'jwk' });
    return {
      public: template(new Uint8Array(Buffer.from(jwk.x!, 'base64url')), new Uint8Array(Buffer.from(jwk.y!, 'base64url'))),
      sign: (m) => sig(new Uint8Array(nodeSign('sha256', m, { key: privateKey, dsaEncoding: 'ieee-p1363' }))),
    };
  }
  const kp = smc.generateKeyPairHex();
  const pub = hexToBytes(kp.publicKey.padStart(130, '0')).subarray(1);
  return {
    public: template(pub.slice(0, 32), pub.slice(32)),
    sign: (m) => sig(hexToBytes(smc.doSignature(new Uint8Array(createHash('sm3').update(m).digest()), kp.privateKey, { hash: false }).padStart(128, '0'))),
  };
}

describe.each(SUITES)('policy commands, profile $profile', (s) => {
  const hash = hashByAlg(s.hashAlg)!;
  /** H of the session's hash, with node:crypto (the independent recomputation). */
  const H = (...parts: Uint8Array[]) => {
    const h = createHash(s.nodeHash);
    for (const p of parts) h.update(p);
    return new Uint8Array(h.digest());
  };
  const ZERO = new Uint8Array(hash.digestSize);
  const calc = () => createPolicy(s.hashAlg);

  interface Env extends TestTpm {
    policy(): Promise<AuthSessionHandle>;
    trial(): Promise<AuthSessionHandle>;
    digestOf(session: AuthSessionHandle): Promise<Uint8Array>;
    /** An NV index (8 octets, written) whose authPolicy is `policy`; `read` authorizes NV_Read with a session. */
    target(policy: Uint8Array, attributes?: number): Promise<{ index: number; name: Uint8Array; read(session: AuthSessionHandle): Promise<unknown> }>;
    /** A defined and written index authorized by its password 'pw'. */
    plainIndex(data: Uint8Array, dataSize?: number): Promise<{ index: number; name: Uint8Array }>;
  }

  let next = 0x01500100;
  async function env(): Promise<Env> {
    const t = await startedTpm({ profile: s.profile });
    const { client } = t;
    const define = async (authPolicy: Uint8Array, attributes: number, dataSize: number) => {
      const index = next++;
      await client.run('NV_DefineSpace', {
        authHandle: TPM_RH.OWNER,
        auth: utf8('pw'),
        publicInfo: { nvPublic: { nvIndex: index, nameAlg: s.hashAlg, attributes, authPolicy, dataSize } },
      });
      return index;
    };
    const nameOf = async (index: number) => (await client.run('NV_ReadPublic', { nvIndex: index })).nvName;
    return {
      ...t,
      policy: () => client.startAuthSession({ hash: s.hashAlg, type: 'policy' }),
      trial: () => client.startAuthSession({ hash: s.hashAlg, type: 'trial' }),
      digestOf: async (session) => (await client.run('PolicyGetDigest', { policySession: session.handle })).policyDigest,
      async target(policy, attributes = TPMA_NV.AUTHWRITE | TPMA_NV.POLICYREAD | TPMA_NV.NO_DA) {
        const index = await define(policy, attributes, 8);
        if (attributes & TPMA_NV.AUTHWRITE) await client.run('NV_Write', { authHandle: index, nvIndex: index, data: utf8('8 octets'), offset: 0 }, { auth: { authHandle: 'pw' } });
        return {
          index,
          name: await nameOf(index),
          read: (session) => client.run('NV_Read', { authHandle: index, nvIndex: index, size: 8, offset: 0 }, { auth: { authHandle: { session } } }),
        };
      },
      async plainIndex(data, dataSize = data.length) {
        const index = await define(EMPTY, TPMA_NV.AUTHWRITE | TPMA_NV.AUTHREAD | TPMA_NV.NO_DA, dataSize);
        if (data.length) await client.run('NV_Write', { authHandle: index, nvIndex: index, data, offset: 0 }, { auth: { authHandle: 'pw' } });
        return { index, name: await nameOf(index) };
      },
    };
  }

  /** Runs `apply` in a trial and in a policy session: both digests must be `expected`; returns the policy session. */
  async function agree(e: Env, apply: (session: AuthSessionHandle) => Promise<unknown>, expected: Uint8Array): Promise<AuthSessionHandle> {
    const trial = await e.trial();
    await apply(trial);
    expect(await e.digestOf(trial)).toEqual(expected);
    await e.client.flush(trial);
    const session = await e.policy();
    await apply(session);
    expect(await e.digestOf(session)).toEqual(expected);
    return session;
  }

  const signedArgs = (authObject: number, policySession: number, extra: Partial<{ nonceTPM: Uint8Array; cpHashA: Uint8Array; policyRef: Uint8Array; expiration: number }> = {}) => ({
    authObject,
    policySession,
    nonceTPM: EMPTY,
    cpHashA: EMPTY,
    policyRef: EMPTY,
    expiration: 0,
    ...extra,
  });

  async function loadHostKey(client: Client, key: HostKey) {
    return client.run('LoadExternal', { inPrivate: {}, inPublic: { publicArea: key.public }, hierarchy: TPM_RH.OWNER });
  }

  it('PolicySigned: a host signature over H(nonceTPM ‖ expiration ‖ cpHashA ‖ policyRef) authorizes; bad and expired ones do not', async () => {
    const e = await env();
    const key = hostKey(s);
    const { objectHandle, name: keyName } = await loadHostKey(e.client, key);
    const policyRef = utf8('signed ref');
    const expected = calc().signed(keyName, policyRef).digest();
    // Part 3: policyDigest := H(H(0…0 ‖ TPM_CC_PolicySigned ‖ keyName) ‖ policyRef).
    expect(expected).toEqual(H(H(ZERO, u32(TPM_CC.PolicySigned), keyName), policyRef));
    const target = await e.target(expected);

    const signFor = (session: AuthSessionHandle, expiration = 0, nonce = true) => {
      const nonceTPM = nonce ? session.nonceTPM : EMPTY;
      return { nonceTPM, expiration, auth: key.sign(concatBytes(nonceTPM, u32(expiration >>> 0), EMPTY, policyRef)) };
    };
    // A trial session takes any signature.
    const session = await agree(e, async (x) => e.client.run('PolicySigned', { ...signedArgs(objectHandle, x.handle, { policyRef }), ...(x.type === 'trial' ? { auth: key.sign(utf8('anything')) } : signFor(x)) }), expected);
    await target.read(session);

    // A signature over other values: TPM_RC_SIGNATURE on parameter 5 (auth).
    const bad = await e.policy();
    const other = signFor(bad);
    expect(await rcOf(e.client.run('PolicySigned', { ...signedArgs(objectHandle, bad.handle, { policyRef: utf8('other ref') }), ...other }))).toBe(TPM_RC.SIGNATURE | P(5));
    // A wrong nonceTPM: TPM_RC_NONCE on parameter 1.
    expect(await rcOf(e.client.run('PolicySigned', { ...signedArgs(objectHandle, bad.handle, { policyRef }), ...other, nonceTPM: new Uint8Array(hash.digestSize).fill(7) }))).toBe(TPM_RC.NONCE | P(1));

    // Expires 1 s after the session started: usable at once, TPM_RC_EXPIRED after 2 s.
    const short = await e.policy();
    await e.client.run('PolicySigned', { ...signedArgs(objectHandle, short.handle, { policyRef }), ...signFor(short, 1) });
    e.tick(2000);
    expect(await rcOf(target.read(short))).toBe(TPM_RC.EXPIRED | S1);
    // Already expired when given (measured from the session's start): TPM_RC_EXPIRED on parameter 4.
    const late = await e.policy();
    e.tick(3000);
    expect(await rcOf(e.client.run('PolicySigned', { ...signedArgs(objectHandle, late.handle, { policyRef }), ...signFor(late, 2) }))).toBe(TPM_RC.EXPIRED | P(4));
  });

  it('PolicyTicket: tickets of PolicySigned and PolicySecret stand for them; forged tickets and trial sessions are refused', async () => {
    const e = await env();
    const key = hostKey(s);
    const { objectHandle, name: keyName } = await loadHostKey(e.client, key);
    const policyRef = utf8('ticket ref');

    // PolicySigned with a negative expiration and no nonce: a ticket (timeout with the expires-on-reset bit).
    const first = await e.policy();
    const signed = await e.client.run('PolicySigned', {
      ...signedArgs(objectHandle, first.handle, { policyRef, expiration: -60 }),
      auth: key.sign(concatBytes(u32(-60 >>> 0), policyRef)),
    });
    expect(signed.policyTicket.tag).toBe(TPM_ST.AUTH_SIGNED);
    expect(signed.policyTicket.hierarchy).toBe(TPM_RH.OWNER);
    expect(signed.timeout.length).toBe(8);
    expect(signed.timeout[0] & 0x80).toBe(0x80);
    const signedPolicy = calc().signed(keyName, policyRef).digest();
    const target = await e.target(signedPolicy);

    const ticket = (policySession: number, t = signed, authName = keyName) =>
      e.client.run('PolicyTicket', { policySession, timeout: t.timeout, cpHashA: EMPTY, policyRef, authName, ticket: t.policyTicket });
    const again = await e.policy();
    await ticket(again.handle);
    expect(await e.digestOf(again)).toEqual(signedPolicy);
    await target.read(again);

    // A forged ticket, or one for another Name: TPM_RC_TICKET on parameter 5.
    const forged = await e.policy();
    const digest = signed.policyTicket.digest.slice();
    digest[0] ^= 1;
    expect(await rcOf(ticket(forged.handle, { ...signed, policyTicket: { ...signed.policyTicket, digest } }))).toBe(TPM_RC.TICKET | P(5));
    expect(await rcOf(ticket(forged.handle, signed, u32(TPM_RH.OWNER)))).toBe(TPM_RC.TICKET | P(5));
    // A trial session takes no ticket: TPM_RC_ATTRIBUTES on handle 1.
    const trial = await e.trial();
    expect(await rcOf(ticket(trial.handle))).toBe(TPM_RC.ATTRIBUTES | 0x100);
    // The ticket's timeout passes.
    e.tick(61_000);
    expect(await rcOf(ticket(forged.handle))).toBe(TPM_RC.EXPIRED | P(1));

    // PolicySecret's ticket gives PolicySecret's digest.
    const s2 = await e.policy();
    const secret = await e.client.run('PolicySecret', { authHandle: TPM_RH.OWNER, policySession: s2.handle, nonceTPM: EMPTY, cpHashA: EMPTY, policyRef, expiration: -100 });
    expect(secret.policyTicket.tag).toBe(TPM_ST.AUTH_SECRET);
    const s3 = await e.policy();
    await e.client.run('PolicyTicket', { policySession: s3.handle, timeout: secret.timeout, cpHashA: EMPTY, policyRef, authName: u32(TPM_RH.OWNER), ticket: secret.policyTicket });
    expect(await e.digestOf(s3)).toEqual(calc().secret(TPM_RH.OWNER, policyRef).digest());
    expect(await e.digestOf(s3)).toEqual(H(H(ZERO, u32(TPM_CC.PolicySecret), u32(TPM_RH.OWNER)), policyRef));
  });

  it('PolicyOR: the digest must be one of the list (TPM_RC_VALUE otherwise); a trial session takes any', async () => {
    const e = await env();
    const a = calc().commandCode(TPM_CC.NV_Read).digest();
    const b = calc().authValue().digest();
    const expected = calc().or(a, calc().authValue()).digest();
    expect(expected).toEqual(H(ZERO, u32(TPM_CC.PolicyOR), a, b));
    const target = await e.target(expected);
    const session = await agree(
      e,
      async (x) => {
        await e.client.run('PolicyCommandCode', { policySession: x.handle, code: TPM_CC.NV_Read });
        await e.client.run('PolicyOR', { policySession: x.handle, pHashList: { digests: [a, b] } });
      },
      expected,
    );
    await target.read(session);
    // From the empty digest, neither branch: TPM_RC_VALUE on parameter 1; a trial session still computes.
    const other = await e.policy();
    expect(await rcOf(e.client.run('PolicyOR', { policySession: other.handle, pHashList: { digests: [a, b] } }))).toBe(TPM_RC.VALUE | P(1));
    const trial = await e.trial();
    await e.client.run('PolicyOR', { policySession: trial.handle, pHashList: { digests: [a, b] } });
    expect(await e.digestOf(trial)).toEqual(expected);
    // Fewer than two digests: TPM_RC_SIZE.
    expect(await rcOf(e.client.run('PolicyOR', { policySession: other.handle, pHashList: { digests: [a] } }))).toBe(TPM_RC.SIZE | P(1));
  });

  it('PolicyPCR: the PCR digest is checked; a PCR change afterwards fails the session (TPM_RC_PCR_CHANGED)', async () => {
    const e = await env();
    const pcr = 16;
    await e.client.run('PCR_Extend', { pcrHandle: pcr, digests: { digests: [{ hashAlg: s.hashAlg, digest: H(utf8('measured')) }] } });
    const sel = [pcrSelection(s.hashAlg, [pcr])];
    const read = await e.client.run('PCR_Read', { pcrSelectionIn: { pcrSelections: sel } });
    const value = read.pcrValues.digests[0];
    const expected = calc().pcr([{ hash: s.hashAlg, pcrs: [pcr] }], [value]).digest();
    // Part 3: H(policyDigest ‖ TPM_CC_PolicyPCR ‖ TPML_PCR_SELECTION ‖ H(PCR values)).
    expect(expected).toEqual(H(ZERO, u32(TPM_CC.PolicyPCR), u32(1), u16(s.hashAlg), Uint8Array.of(3, 0, 0, 1), H(value)));
    const target = await e.target(expected);
    const session = await agree(e, (x) => e.client.run('PolicyPCR', { policySession: x.handle, pcrDigest: EMPTY, pcrs: { pcrSelections: sel } }), expected);
    await target.read(session);
    // With the expected digest given.
    const given = await e.policy();
    await e.client.run('PolicyPCR', { policySession: given.handle, pcrDigest: H(value), pcrs: { pcrSelections: sel } });
    await target.read(given);
    // A wrong PCR value: TPM_RC_VALUE on parameter 1; a trial session takes it as given.
    const wrong = await e.policy();
    expect(await rcOf(e.client.run('PolicyPCR', { policySession: wrong.handle, pcrDigest: H(utf8('other')), pcrs: { pcrSelections: sel } }))).toBe(TPM_RC.VALUE | P(1));
    const trial = await e.trial();
    await e.client.run('PolicyPCR', { policySession: trial.handle, pcrDigest: H(utf8('other')), pcrs: { pcrSelections: sel } });
    expect(await e.digestOf(trial)).toEqual(calc().pcr(sel, H(utf8('other'))).digest());
    // PCRs changed after PolicyPCR: TPM_RC_PCR_CHANGED at use and in a second PolicyPCR.
    await e.client.run('PCR_Extend', { pcrHandle: 23, digests: { digests: [{ hashAlg: s.hashAlg, digest: H(utf8('x')) }] } });
    expect(await rcOf(target.read(given))).toBe(TPM_RC.PCR_CHANGED);
    expect(await rcOf(e.client.run('PolicyPCR', { policySession: given.handle, pcrDigest: EMPTY, pcrs: { pcrSelections: sel } }))).toBe(TPM_RC.PCR_CHANGED);
    // PolicyRestart forgets the PCR check.
    await e.client.run('PolicyRestart', { sessionHandle: given.handle });
    await e.client.run('PolicyPCR', { policySession: given.handle, pcrDigest: EMPTY, pcrs: { pcrSelections: sel } });
    await target.read(given);
  });

  it('PolicyLocality: only from the allowed localities (TPM_RC_LOCALITY); masks narrow, zero is TPM_RC_RANGE', async () => {
    const e = await env();
    const expected = calc().locality(TPMA_LOCALITY.TPM_LOC_ONE | TPMA_LOCALITY.TPM_LOC_THREE).digest();
    expect(expected).toEqual(H(ZERO, u32(TPM_CC.PolicyLocality), Uint8Array.of(0x0a)));
    const target = await e.target(expected);
    const session = await agree(e, (x) => e.client.run('PolicyLocality', { policySession: x.handle, locality: 0x0a }), expected);
    expect(await rcOf(target.read(session))).toBe(TPM_RC.LOCALITY);
    const at1 = createClient(inProcess(e.tpm, { locality: 1 }));
    await at1.run('NV_Read', { authHandle: target.index, nvIndex: target.index, size: 8, offset: 0 }, { auth: { authHandle: { session } }, names: { authHandle: target.name, nvIndex: target.name } });
    const at2 = createClient(inProcess(e.tpm, { locality: 2 }));
    expect(await rcOf(at2.run('NV_Read', { authHandle: target.index, nvIndex: target.index, size: 8, offset: 0 }, { auth: { authHandle: { session } }, names: { authHandle: target.name, nvIndex: target.name } }))).toBe(TPM_RC.LOCALITY);
    // Narrowing to an empty set, and zero: TPM_RC_RANGE on parameter 1.
    const other = await e.policy();
    await e.client.run('PolicyLocality', { policySession: other.handle, locality: TPMA_LOCALITY.TPM_LOC_ONE });
    expect(await rcOf(e.client.run('PolicyLocality', { policySession: other.handle, locality: TPMA_LOCALITY.TPM_LOC_TWO }))).toBe(TPM_RC.RANGE | P(1));
    expect(await rcOf(e.client.run('PolicyLocality', { policySession: other.handle, locality: 0 }))).toBe(TPM_RC.RANGE | P(1));
  });

  it('PolicyNV: every TPM_EO comparison, signed and unsigned, against the index contents', async () => {
    const e = await env();
    const src = await e.plainIndex(new Uint8Array(8));
    const signed16 = (v: number) => (v & 0x8000 ? v - 0x10000 : v);
    const expectOf = (op: number, a: number, b: number): boolean => {
      switch (op) {
        case TPM_EO.EQ: return a === b;
        case TPM_EO.NEQ: return a !== b;
        case TPM_EO.SIGNED_GT: return signed16(a) > signed16(b);
        case TPM_EO.UNSIGNED_GT: return a > b;
        case TPM_EO.SIGNED_LT: return signed16(a) < signed16(b);
        case TPM_EO.UNSIGNED_LT: return a < b;
        case TPM_EO.SIGNED_GE: return signed16(a) >= signed16(b);
        case TPM_EO.UNSIGNED_GE: return a >= b;
        case TPM_EO.SIGNED_LE: return signed16(a) <= signed16(b);
        case TPM_EO.UNSIGNED_LE: return a <= b;
        case TPM_EO.BITSET: return (a & b) === b;
        case TPM_EO.BITCLEAR: return (a & b) === 0;
      }
      throw new Error('op');
    };
    const session = await e.policy();
    const policyNV = (x: AuthSessionHandle, operandB: Uint8Array, offset: number, operation: number, index = src.index) =>
      e.client.run('PolicyNV', { authHandle: index, nvIndex: index, policySession: x.handle, operandB, offset, operation }, { auth: { authHandle: 'pw' } });
    const pairs: [number, number][] = [[5, 3], [3, 5], [5, 5], [0xffff, 1], [1, 0xffff], [0x80f0, 0x0030], [0x8000, 0x7fff]];
    for (const [a, b] of pairs) {
      await e.client.run('NV_Write', { authHandle: src.index, nvIndex: src.index, data: u16(a), offset: 6 }, { auth: { authHandle: 'pw' } });
      for (let op = TPM_EO.EQ; op <= TPM_EO.BITCLEAR; op++) {
        const r = await policyNV(session, u16(b), 6, op).then(() => 0, (err: unknown) => (err instanceof TpmError ? err.rc : Promise.reject(err)));
        expect([a, b, op, r]).toEqual([a, b, op, expectOf(op, a, b) ? 0 : TPM_RC.POLICY]);
        if (r === 0) await e.client.run('PolicyRestart', { sessionHandle: session.handle });
      }
    }
    // The digest, and an authorization with it (index holds 0x8000 at offset 6 now).
    const operandB = u16(0x8000);
    const expected = calc().nv(src.name, operandB, 6, TPM_EO.UNSIGNED_GE).digest();
    expect(expected).toEqual(H(ZERO, u32(TPM_CC.PolicyNV), H(operandB, u16(6), u16(TPM_EO.UNSIGNED_GE)), src.name));
    const target = await e.target(expected);
    const ok = await agree(e, (x) => policyNV(x, operandB, 6, TPM_EO.UNSIGNED_GE), expected);
    await target.read(ok);
    // Offset beyond the index (TPM_RC_VALUE, parameter 2), operandB beyond its end (TPM_RC_SIZE, parameter 1), unwritten index.
    expect(await rcOf(policyNV(session, operandB, 9, TPM_EO.EQ))).toBe(TPM_RC.VALUE | P(2));
    expect(await rcOf(policyNV(session, operandB, 7, TPM_EO.EQ))).toBe(TPM_RC.SIZE | P(1));
    const unwritten = await e.plainIndex(EMPTY, 8);
    expect(await rcOf(policyNV(session, operandB, 0, TPM_EO.EQ, unwritten.index))).toBe(TPM_RC.NV_UNINITIALIZED);
  });

  it('PolicyCounterTimer: compares against TPMS_TIME_INFO as TPM2_ReadClock gives it', async () => {
    const e = await env();
    const { currentTime } = await e.client.run('ReadClock', {});
    const info = codec.encode('TPMS_TIME_INFO', currentTime);
    expect(info.length).toBe(25);
    const run = (x: AuthSessionHandle, operandB: Uint8Array, offset: number, operation: number) =>
      e.client.run('PolicyCounterTimer', { policySession: x.handle, operandB, offset, operation });
    // The whole structure equals ReadClock's (the fake clock stands still).
    const whole = await e.policy();
    await run(whole, info, 0, TPM_EO.EQ);
    expect(await e.digestOf(whole)).toEqual(calc().counterTimer(info, 0, TPM_EO.EQ).digest());
    // "Before time t": time (offset 0, 8 octets) < now + 10 s; fails once 10 s have passed.
    const limit = codec.encode('UINT64', currentTime.time + 10_000n);
    const expected = calc().counterTimer(limit, 0, TPM_EO.UNSIGNED_LT).digest();
    expect(expected).toEqual(H(ZERO, u32(TPM_CC.PolicyCounterTimer), H(limit, u16(0), u16(TPM_EO.UNSIGNED_LT))));
    const target = await e.target(expected);
    const session = await agree(e, (x) => run(x, limit, 0, TPM_EO.UNSIGNED_LT), expected);
    await target.read(session);
    e.tick(10_001);
    const late = await e.policy();
    expect(await rcOf(run(late, limit, 0, TPM_EO.UNSIGNED_LT))).toBe(TPM_RC.POLICY);
    // resetCount (offset 16) equals ReadClock's.
    await run(late, u32(currentTime.clockInfo.resetCount), 16, TPM_EO.EQ);
    // Offsets beyond the structure: TPM_RC_VALUE (parameter 2) and TPM_RC_RANGE.
    expect(await rcOf(run(late, EMPTY, 26, TPM_EO.EQ))).toBe(TPM_RC.VALUE | P(2));
    expect(await rcOf(run(late, u32(0), 24, TPM_EO.EQ))).toBe(TPM_RC.RANGE);
  });

  it('PolicyPhysicalPresence: physical presence must be asserted at use (TPM_RC_PP)', async () => {
    const e = await env();
    const expected = calc().physicalPresence().digest();
    expect(expected).toEqual(H(ZERO, u32(TPM_CC.PolicyPhysicalPresence)));
    const target = await e.target(expected);
    const session = await agree(e, (x) => e.client.run('PolicyPhysicalPresence', { policySession: x.handle }), expected);
    expect(await rcOf(target.read(session))).toBe(TPM_RC.PP | S1);
    e.tpm.setPhysicalPresence(true);
    await target.read(session);
    e.tpm.setPhysicalPresence(false);
  });

  it('PolicyCpHash, PolicyNameHash, PolicyParameters: digests, and one of them at a time (TPM_RC_CPHASH)', async () => {
    const e = await env();
    const probe = await e.target(EMPTY);
    const params = (size: number) => concatBytes(u16(size), u16(0));
    const cp = cpHash(hash, TPM_CC.NV_Read, [probe.name, probe.name], params(8));
    expect(cp).toEqual(H(u32(TPM_CC.NV_Read), probe.name, probe.name, params(8)));

    // PolicyCpHash: H(policyDigest ‖ TPM_CC_PolicyCpHash ‖ cpHashA).
    const byCp = calc().cpHash(cp).digest();
    expect(byCp).toEqual(H(ZERO, u32(TPM_CC.PolicyCpHash), cp));
    const s1 = await agree(e, (x) => e.client.run('PolicyCpHash', { policySession: x.handle, cpHashA: cp }), byCp);
    await e.client.run('PolicyCpHash', { policySession: s1.handle, cpHashA: cp }); // the same one again is allowed
    expect(await rcOf(e.client.run('PolicyCpHash', { policySession: s1.handle, cpHashA: H(utf8('other')) }))).toBe(TPM_RC.CPHASH);
    expect(await rcOf(e.client.run('PolicyCpHash', { policySession: s1.handle, cpHashA: cp.subarray(1) }))).toBe(TPM_RC.SIZE | P(1));
    expect(await rcOf(e.client.run('PolicyNameHash', { policySession: s1.handle, nameHash: cp }))).toBe(TPM_RC.CPHASH);
    // TPM2_PolicyParameters (TPM 2.0 1.83) postdates GM/T 0012-2020: not a tcm2 command.
    const withParameters = s.profile === 'tpm2';
    expect(await rcOf(e.client.run('PolicyParameters', { policySession: s1.handle, pHash: cp }))).toBe(withParameters ? TPM_RC.CPHASH : TPM_RC.COMMAND_CODE);

    // PolicyNameHash: nameHash = H(Name of authHandle ‖ Name of nvIndex); set once.
    const names = nameHashOf(hash, [probe.name, probe.name]);
    expect(names).toEqual(H(probe.name, probe.name));
    const byName = calc().nameHash(names).digest();
    expect(byName).toEqual(H(ZERO, u32(TPM_CC.PolicyNameHash), names));
    const sN = await agree(e, (x) => e.client.run('PolicyNameHash', { policySession: x.handle, nameHash: names }), byName);
    expect(await rcOf(e.client.run('PolicyNameHash', { policySession: sN.handle, nameHash: names }))).toBe(TPM_RC.CPHASH);
    expect(await rcOf(e.client.run('PolicyCpHash', { policySession: sN.handle, cpHashA: cp }))).toBe(TPM_RC.CPHASH);
    expect(await rcOf(e.client.run('PolicyNameHash', { policySession: (await e.policy()).handle, nameHash: names.subarray(2) }))).toBe(TPM_RC.SIZE | P(1));

    if (!withParameters) return;
    // PolicyParameters: pHash = H(TPM_CC_NV_Read ‖ parameters), any handles: authorizes reading 8 octets only.
    const pHash = parametersHashOf(hash, TPM_CC.NV_Read, params(8));
    expect(pHash).toEqual(H(u32(TPM_CC.NV_Read), params(8)));
    const byParams = calc().parameters(pHash).digest();
    expect(byParams).toEqual(H(ZERO, u32(TPM_CC.PolicyParameters), pHash));
    const t3 = await e.target(byParams);
    const sP = await agree(e, (x) => e.client.run('PolicyParameters', { policySession: x.handle, pHash }), byParams);
    await t3.read(sP);
    expect(await rcOf(e.client.run('NV_Read', { authHandle: t3.index, nvIndex: t3.index, size: 4, offset: 0 }, { auth: { authHandle: { session: sP } } }))).toBe(TPM_RC.POLICY_FAIL | S1);
  });

  it('PolicyCpHash, PolicyNameHash and PolicySecret cpHashA authorize exactly the command they name (owner authPolicy)', async () => {
    const e = await env();
    const setOwnerPolicy = (authPolicy: Uint8Array, auth: string = '') =>
      e.client.run('SetPrimaryPolicy', { authHandle: TPM_RH.OWNER, authPolicy, hashAlg: s.hashAlg }, { auth: { authHandle: auth } });
    // PolicyNameHash: HierarchyChangeAuth(owner) has one handle: H(0x40000001).
    const ownerOnly = nameHashOf(hash, [u32(TPM_RH.OWNER)]);
    await setOwnerPolicy(calc().nameHash(ownerOnly).digest());
    const wrongNames = calc().nameHash(nameHashOf(hash, [u32(TPM_RH.OWNER), u32(TPM_RH.OWNER)])).digest();
    const s1 = await e.policy();
    await e.client.run('PolicyNameHash', { policySession: s1.handle, nameHash: nameHashOf(hash, [u32(TPM_RH.OWNER), u32(TPM_RH.OWNER)]) });
    expect(await e.digestOf(s1)).toEqual(wrongNames);
    expect(await rcOf(e.client.run('HierarchyChangeAuth', { authHandle: TPM_RH.OWNER, newAuth: EMPTY }, { auth: { authHandle: { session: s1 } } }))).toBe(TPM_RC.POLICY_FAIL | S1);
    await setOwnerPolicy(wrongNames);
    const s1b = await e.policy();
    await e.client.run('PolicyNameHash', { policySession: s1b.handle, nameHash: nameHashOf(hash, [u32(TPM_RH.OWNER), u32(TPM_RH.OWNER)]) });
    // The digest matches, the Names do not.
    expect(await rcOf(e.client.run('HierarchyChangeAuth', { authHandle: TPM_RH.OWNER, newAuth: EMPTY }, { auth: { authHandle: { session: s1b } } }))).toBe(TPM_RC.POLICY_FAIL | S1);
    await setOwnerPolicy(calc().nameHash(ownerOnly).digest());
    const s2 = await e.policy();
    await e.client.run('PolicyNameHash', { policySession: s2.handle, nameHash: ownerOnly });
    await e.client.run('HierarchyChangeAuth', { authHandle: TPM_RH.OWNER, newAuth: EMPTY }, { auth: { authHandle: { session: s2 } } });

    // PolicyCpHash: the cpHash of exactly one HierarchyChangeAuth.
    const newAuth = utf8('new-owner');
    const cp = cpHash(hash, TPM_CC.HierarchyChangeAuth, [u32(TPM_RH.OWNER)], concatBytes(u16(newAuth.length), newAuth));
    await setOwnerPolicy(calc().cpHash(cp).digest());
    const s3 = await e.policy();
    await e.client.run('PolicyCpHash', { policySession: s3.handle, cpHashA: cp });
    expect(await rcOf(e.client.run('HierarchyChangeAuth', { authHandle: TPM_RH.OWNER, newAuth: utf8('other') }, { auth: { authHandle: { session: s3 } } }))).toBe(TPM_RC.POLICY_FAIL | S1);
    await e.client.run('HierarchyChangeAuth', { authHandle: TPM_RH.OWNER, newAuth }, { auth: { authHandle: { session: s3 } } });

    // PolicySecret's cpHashA sets the same condition.
    const secretPolicy = calc().secret(TPM_RH.ENDORSEMENT).digest();
    await setOwnerPolicy(secretPolicy, 'new-owner');
    const s4 = await e.policy();
    await e.client.run('PolicySecret', { authHandle: TPM_RH.ENDORSEMENT, policySession: s4.handle, nonceTPM: EMPTY, cpHashA: cp, policyRef: EMPTY, expiration: 0 });
    expect(await rcOf(e.client.run('PolicyCpHash', { policySession: s4.handle, cpHashA: H(utf8('x')) }))).toBe(TPM_RC.CPHASH);
    expect(await rcOf(e.client.run('HierarchyChangeAuth', { authHandle: TPM_RH.OWNER, newAuth: utf8('other') }, { auth: { authHandle: { session: s4 } } }))).toBe(TPM_RC.POLICY_FAIL | S1);
    // cp names newAuth = 'new-owner' (the value it already has).
    await e.client.run('HierarchyChangeAuth', { authHandle: TPM_RH.OWNER, newAuth }, { auth: { authHandle: { session: s4 } } });
  });

  it('PolicyDuplicationSelect: Duplicate to the named new parent only', async () => {
    const e = await env();
    const noCreation = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };
    const srk = await e.client.run('CreatePrimary', { primaryHandle: TPM_RH.OWNER, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: s.srk() }, ...noCreation });
    const other = await e.client.run('CreatePrimary', { primaryHandle: TPM_RH.OWNER, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: srkTemplate({ alg: s.profile === 'tpm2' ? 'ecc-p256' : 'sm2-p256', unique: 'empty' }) }, ...noCreation });
    // includeObject NO: the object's own Name is not in its authPolicy (it could not be).
    const policy = calc().duplicationSelect(EMPTY, srk.name, false).digest();
    expect(policy).toEqual(H(ZERO, u32(TPM_CC.PolicyDuplicationSelect), srk.name, Uint8Array.of(0)));
    const template: TPMT_PUBLIC = { ...sealedDataTemplate({ nameAlg: s.hashAlg, authPolicy: policy }), objectAttributes: A.userWithAuth | A.noDA };
    const c = await e.client.run('Create', { parentHandle: srk.objectHandle, inSensitive: { sensitive: { userAuth: EMPTY, data: utf8('dup me') } }, inPublic: { publicArea: template }, ...noCreation });
    const obj = await e.client.run('Load', { parentHandle: srk.objectHandle, inPrivate: c.outPrivate, inPublic: { publicArea: c.outPublic.publicArea } });
    // includeObject YES: objectName in the digest too.
    const withObject = calc().duplicationSelect(obj.name, srk.name, true).digest();
    expect(withObject).toEqual(H(ZERO, u32(TPM_CC.PolicyDuplicationSelect), obj.name, srk.name, Uint8Array.of(1)));
    await agree(e, (x) => e.client.run('PolicyDuplicationSelect', { policySession: x.handle, objectName: obj.name, newParentName: srk.name, includeObject: 1 }), withObject);

    const select = async () => {
      const session = await agree(e, (x) => e.client.run('PolicyDuplicationSelect', { policySession: x.handle, objectName: obj.name, newParentName: srk.name, includeObject: 0 }), policy);
      return session;
    };
    const dup = (session: AuthSessionHandle, newParentHandle: number) =>
      e.client.run('Duplicate', { objectHandle: obj.objectHandle, newParentHandle, encryptionKeyIn: EMPTY, symmetricAlg: symNull() }, { auth: { objectHandle: { session } } });
    expect(await rcOf(dup(await select(), other.objectHandle))).toBe(TPM_RC.POLICY_FAIL | S1);
    const out = await dup(await select(), srk.objectHandle);
    expect(out.duplicate.length).toBeGreaterThan(0);
    // A command code already set: TPM_RC_COMMAND_CODE; a nameHash already set: TPM_RC_CPHASH.
    const x = await e.policy();
    await e.client.run('PolicyCommandCode', { policySession: x.handle, code: TPM_CC.Duplicate });
    expect(await rcOf(e.client.run('PolicyDuplicationSelect', { policySession: x.handle, objectName: obj.name, newParentName: srk.name, includeObject: 0 }))).toBe(TPM_RC.COMMAND_CODE);
    const y = await e.policy();
    await e.client.run('PolicyNameHash', { policySession: y.handle, nameHash: H(utf8('n')) });
    expect(await rcOf(e.client.run('PolicyDuplicationSelect', { policySession: y.handle, objectName: obj.name, newParentName: srk.name, includeObject: 0 }))).toBe(TPM_RC.CPHASH);
  });

  it('PolicyAuthorize: a policy approved by a key, with a VerifySignature ticket; a ticket for another policy fails', async () => {
    const e = await env();
    const key = hostKey(s);
    const { objectHandle, name: keyName } = await loadHostKey(e.client, key);
    const policyRef = utf8('approval');
    const approved = calc().commandCode(TPM_CC.NV_Read).digest();
    const expected = calc().commandCode(TPM_CC.NV_Write).authorize(keyName, policyRef).digest();
    // Part 3: PolicyUpdate(TPM_CC_PolicyAuthorize, keySign, policyRef) from a reset digest.
    expect(expected).toEqual(H(H(ZERO, u32(TPM_CC.PolicyAuthorize), keyName), policyRef));
    const target = await e.target(expected);
    const aHash = policyAuthorizeAHash(hashByAlg(s.hashAlg)!, approved, policyRef);
    expect(aHash).toEqual(H(approved, policyRef));
    const { validation } = await e.client.run('VerifySignature', { keyHandle: objectHandle, digest: aHash, signature: key.sign(concatBytes(approved, policyRef)) });
    expect(validation.tag).toBe(TPM_ST.VERIFIED);

    const authorize = (x: AuthSessionHandle, checkTicket = validation, approvedPolicy = approved) =>
      e.client.run('PolicyAuthorize', { policySession: x.handle, approvedPolicy, policyRef, keySign: keyName, checkTicket });
    const session = await agree(
      e,
      async (x) => {
        await e.client.run('PolicyCommandCode', { policySession: x.handle, code: TPM_CC.NV_Read });
        await authorize(x);
      },
      expected,
    );
    await target.read(session);

    // A ticket for another policy: TPM_RC_VALUE on parameter 4 (checkTicket).
    const otherPolicy = calc().commandCode(TPM_CC.NV_Write).digest();
    const otherTicket = (await e.client.run('VerifySignature', { keyHandle: objectHandle, digest: H(otherPolicy, policyRef), signature: key.sign(concatBytes(otherPolicy, policyRef)) })).validation;
    const bad = await e.policy();
    await e.client.run('PolicyCommandCode', { policySession: bad.handle, code: TPM_CC.NV_Read });
    expect(await rcOf(authorize(bad, otherTicket))).toBe(TPM_RC.VALUE | P(4));
    // approvedPolicy is not the session's digest: TPM_RC_VALUE on parameter 1.
    expect(await rcOf(authorize(bad, otherTicket, otherPolicy))).toBe(TPM_RC.VALUE | P(1));
    // keySign that is not a Name with a digest: TPM_RC_SIZE / TPM_RC_HASH on parameter 3.
    expect(await rcOf(e.client.run('PolicyAuthorize', { policySession: bad.handle, approvedPolicy: approved, policyRef, keySign: keyName.subarray(0, 10), checkTicket: validation }))).toBe(TPM_RC.SIZE | P(3));
    expect(await rcOf(e.client.run('PolicyAuthorize', { policySession: bad.handle, approvedPolicy: approved, policyRef, keySign: concatBytes(u16(0x7777), keyName.subarray(2)), checkTicket: validation }))).toBe(TPM_RC.HASH | P(3));
  });

  it('PolicyNvWritten: TPMA_NV_WRITTEN as required at use (write-once index)', async () => {
    const e = await env();
    const expected = calc().nvWritten(false).digest();
    expect(expected).toEqual(H(ZERO, u32(TPM_CC.PolicyNvWritten), Uint8Array.of(0)));
    expect(calc().nvWritten(true).digest()).toEqual(H(ZERO, u32(TPM_CC.PolicyNvWritten), Uint8Array.of(1)));
    const t = await e.target(expected, TPMA_NV.POLICYWRITE | TPMA_NV.AUTHREAD | TPMA_NV.NO_DA);
    const write = (session: AuthSessionHandle) => e.client.run('NV_Write', { authHandle: t.index, nvIndex: t.index, data: utf8('once'), offset: 0 }, { auth: { authHandle: { session } } });
    const first = await agree(e, (x) => e.client.run('PolicyNvWritten', { policySession: x.handle, writtenSet: 0 }), expected);
    await write(first);
    const second = await e.policy();
    await e.client.run('PolicyNvWritten', { policySession: second.handle, writtenSet: 0 });
    expect(await rcOf(write(second))).toBe(TPM_RC.POLICY_FAIL | S1);
    // Asking for both states: TPM_RC_VALUE on parameter 1.
    expect(await rcOf(e.client.run('PolicyNvWritten', { policySession: second.handle, writtenSet: 1 }))).toBe(TPM_RC.VALUE | P(1));
  });

  it('PolicyTemplate: Create under a parent whose policy names the template', async () => {
    const e = await env();
    const noCreation = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };
    const child = sealedDataTemplate({ nameAlg: s.hashAlg, noDA: true });
    const templateHash = templateHashOf(hash, codec.encode('TPMT_PUBLIC', child));
    const expected = calc().template(templateHash).digest();
    expect(expected).toEqual(H(ZERO, u32(TPM_CC.PolicyTemplate), H(codec.encode('TPMT_PUBLIC', child))));
    const parent = await e.client.run('CreatePrimary', {
      primaryHandle: TPM_RH.OWNER,
      inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } },
      inPublic: { publicArea: { ...s.srk(), authPolicy: expected } },
      ...noCreation,
    });
    const create = (session: AuthSessionHandle, publicArea: TPMT_PUBLIC) =>
      e.client.run('Create', { parentHandle: parent.objectHandle, inSensitive: { sensitive: { userAuth: EMPTY, data: utf8('secret') } }, inPublic: { publicArea }, ...noCreation }, { auth: { parentHandle: { session } } });
    const session = await agree(e, (x) => e.client.run('PolicyTemplate', { policySession: x.handle, templateHash }), expected);
    await create(session, child);
    expect(await rcOf(create(session, sealedDataTemplate({ nameAlg: s.hashAlg, noDA: false })))).toBe(TPM_RC.POLICY_FAIL | S1);
    // Another cpHash-like value first: TPM_RC_CPHASH.
    const x = await e.policy();
    await e.client.run('PolicyCpHash', { policySession: x.handle, cpHashA: H(utf8('cp')) });
    expect(await rcOf(e.client.run('PolicyTemplate', { policySession: x.handle, templateHash }))).toBe(TPM_RC.CPHASH);
  });

  it('PolicyAuthorizeNV: the approved policy read from an NV index', async () => {
    const e = await env();
    const approved = calc().commandCode(TPM_CC.NV_Read).digest();
    const holder = await e.plainIndex(concatBytes(u16(s.hashAlg), approved));
    const expected = calc().authorizeNV(holder.name).digest();
    expect(expected).toEqual(H(ZERO, u32(TPM_CC.PolicyAuthorizeNV), holder.name));
    const target = await e.target(expected);
    const authorizeNV = (x: AuthSessionHandle, index = holder.index) => e.client.run('PolicyAuthorizeNV', { authHandle: index, nvIndex: index, policySession: x.handle }, { auth: { authHandle: 'pw' } });
    const session = await agree(
      e,
      async (x) => {
        await e.client.run('PolicyCommandCode', { policySession: x.handle, code: TPM_CC.NV_Read });
        await authorizeNV(x);
      },
      expected,
    );
    await target.read(session);
    // Not the approved policy: TPM_RC_VALUE; a policy of another hash in the index: TPM_RC_HASH.
    const other = await e.policy();
    expect(await rcOf(authorizeNV(other))).toBe(TPM_RC.VALUE);
    const otherHash = s.hashAlg === TPM_ALG.SHA256 ? { alg: TPM_ALG.SHA1, size: 20 } : { alg: TPM_ALG.SHA256, size: 32 };
    const wrongHash = await e.plainIndex(concatBytes(u16(otherHash.alg), new Uint8Array(otherHash.size)));
    expect(await rcOf(authorizeNV(other, wrongHash.index))).toBe(TPM_RC.HASH);
    // An index without the read rights: TPM_RC_NV_AUTHORIZATION (authorized by owner without OWNERREAD).
    expect(await rcOf(e.client.run('PolicyAuthorizeNV', { authHandle: TPM_RH.OWNER, nvIndex: holder.index, policySession: other.handle }))).toBe(TPM_RC.NV_AUTHORIZATION);
  });

  it('PolicyCommandCode, PolicyAuthValue, PolicyPassword, PolicySecret: the calculator agrees; a long chain too', async () => {
    const e = await env();
    const ref = utf8('ref');
    const src = await e.plainIndex(Uint8Array.of(1, 2, 3, 4));
    expect(await e.digestOf(await agree(e, (x) => e.client.run('PolicyCommandCode', { policySession: x.handle, code: TPM_CC.Unseal }), calc().commandCode(TPM_CC.Unseal).digest()))).toEqual(H(ZERO, u32(TPM_CC.PolicyCommandCode), u32(TPM_CC.Unseal)));
    await agree(e, (x) => e.client.run('PolicyAuthValue', { policySession: x.handle }), H(ZERO, u32(TPM_CC.PolicyAuthValue)));
    await agree(e, (x) => e.client.run('PolicyPassword', { policySession: x.handle }), calc().password().digest());
    expect(calc().password().digest()).toEqual(calc().authValue().digest());
    await agree(
      e,
      (x) => e.client.run('PolicySecret', { authHandle: src.index, policySession: x.handle, nonceTPM: EMPTY, cpHashA: EMPTY, policyRef: ref, expiration: 0 }, { auth: { authHandle: 'pw' } }),
      calc().secret(src.name, ref).digest(),
    );

    // Many assertions in one trial session, against the same chain on the host.
    const sel = [pcrSelection(s.hashAlg, [0, 16])];
    const pcrDigest = H(utf8('whatever the PCRs are'));
    const t = await e.trial();
    const run = e.client.run;
    await run('PolicyCommandCode', { policySession: t.handle, code: TPM_CC.NV_Read });
    await run('PolicyAuthValue', { policySession: t.handle });
    await run('PolicySecret', { authHandle: TPM_RH.OWNER, policySession: t.handle, nonceTPM: EMPTY, cpHashA: EMPTY, policyRef: ref, expiration: 0 });
    await run('PolicyPCR', { policySession: t.handle, pcrDigest, pcrs: { pcrSelections: sel } });
    await run('PolicyLocality', { policySession: t.handle, locality: 3 });
    await run('PolicyNV', { authHandle: src.index, nvIndex: src.index, policySession: t.handle, operandB: Uint8Array.of(9), offset: 1, operation: TPM_EO.SIGNED_LE }, { auth: { authHandle: 'pw' } });
    await run('PolicyCounterTimer', { policySession: t.handle, operandB: u32(7), offset: 16, operation: TPM_EO.NEQ });
    await run('PolicyPhysicalPresence', { policySession: t.handle });
    await run('PolicyNvWritten', { policySession: t.handle, writtenSet: 1 });
    await run('PolicyNameHash', { policySession: t.handle, nameHash: H(utf8('names')) });
    const before = calc()
      .commandCode(TPM_CC.NV_Read)
      .authValue()
      .secret(TPM_RH.OWNER, ref)
      .pcr(sel, pcrDigest)
      .locality(3)
      .nv(src.name, Uint8Array.of(9), 1, TPM_EO.SIGNED_LE)
      .counterTimer(u32(7), 16, TPM_EO.NEQ)
      .physicalPresence()
      .nvWritten(true)
      .nameHash(H(utf8('names')));
    expect(await e.digestOf(t)).toEqual(before.digest());
    await run('PolicyOR', { policySession: t.handle, pHashList: { digests: [before.digest(), ZERO] } });
    expect(await e.digestOf(t)).toEqual(calc().or(before, ZERO).digest());
  });

  it('PolicySecret authorized by a policy needs PolicyAuthValue or PolicyPassword in it (TPM_RC_MODE)', async () => {
    const e = await env();
    const plain = calc().commandCode(TPM_CC.PolicySecret).digest();
    const withAuth = calc().commandCode(TPM_CC.PolicySecret).authValue().digest();
    const secretFor = (index: number, via: AuthSessionHandle, policySession: number) =>
      e.client.run('PolicySecret', { authHandle: index, policySession, nonceTPM: EMPTY, cpHashA: EMPTY, policyRef: EMPTY, expiration: 0 }, { auth: { authHandle: { session: via, authValue: 'pw' } } });
    const a = await e.target(plain);
    const via = await e.policy();
    await e.client.run('PolicyCommandCode', { policySession: via.handle, code: TPM_CC.PolicySecret });
    const outer = await e.policy();
    expect(await rcOf(secretFor(a.index, via, outer.handle))).toBe(TPM_RC.MODE | S1);
    const b = await e.target(withAuth);
    const via2 = await e.policy();
    await e.client.run('PolicyCommandCode', { policySession: via2.handle, code: TPM_CC.PolicySecret });
    await e.client.run('PolicyAuthValue', { policySession: via2.handle });
    via2.authValueNeeded = true;
    await secretFor(b.index, via2, outer.handle);
    expect(await e.digestOf(outer)).toEqual(calc().secret(b.name).digest());
  });

  it('PolicyRestart clears every condition (locality, physical presence, NV written, timeout, cpHash)', async () => {
    const e = await env();
    const session = await e.policy();
    await e.client.run('PolicySecret', { authHandle: TPM_RH.OWNER, policySession: session.handle, nonceTPM: EMPTY, cpHashA: EMPTY, policyRef: EMPTY, expiration: 1 });
    await e.client.run('PolicyLocality', { policySession: session.handle, locality: TPMA_LOCALITY.TPM_LOC_FOUR });
    await e.client.run('PolicyPhysicalPresence', { policySession: session.handle });
    await e.client.run('PolicyNvWritten', { policySession: session.handle, writtenSet: 0 });
    await e.client.run('PolicyCpHash', { policySession: session.handle, cpHashA: H(utf8('cp')) });
    await e.client.run('PolicyRestart', { sessionHandle: session.handle });
    expect(await e.digestOf(session)).toEqual(ZERO);
    // A new, different locality and cpHash are accepted, so nothing of the old ones is left.
    await e.client.run('PolicyLocality', { policySession: session.handle, locality: TPMA_LOCALITY.TPM_LOC_ZERO });
    await e.client.run('PolicyCpHash', { policySession: session.handle, cpHashA: H(utf8('other')) });
    await e.client.run('PolicyNvWritten', { policySession: session.handle, writtenSet: 1 });
    await e.client.run('PolicyRestart', { sessionHandle: session.handle });
    // The empty policy authorizes an index whose authPolicy is all zeros from locality 0, without PP,
    // after the PolicySecret expiration has passed.
    const zeros = await e.target(ZERO);
    e.tick(5000);
    await zeros.read(session);
  });

  it('the calculator reproduces the EK Credential Profile policies (PolicySecret, PolicyAuthorizeNV, PolicyOR)', () => {
    const a = calc().secret(TPM_RH.ENDORSEMENT).digest();
    expect(a).toEqual(ekPolicyA(s.hashAlg));
    const pub = ekPolicyIndexPublic(s.hashAlg);
    const indexName = concatBytes(u16(s.hashAlg), H(codec.encode('TPMS_NV_PUBLIC', pub)));
    const c = calc().authorizeNV(indexName).digest();
    expect(c).toEqual(ekPolicyC(s.hashAlg));
    expect(calc().or(a, c).digest()).toEqual(ekPolicyB(s.hashAlg));
  });
});
