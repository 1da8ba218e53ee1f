/**
 * The verifier helpers of src/attest (quote.ts, enrol.ts) against what the emulator's
 * attestation commands produce (Part 3 "TPM2_Quote", "TPM2_Certify", "TPM2_CertifyCreation",
 * "TPM2_ActivateCredential"), through the typed client on seeded TPMs: quotes by RSASSA,
 * RSASSA-PSS, ECDSA, EC-Schnorr and (tcm2) SM2 attestation keys pass checkQuote and fail it
 * with a named check for each kind of bad evidence; Certify/CertifyCreation likewise; AK
 * enrolment by credential activation with EKs L-1, L-2, H-2 and the tcm2 H-5. Independent
 * checks: node:crypto (RSA, ECDSA, SHA), sm-crypto (SM2 on the raw digest), and Debian's
 * tpm2-tools (tpm2_quote files, tpm2_checkquote, tpm2_makecredential/activatecredential
 * credential files) against `vtpm serve`.
 */
import { createHash, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AttestationError,
  checkAttestation,
  checkCertify,
  checkCertifyCreation,
  checkQuote,
  encodePcrFile,
  encodeSignature,
  nameOfPublic,
  parseAttest,
  parsePcrFile,
  parsePublic,
  parseSignature,
  pcrDigestOf,
  pcrReadValues,
  quotedPcrs,
  readPcrs,
  verifyAttestSignature,
  type PcrValue,
} from '../../src/attest/quote.js';
import {
  activateEnrolment,
  createEnrolmentChallenge,
  ekPolicyKind,
  encodeCredentialFile,
  parseCredentialFile,
  startEkPolicySession,
  verifyEnrolment,
} from '../../src/attest/enrol.js';
import type { Client } from '../../src/client/client.js';
import { akTemplate, eccKeyTemplate, ekTemplate, rsaKeyTemplate, srkTemplate, type EkTemplateId, type KeyAlg } from '../../src/client/templates.js';
import { bytesToHex, utf8 } from '../../src/crypto/bytes.js';
import { createDrbg } from '../../src/crypto/drbg.js';
import { TPM_ALG, TPM_RC, TPM_RH, TPM_ST, TPMA_OBJECT } from '../../src/gen/constants.js';
import type { TPMS_ECC_POINT, TPMS_PCR_SELECTION, TPMS_QUOTE_INFO, TPMS_SIGNATURE_ECC, TPMS_SIGNATURE_RSA, TPMT_PUBLIC, TPMT_SIG_SCHEME, TPMT_SIGNATURE } from '../../src/gen/types.js';
import { rsaPublicKeyOf } from '../../src/protocol/keys.js';
import { rcOf, startedTpm, type TestTpm } from '../helpers/tpm.js';
import { HAVE_TPM2_TOOLS, implemented, ok, tool } from '../interop/tools.js';
import { nodeEcPublic, nodeRsaPublic } from '../vectors/protocol-fixtures.js';

interface SmCryptoSm2 {
  doVerifySignature(msg: Uint8Array, sig: string, publicKey: string, opts?: { hash?: boolean; der?: boolean }): boolean;
}
const { sm2: smc } = createRequire(import.meta.url)('sm-crypto') as { sm2: SmCryptoSm2 };

const EMPTY = new Uint8Array(0);
const NULL_SCHEME = { scheme: TPM_ALG.NULL, details: null } as TPMT_SIG_SCHEME;
const noCreation = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };
const NODE_HASH: Record<number, string> = { [TPM_ALG.SHA1]: 'sha1', [TPM_ALG.SHA256]: 'sha256', [TPM_ALG.SM3_256]: 'sm3' };
const checks = (r: { failures: { check: string }[] }) => r.failures.map((f) => f.check);
const flip = (b: Uint8Array, at: number) => {
  const c = b.slice();
  c[at < 0 ? c.length + at : at] ^= 0x01;
  return c;
};

interface Key {
  handle: number;
  pub: TPMT_PUBLIC;
  name: Uint8Array;
}

async function primary(client: Client, hierarchy: number, template: TPMT_PUBLIC): Promise<Key> {
  const r = await client.run('CreatePrimary', { primaryHandle: hierarchy, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: template }, ...noCreation });
  return { handle: r.objectHandle, pub: r.outPublic.publicArea, name: r.name };
}

/** Create + Load under a parent; `auth` makes the parent's authorization (a fresh policy session per command for an EK). */
async function child(client: Client, parent: number, template: TPMT_PUBLIC, auth?: () => Promise<unknown>) {
  const parentAuth = async () => (auth ? { parentHandle: await auth() } : {});
  const c = await client.run('Create', { parentHandle: parent, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: template }, ...noCreation }, { auth: (await parentAuth()) as never });
  const l = await client.run('Load', { parentHandle: parent, inPrivate: c.outPrivate, inPublic: c.outPublic }, { auth: (await parentAuth()) as never });
  return { handle: l.objectHandle, pub: c.outPublic.publicArea, name: l.name, created: c };
}

// ---------------------------------------------------------------------------------------------
// Quotes

interface QuoteCase {
  name: string;
  profile: 'tpm2' | 'tcm2';
  ak: () => TPMT_PUBLIC;
  srk: KeyAlg;
  /** The PCRs quoted: bank → PCR numbers. */
  selection: { hashAlg: number; pcrs: number[] }[];
}

const QUOTE_CASES: QuoteCase[] = [
  { name: 'RSA 2048 RSASSA-SHA256', profile: 'tpm2', ak: () => akTemplate({ alg: 'rsa2048' }), srk: 'rsa2048', selection: [{ hashAlg: TPM_ALG.SHA256, pcrs: [0, 1, 7, 16, 23] }, { hashAlg: TPM_ALG.SHA1, pcrs: [16] }] },
  { name: 'RSA 2048 RSASSA-PSS-SHA256', profile: 'tpm2', ak: () => akTemplate({ alg: 'rsa2048', scheme: TPM_ALG.RSAPSS }), srk: 'rsa2048', selection: [{ hashAlg: TPM_ALG.SHA1, pcrs: [0, 16] }, { hashAlg: TPM_ALG.SHA256, pcrs: [16] }] },
  { name: 'ECC P-256 ECDSA-SHA256', profile: 'tpm2', ak: () => akTemplate({ alg: 'ecc-p256' }), srk: 'ecc-p256', selection: [{ hashAlg: TPM_ALG.SHA256, pcrs: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16, 23] }] },
  { name: 'ECC P-256 EC-Schnorr-SHA256', profile: 'tpm2', ak: () => akTemplate({ alg: 'ecc-p256', scheme: TPM_ALG.ECSCHNORR }), srk: 'ecc-p256', selection: [{ hashAlg: TPM_ALG.SHA256, pcrs: [10, 16] }] },
  { name: 'SM2 P-256 SM2-SM3 (tcm2)', profile: 'tcm2', ak: () => akTemplate({ alg: 'sm2-p256' }), srk: 'sm2-p256', selection: [{ hashAlg: TPM_ALG.SM3_256, pcrs: [0, 1, 2, 3, 4, 5, 6, 7, 10, 16, 23] }] },
];

interface QuoteSetup extends TestTpm {
  ak: Key & { created: Awaited<ReturnType<typeof child>>['created'] };
  /** Loads the SRK and the AK again (after a TPM Reset or Restart). */
  reload(): Promise<void>;
  quote(nonce: Uint8Array, selection?: QuoteCase['selection']): Promise<{ quoted: Uint8Array; signature: TPMT_SIGNATURE; pcrs: PcrValue[] }>;
}

async function quoteSetup(c: QuoteCase, seed = 'attest verify'): Promise<QuoteSetup> {
  const t = await startedTpm({ profile: c.profile, seed });
  const srk = await primary(t.client, TPM_RH.OWNER, srkTemplate({ alg: c.srk }));
  const ak = await child(t.client, srk.handle, c.ak());
  for (const pcr of [16, 23]) await t.client.run('PCR_Event', { pcrHandle: pcr, eventData: utf8(`event for PCR ${pcr}`) });
  return {
    ...t,
    ak,
    async reload() {
      const again = await primary(t.client, TPM_RH.OWNER, srkTemplate({ alg: c.srk }));
      ak.handle = (await t.client.run('Load', { parentHandle: again.handle, inPrivate: ak.created.outPrivate, inPublic: ak.created.outPublic })).objectHandle;
    },
    async quote(nonce, selection = c.selection) {
      const PCRselect = { pcrSelections: selection.map(selectionOf) };
      const q = await t.client.run('Quote', { signHandle: ak.handle, qualifyingData: nonce, inScheme: NULL_SCHEME, PCRselect });
      return { quoted: q.quoted, signature: q.signature, pcrs: await readPcrs(t.client, selection) };
    },
  };
}

function selectionOf({ hashAlg, pcrs }: { hashAlg: number; pcrs: number[] }): TPMS_PCR_SELECTION {
  const pcrSelect = new Uint8Array(3);
  for (const p of pcrs) pcrSelect[p >> 3] |= 1 << (p & 7);
  return { hash: hashAlg, pcrSelect };
}

describe.each(QUOTE_CASES)('checkQuote with a $name attestation key', (c) => {
  it('a fresh quote passes; the PCR values it covers come back; node:crypto / sm-crypto agree on digest and signature', async () => {
    const t = await quoteSetup(c);
    const nonce = utf8('verifier nonce 0123456789');
    const q = await t.quote(nonce);
    const r = checkQuote({ akPublic: t.ak.pub, quoted: q.quoted, signature: q.signature, nonce, pcrs: q.pcrs, expectedSelection: c.selection });
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.attest?.type).toBe(TPM_ST.ATTEST_QUOTE);
    expect(r.pcrs).toEqual(c.selection.flatMap(({ hashAlg, pcrs }) => pcrs.map((pcr) => ({ hashAlg, pcr, value: q.pcrs.find((v) => v.hashAlg === hashAlg && v.pcr === pcr)!.value }))));
    expect(quotedPcrs(r.attest!)).toEqual(c.selection);

    // The same with marshalled inputs (TPM2B_PUBLIC octets, a tss signature file) and PCR values by bank name.
    expect(nameOfPublic(t.ak.pub)).toEqual(t.ak.name);
    const byBank: Record<string, Record<number, Uint8Array>> = {};
    for (const v of q.pcrs) (byBank[NODE_HASH[v.hashAlg] === 'sm3' ? 'sm3_256' : NODE_HASH[v.hashAlg]] ??= {})[v.pcr] = v.value;
    const sigFile = encodeSignature(q.signature);
    expect(parseSignature(sigFile)).toEqual(q.signature);
    const pub2b = await t.client.run('ReadPublic', { objectHandle: t.ak.handle });
    expect(checkQuote({ akPublic: pub2b.outPublic, quoted: q.quoted, signature: sigFile, nonce, pcrs: byBank }).ok).toBe(true);

    // Independent recomputation: H_sigHash of the values in selection order, and the signature.
    const sigHash = (q.signature.signature as TPMS_SIGNATURE_RSA | TPMS_SIGNATURE_ECC).hash;
    const h = createHash(NODE_HASH[sigHash]);
    for (const { hashAlg, pcrs } of c.selection) for (const pcr of pcrs) h.update(q.pcrs.find((v) => v.hashAlg === hashAlg && v.pcr === pcr)!.value);
    const pcrDigest = new Uint8Array(h.digest());
    expect((r.attest!.attested as TPMS_QUOTE_INFO).pcrDigest).toEqual(pcrDigest);
    expect(pcrDigestOf(sigHash, c.selection, q.pcrs)).toEqual(pcrDigest);
    const sig = q.signature;
    if (sig.sigAlg === TPM_ALG.RSASSA) {
      expect(nodeVerify('sha256', q.quoted, nodeRsaPublic(rsaPublicKeyOf(t.ak.pub)), (sig.signature as TPMS_SIGNATURE_RSA).sig)).toBe(true);
    } else if (sig.sigAlg === TPM_ALG.ECDSA) {
      const { x, y } = t.ak.pub.unique as TPMS_ECC_POINT;
      const { signatureR, signatureS } = sig.signature as TPMS_SIGNATURE_ECC;
      const key = nodeEcPublic((t.ak.pub.parameters as { curveID: number }).curveID, x, y);
      expect(nodeVerify('sha256', q.quoted, { key, dsaEncoding: 'ieee-p1363' }, Uint8Array.of(...signatureR, ...signatureS))).toBe(true);
    } else if (sig.sigAlg === TPM_ALG.SM2) {
      const { x, y } = t.ak.pub.unique as TPMS_ECC_POINT;
      const { signatureR, signatureS } = sig.signature as TPMS_SIGNATURE_ECC;
      const e = new Uint8Array(createHash('sm3').update(q.quoted).digest());
      // TPM-style: SM2 over H(attest) itself, no Z_A.
      expect(smc.doVerifySignature(e, bytesToHex(signatureR) + bytesToHex(signatureS), '04' + bytesToHex(x) + bytesToHex(y), { hash: false })).toBe(true);
    }
  });

  it('names the check that fails: nonce, PCR value, missing PCR, selection, attest octets, key, hash', async () => {
    const t = await quoteSetup(c);
    const nonce = utf8('nonce-1');
    const q = await t.quote(nonce);
    const base = { akPublic: t.ak.pub, quoted: q.quoted, signature: q.signature, nonce, pcrs: q.pcrs };
    expect(checkQuote(base).ok).toBe(true);

    expect(checks(checkQuote({ ...base, nonce: utf8('nonce-2') }))).toEqual(['nonce']);
    const tampered = q.pcrs.map((v, i) => (i === q.pcrs.length - 1 ? { ...v, value: flip(v.value, 0) } : v));
    const bad = checkQuote({ ...base, pcrs: tampered });
    expect(checks(bad)).toEqual(['pcrDigest']);
    expect(bad.pcrs).toBeUndefined();
    expect(checks(checkQuote({ ...base, pcrs: q.pcrs.slice(1) }))).toEqual(['pcrSelection']);
    expect(checkQuote({ ...base, pcrs: q.pcrs.slice(1) }).failures[0].message).toMatch(/no value given for quoted PCRs/);
    expect(checks(checkQuote({ ...base, expectedSelection: [{ hashAlg: c.selection[0].hashAlg, pcrs: [0, 1, 2] }] }))).toEqual(['pcrSelection']);

    // Octets: firmwareVersion (after magic, type, qualifiedSigner, extraData, clockInfo) only breaks the signature;
    // the last octet (pcrDigest) also the PCR digest; the first the magic.
    const at = 4 + 2 + (2 + ((q.quoted[6] << 8) | q.quoted[7]));
    const firmware = at + 2 + ((q.quoted[at] << 8) | q.quoted[at + 1]) + 17;
    expect(checks(checkQuote({ ...base, quoted: flip(q.quoted, firmware) }))).toEqual(['signature']);
    expect(checks(checkQuote({ ...base, quoted: flip(q.quoted, -1) }))).toEqual(['signature', 'pcrDigest']);
    expect(checks(checkQuote({ ...base, quoted: flip(q.quoted, 0) }))).toEqual(['magic', 'signature']);
    expect(checks(checkQuote({ ...base, quoted: Uint8Array.of(...q.quoted, 0) }))).toEqual(['format', 'signature']);
    expect(checks(checkQuote({ ...base, quoted: q.quoted.subarray(0, 20) }))).toEqual(['format', 'signature']);

    // Another key of the same kind (another TPM seed) does not verify the signature.
    const other = await quoteSetup(c, 'another tpm');
    expect(checks(checkQuote({ ...base, akPublic: other.ak.pub }))).toEqual(['signature']);
    expect(verifyAttestSignature(other.ak.pub, q.quoted, q.signature)).toBe(false);
    expect(verifyAttestSignature(t.ak.pub, q.quoted, q.signature)).toBe(true);
    // A key of another type cannot have made the signature.
    const otherType = c.profile === 'tpm2' && t.ak.pub.type === TPM_ALG.RSA ? akTemplate({ alg: 'ecc-p256' }) : akTemplate({ alg: 'rsa2048' });
    const foreign = await primary(t.client, TPM_RH.OWNER, otherType).catch(() => null);
    if (foreign) {
      const r = checkQuote({ ...base, akPublic: foreign.pub });
      expect(checks(r)).toEqual(['signature']);
      expect(r.failures[0].message).toMatch(/cannot come from/);
    }
    // The verifier insists on a hash.
    expect(checks(checkQuote({ ...base, hashAlg: 'sha384' }))).toEqual(['signature']);
    // A quote where a certification was expected.
    expect(checks(checkCertify({ akPublic: t.ak.pub, certifyInfo: q.quoted, signature: q.signature, nonce, name: t.ak.name }))).toEqual(['type']);
  });

  it('Clock: a later quote passes against an earlier one; going back fails (same boot, after a restart); an unsafe Clock fails', async () => {
    const t = await quoteSetup(c);
    const n = (i: number) => utf8(`n${i}`);
    const q1 = await t.quote(n(1));
    t.tick(1_000);
    const q2 = await t.quote(n(2));
    const a1 = parseAttest(q1.quoted);
    const a2 = parseAttest(q2.quoted);
    const check = (q: typeof q1, i: number, previous: Parameters<typeof checkQuote>[0]['previous']) =>
      checkQuote({ akPublic: t.ak.pub, quoted: q.quoted, signature: q.signature, nonce: n(i), pcrs: q.pcrs, previous });
    expect(check(q2, 2, a1).ok).toBe(true);
    expect(check(q2, 2, a1.clockInfo).ok).toBe(true);
    expect(check(q2, 2, q1.quoted).ok).toBe(true);
    const back = check(q1, 1, a2);
    expect(checks(back)).toEqual(['clock']);
    expect(back.failures[0].message).toMatch(/Clock did not advance/);
    expect(checks(check(q1, 1, a1))).toEqual(['clock']);

    // TPM Restart (Shutdown(STATE), Startup(CLEAR)): restartCount moves on; Clock continues.
    await t.client.shutdown('state');
    t.tpm.powerOff();
    t.tpm.powerOn();
    await t.client.startup('clear');
    await t.reload();
    const q3 = await t.quote(n(3));
    expect(check(q3, 3, a2).ok).toBe(true);
    const restartBack = check(q2, 2, parseAttest(q3.quoted));
    expect(checks(restartBack)).toEqual(['clock']);
    expect(restartBack.failures[0].message).toMatch(/restartCount went back/);

    // Power lost without TPM2_Shutdown: Clock falls back and safe is NO.
    t.tpm.powerOff();
    t.tpm.powerOn();
    await t.client.startup('clear');
    await t.reload();
    const q4 = await t.quote(n(4));
    const unsafe = check(q4, 4, undefined);
    expect(checks(unsafe)).toEqual(['safe']);
    expect(checkQuote({ akPublic: t.ak.pub, quoted: q4.quoted, signature: q4.signature, nonce: n(4), pcrs: q4.pcrs, requireSafe: false }).ok).toBe(true);
    // TPM Reset: resetCount moves on, so a smaller Clock after it is accepted (Keylime's rule).
    expect(checks(check(q4, 4, parseAttest(q3.quoted)))).toEqual(['safe']);
  });
});

describe('quote details', () => {
  it('an AK in the endorsement hierarchy reports the real counters; one in the storage hierarchy obfuscated ones', async () => {
    const t = await startedTpm({ seed: 'counters' });
    const ekAk = await primary(t.client, TPM_RH.ENDORSEMENT, akTemplate({ alg: 'ecc-p256' }));
    const ownerAk = await primary(t.client, TPM_RH.OWNER, akTemplate({ alg: 'ecc-p256' }));
    const selection = [{ hashAlg: TPM_ALG.SHA256, pcrs: [0] }];
    const quote = async (k: Key) => {
      const q = await t.client.run('Quote', { signHandle: k.handle, qualifyingData: EMPTY, inScheme: NULL_SCHEME, PCRselect: { pcrSelections: selection.map(selectionOf) } });
      const r = checkQuote({ akPublic: k.pub, quoted: q.quoted, signature: q.signature, nonce: EMPTY, pcrs: await readPcrs(t.client, selection) });
      expect(r.failures).toEqual([]);
      return r.attest!;
    };
    const clock = (await t.client.run('ReadClock', {} as never)).currentTime.clockInfo;
    expect((await quote(ekAk)).clockInfo).toMatchObject({ resetCount: clock.resetCount, restartCount: clock.restartCount });
    const obfuscated = (await quote(ownerAk)).clockInfo;
    expect([obfuscated.resetCount, obfuscated.restartCount]).not.toEqual([clock.resetCount, clock.restartCount]);
  });

  it('parse errors name the problem; HMAC and NULL signatures are refused clearly', async () => {
    const t = await quoteSetup(QUOTE_CASES[2]);
    const q = await t.quote(EMPTY);
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(AttestationError);
        return `${(e as AttestationError).check}: ${(e as Error).message}`;
      }
      throw new Error('expected an AttestationError');
    };
    expect(err(() => parseAttest(flip(q.quoted, 0)))).toMatch(/^magic: .*not TPM_GENERATED_VALUE/);
    const wrongType = q.quoted.slice();
    wrongType[5] = 0x20;
    expect(err(() => parseAttest(wrongType))).toMatch(/^type: .*not an attestation type/);
    expect(err(() => parseAttest(Uint8Array.of(...q.quoted, 1, 2)))).toMatch(/^format: .*2 octet\(s\) after the structure/);
    expect(err(() => parseAttest(q.quoted.subarray(0, q.quoted.length - 3)))).toMatch(/^format: TPMS_ATTEST: malformed/);
    expect(err(() => parseSignature(Uint8Array.of(0, 0x18, 0, 0x0b)))).toMatch(/^signature: TPMT_SIGNATURE: malformed/);
    expect(err(() => verifyAttestSignature(t.ak.pub, q.quoted, { sigAlg: TPM_ALG.HMAC, signature: { hashAlg: TPM_ALG.SHA256, digest: new Uint8Array(32) } }))).toMatch(/HMAC signature needs the key secret/);
    expect(err(() => verifyAttestSignature(t.ak.pub, q.quoted, { sigAlg: TPM_ALG.NULL, signature: null }))).toMatch(/TPM_ALG_NULL/);
    expect(() => checkQuote({ akPublic: t.ak.pub, quoted: 'x' as never, signature: q.signature, nonce: EMPTY, pcrs: [] })).toThrow(TypeError);
    expect(() => pcrDigestOf(TPM_ALG.SHA256, [{ hashAlg: 'sha256', pcrs: [0, 1] }], { sha256: { 0: new Uint8Array(32) } })).toThrow(/no value given for selected PCRs \(sha256: 1\)/);

    // Quote with TPM_RH_NULL as signer: refused by the TPM (no scheme); Certify with TPM_RH_NULL: NULL signature.
    const attested = await t.client.run('Certify', { objectHandle: t.ak.handle, signHandle: TPM_RH.NULL, qualifyingData: EMPTY, inScheme: NULL_SCHEME });
    const r = checkCertify({ akPublic: t.ak.pub, certifyInfo: attested.certifyInfo, signature: attested.signature, nonce: EMPTY, name: t.ak.name });
    expect(checks(r)).toEqual(['signature']);
    expect(r.failures[0].message).toMatch(/TPM_ALG_NULL/);
  });

  it('tpm2-tools PCR files round-trip, with 8 values per TPML_DIGEST', async () => {
    const t = await quoteSetup(QUOTE_CASES[2]);
    const selection = [{ hashAlg: TPM_ALG.SHA256, pcrs: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 23] }, { hashAlg: TPM_ALG.SHA1, pcrs: [16, 23] }];
    const values = await readPcrs(t.client, selection);
    const file = encodePcrFile(selection, values);
    expect(file.length).toBe(132 + 4 + 2 * 532);
    const parsed = parsePcrFile(file);
    expect(parsed.values).toEqual(values);
    expect(quotedPcrs({ pcrSelect: parsed.selection, pcrDigest: EMPTY })).toEqual(selection);
    expect(() => parsePcrFile(file.subarray(0, file.length - 1))).toThrow(/tpm2-tools PCR file: .*octets, expected/);
    // PCR_Read responses map to values in the order of pcrSelectionOut.
    const read = await t.client.run('PCR_Read', { pcrSelectionIn: { pcrSelections: [selectionOf({ hashAlg: TPM_ALG.SHA1, pcrs: [16, 23] })] } });
    expect(pcrReadValues(read)).toEqual(values.filter((v) => v.hashAlg === TPM_ALG.SHA1));
  });
});

// ---------------------------------------------------------------------------------------------
// Certify, CertifyCreation, other attestations

describe.each([
  { profile: 'tpm2' as const, alg: 'ecc-p256' as KeyAlg },
  { profile: 'tpm2' as const, alg: 'rsa2048' as KeyAlg },
  { profile: 'tcm2' as const, alg: 'sm2-p256' as KeyAlg },
])('checkCertify / checkCertifyCreation ($profile, $alg)', ({ profile, alg }) => {
  it('TPM2_Certify of a key by the AK passes; another Name, nonce or signer fails', async () => {
    const { client } = await startedTpm({ profile, seed: 'certify' });
    const srk = await primary(client, TPM_RH.OWNER, srkTemplate({ alg }));
    const ak = await child(client, srk.handle, akTemplate({ alg }));
    const key = await child(client, srk.handle, alg === 'rsa2048' ? rsaKeyTemplate() : eccKeyTemplate({ curve: (akTemplate({ alg }).parameters as { curveID: number }).curveID }));
    const nonce = utf8('certify nonce');
    const out = await client.run('Certify', { objectHandle: key.handle, signHandle: ak.handle, qualifyingData: nonce, inScheme: NULL_SCHEME });
    const base = { akPublic: ak.pub, certifyInfo: out.certifyInfo, signature: out.signature, nonce };
    expect(checkCertify({ ...base, objectPublic: key.pub }).failures).toEqual([]);
    expect(checkCertify({ ...base, name: key.name }).ok).toBe(true);
    expect(checks(checkCertify({ ...base, name: ak.name }))).toEqual(['name']);
    expect(checks(checkCertify({ ...base, name: key.name, qualifiedName: key.name }))).toEqual(['qualifiedName']);
    expect(checks(checkCertify({ ...base, name: key.name, nonce: EMPTY }))).toEqual(['nonce']);
    expect(checks(checkCertify({ ...base, name: key.name, akPublic: key.pub }))).toEqual(['signature']);
    expect(() => checkCertify(base as never)).toThrow(/give the expected name or objectPublic/);
    // The generic check for the same evidence.
    expect(checkAttestation({ akPublic: ak.pub, attest: out.certifyInfo, signature: out.signature, nonce, type: TPM_ST.ATTEST_CERTIFY }).ok).toBe(true);
  });

  it('TPM2_CertifyCreation of an AK by itself (go-attestation) passes; tampered creation data, another object or a non-AK fails', async () => {
    const { client } = await startedTpm({ profile, seed: 'certify creation' });
    const srk = await primary(client, TPM_RH.OWNER, srkTemplate({ alg }));
    const ak = await child(client, srk.handle, akTemplate({ alg }));
    const created = ak.created;
    const certify = async (signHandle: number, objectHandle: number, c: typeof created) =>
      client.run('CertifyCreation', { signHandle, objectHandle, qualifyingData: EMPTY, creationHash: c.creationHash, inScheme: NULL_SCHEME, creationTicket: c.creationTicket });
    const out = await certify(ak.handle, ak.handle, created);
    const base = { akPublic: ak.pub, certifyInfo: out.certifyInfo, signature: out.signature, creationData: created.creationData };
    expect(checkCertifyCreation(base).failures).toEqual([]);
    expect(checkCertifyCreation({ ...base, creationData: created.creationData.creationData }).ok).toBe(true);
    expect(checkCertifyCreation({ ...base, creationData: created.creationData.bytes! }).ok).toBe(true);
    const data = created.creationData.creationData;
    expect(checks(checkCertifyCreation({ ...base, creationData: { ...data, locality: data.locality ^ 1 } }))).toEqual(['creationHash']);
    expect(checks(checkCertifyCreation({ ...base, nonce: utf8('x') }))).toEqual(['nonce']);
    expect(checks(checkCertifyCreation({ ...base, objectPublic: srk.pub, checkAk: false }))).toEqual(['name']);

    // An unrestricted signing key is certified fine but is not an AK.
    const plain = await child(client, srk.handle, alg === 'rsa2048' ? rsaKeyTemplate() : eccKeyTemplate({ curve: (ak.pub.parameters as { curveID: number }).curveID }));
    const out2 = await certify(ak.handle, plain.handle, plain.created);
    const r = checkCertifyCreation({ akPublic: ak.pub, objectPublic: plain.pub, certifyInfo: out2.certifyInfo, signature: out2.signature, creationData: plain.created.creationData });
    expect(checks(r)).toEqual(['attributes']);
    expect(r.failures[0].message).toMatch(/lack restricted/);
  });

  it('TPM2_GetTime is checked with checkAttestation', async () => {
    const { client } = await startedTpm({ profile, seed: 'get time' });
    const ak = await primary(client, TPM_RH.ENDORSEMENT, akTemplate({ alg }));
    const nonce = utf8('time');
    const out = await client.run('GetTime', { privacyAdminHandle: TPM_RH.ENDORSEMENT, signHandle: ak.handle, qualifyingData: nonce, inScheme: NULL_SCHEME });
    expect(checkAttestation({ akPublic: ak.pub, attest: out.timeInfo, signature: out.signature, nonce, type: TPM_ST.ATTEST_TIME, requireSafe: true }).failures).toEqual([]);
    expect(checks(checkAttestation({ akPublic: ak.pub, attest: out.timeInfo, signature: out.signature, nonce, type: TPM_ST.ATTEST_QUOTE }))).toEqual(['type']);
  });
});

// ---------------------------------------------------------------------------------------------
// AK enrolment

interface EnrolCase {
  ek: EkTemplateId;
  profile: 'tpm2' | 'tcm2';
  ak: KeyAlg;
  policy: 'A' | 'B';
}

const ENROL_CASES: EnrolCase[] = [
  { ek: 'L-1', profile: 'tpm2', ak: 'rsa2048', policy: 'A' },
  { ek: 'L-2', profile: 'tpm2', ak: 'ecc-p256', policy: 'A' },
  { ek: 'H-2', profile: 'tpm2', ak: 'ecc-p256', policy: 'B' },
  { ek: 'H-5', profile: 'tcm2', ak: 'sm2-p256', policy: 'B' },
];

describe.each(ENROL_CASES)('AK enrolment with EK $ek ($profile, PolicyA/B: $policy)', (c) => {
  async function setup(seed = 'enrol') {
    const t = await startedTpm({ profile: c.profile, seed });
    const ek = await primary(t.client, TPM_RH.ENDORSEMENT, ekTemplate(c.ek));
    expect(ekPolicyKind(ek.pub)).toBe(c.policy);
    // tpm2_createak: the AK under the EK, each command authorized by a fresh EK policy session.
    const underEk = await child(t.client, ek.handle, akTemplate({ alg: c.ak }), async () => ({ session: await startEkPolicySession(t.client, ek.pub) }));
    // go-attestation: the AK under the SRK.
    const srk = await primary(t.client, TPM_RH.OWNER, srkTemplate({ alg: c.ak }));
    const underSrk = await child(t.client, srk.handle, akTemplate({ alg: c.ak }));
    return { ...t, ek, underEk, underSrk };
  }

  it('challenge → activate → verify, for an AK under the EK and one under the SRK', async () => {
    const t = await setup();
    const rng = createDrbg(utf8('registrar'));
    for (const ak of [t.underEk, t.underSrk]) {
      const challenge = createEnrolmentChallenge({ ekPublic: t.ek.pub, akPublic: ak.pub, rng });
      expect(challenge.akName).toEqual(ak.name);
      expect(challenge.expectedSecret.length).toBe(32);
      const secret = await activateEnrolment(t.client, { ekHandle: t.ek.handle, akHandle: ak.handle, challenge });
      expect(verifyEnrolment(challenge, secret)).toBe(true);
      expect(verifyEnrolment(challenge, flip(secret, 0))).toBe(false);
    }
    // Marshalled public areas (Keylime's ek_tpm / aik_tpm are TPM2B_PUBLIC) and a caller's secret.
    const ekPub = await t.client.run('ReadPublic', { objectHandle: t.ek.handle });
    const akPub = await t.client.run('ReadPublic', { objectHandle: t.underEk.handle });
    const codecBytes = (x: { publicArea: TPMT_PUBLIC; bytes?: Uint8Array }) => Uint8Array.of(x.bytes!.length >> 8, x.bytes!.length & 0xff, ...x.bytes!);
    expect(parsePublic(codecBytes(akPub.outPublic))).toEqual(t.underEk.pub);
    const secret = utf8('0123456789abcdefghijklmnopqrstuv');
    const challenge = createEnrolmentChallenge({ ekPublic: codecBytes(ekPub.outPublic), akPublic: codecBytes(akPub.outPublic), secret, rng });
    // Through a tpm2-tools credential file and back.
    const file = encodeCredentialFile(challenge);
    expect(bytesToHex(file.subarray(0, 8))).toBe('badcc0de00000001');
    const fromFile = parseCredentialFile(file);
    expect(await activateEnrolment(t.client, { ekHandle: t.ek.handle, akHandle: t.underEk.handle, challenge: fromFile, ekPublic: t.ek.pub })).toEqual(secret);
  });

  it('a challenge for another AK Name fails at ActivateCredential (TPM_RC_INTEGRITY); bad AKs and EKs are refused on the host', async () => {
    const t = await setup();
    const challenge = createEnrolmentChallenge({ ekPublic: t.ek.pub, akPublic: t.underSrk.pub });
    expect(await rcOf(activateEnrolment(t.client, { ekHandle: t.ek.handle, akHandle: t.underEk.handle, challenge }))).toBe(TPM_RC.INTEGRITY | TPM_RC.P | 0x100);
    // Another TPM's EK cannot open it either.
    const other = await setup('another enrol tpm');
    const forOther = createEnrolmentChallenge({ ekPublic: t.ek.pub, akPublic: other.underEk.pub });
    expect(await rcOf(activateEnrolment(other.client, { ekHandle: other.ek.handle, akHandle: other.underEk.handle, challenge: forOther }))).not.toBe(0);

    const refuse = (akPublic: TPMT_PUBLIC, ekPublic = t.ek.pub) => {
      try {
        createEnrolmentChallenge({ ekPublic, akPublic });
      } catch (e) {
        expect(e).toBeInstanceOf(AttestationError);
        return (e as Error).message;
      }
      throw new Error('expected the challenge to be refused');
    };
    const ak = t.underEk.pub;
    expect(refuse({ ...ak, objectAttributes: ak.objectAttributes & ~TPMA_OBJECT.fixedTPM })).toMatch(/attributes lack fixedTPM/);
    expect(refuse({ ...ak, objectAttributes: ak.objectAttributes & ~(TPMA_OBJECT.restricted | TPMA_OBJECT.userWithAuth) })).toMatch(/lack userWithAuth\|restricted/);
    expect(refuse(t.ek.pub)).toMatch(/lack .*sign; a decryption key is not an attestation key/);
    expect(refuse(ak, ak)).toMatch(/cannot make a credential for the EK: not an asymmetric restricted decryption key/);
    expect(() => createEnrolmentChallenge({ ekPublic: t.ek.pub, akPublic: ak, secret: new Uint8Array(65) })).toThrow(/at most 32/);
    expect(() => parseCredentialFile(Uint8Array.of(0xba, 0xdc, 0xc0, 0xdf, 0, 0, 0, 1, 0, 0, 0, 0))).toThrow(/magic 0xbadcc0df is not 0xbadcc0de/);
    expect(() => parseCredentialFile(Uint8Array.of(...encodeCredentialFile(challenge), 0))).toThrow(/1 octet\(s\) after the secret/);
  });
});

// ---------------------------------------------------------------------------------------------
// The README example, through the package entry

describe('README: Attestation (verifier side)', () => {
  it('runs as written', async () => {
    const { createTpm, createClient, inProcess, ekTemplate: ekT, akTemplate: akT, TPM_ALG: ALG, TPM_RH: RH, createEnrolmentChallenge: challengeFor, activateEnrolment: activate, verifyEnrolment: verify, checkQuote: check, readPcrs: read, pcrSelectionList } = await import('../../src/index.js');
    const log: unknown[] = [];
    const console = { log: (...a: unknown[]) => log.push(a) };
    // --- README ---
    const client = createClient(inProcess(createTpm({ seed: 'attestation demo' })));
    await client.startup();
    const empty = new Uint8Array(0);
    const create = (primaryHandle: number, publicArea: TPMT_PUBLIC) =>
      client.run('CreatePrimary', { primaryHandle, inSensitive: { sensitive: { userAuth: empty, data: empty } }, inPublic: { publicArea }, outsideInfo: empty, creationPCR: { pcrSelections: [] } });

    // The attester's TPM: an EK (EK Credential Profile L-1) and an attestation key.
    const ek = await create(RH.ENDORSEMENT, ekT('L-1'));
    const ak = await create(RH.ENDORSEMENT, akT({ alg: 'ecc-p256' }));
    const ekPublic = ek.outPublic.publicArea;
    const akPublic = ak.outPublic.publicArea;

    // Enrolment: the verifier binds a secret to the AK's Name under the EK (checking the AK's
    // attributes first); only the TPM holding both keys recovers it.
    const challenge = challengeFor({ ekPublic, akPublic });
    const secret = await activate(client, { ekHandle: ek.objectHandle, akHandle: ak.objectHandle, challenge });
    console.log(verify(challenge, secret)); // true

    // A quote: the verifier picks a nonce and PCRs; the TPM signs; the verifier checks everything.
    await client.run('PCR_Event', { pcrHandle: 16, eventData: new TextEncoder().encode('app v1') });
    const nonce = globalThis.crypto.getRandomValues(new Uint8Array(20));
    const selection = [{ hashAlg: 'sha256', pcrs: [0, 7, 16] }];
    const { quoted, signature } = await client.run('Quote', {
      signHandle: ak.objectHandle,
      qualifyingData: nonce,
      inScheme: { scheme: ALG.NULL, details: null },
      PCRselect: pcrSelectionList(selection),
    });
    const pcrs = await read(client, selection); // PCR values as the attester reports them
    const result = check({ akPublic, quoted, signature, nonce, pcrs, expectedSelection: selection });
    console.log(result.ok, result.failures); // true []
    // A wrong nonce, a changed PCR value or octet, another key: ok is false and failures name the check.
    console.log(check({ akPublic, quoted, signature, nonce: new Uint8Array(20), pcrs }).failures[0].check); // 'nonce'
    // --- end ---
    expect(log).toEqual([[true], [true, []], ['nonce']]);
  });
});

// ---------------------------------------------------------------------------------------------
// tpm2-tools: its files and checks against ours

describe.skipIf(!HAVE_TPM2_TOOLS || !implemented('Quote', 'ActivateCredential', 'PolicySecret'))('tpm2-tools evidence files against vtpm serve', () => {
  const work = mkdtempSync(join(tmpdir(), 'vtpm-attest-verify-'));
  const path = (name: string) => join(work, name);
  let server: { close(): Promise<void>; address: { port: number } };
  let tcti: string;
  const run = (...args: string[]) => ok(tcti, args);
  beforeAll(async () => {
    const { serve } = await import('../../src/node/server.js');
    server = await serve({ protocol: 'swtpm', port: 0, tpmOptions: { seed: 'attest verify tools' }, logger: { warn: (m: string) => console.warn(m) } });
    tcti = `swtpm:host=127.0.0.1,port=${server.address.port}`;
    await run('tpm2_startup', '-c');
    await run('tpm2_createek', '-c', path('ek.ctx'), '-G', 'rsa', '-u', path('ek.pub'));
    await run('tpm2_createak', '-C', path('ek.ctx'), '-c', path('ak.ctx'), '-G', 'ecc', '-g', 'sha256', '-s', 'ecdsa', '-u', path('ak.pub'), '-n', path('ak.name'));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('tpm2_quote files (-m, -s, -o) pass checkQuote; our PCR file and signature pass tpm2_checkquote', async () => {
    await run('tpm2_pcrextend', `16:sha256=${'ab'.repeat(32)},sha1=${'cd'.repeat(20)}`);
    const nonce = '1234abcd';
    await run('tpm2_quote', '-c', path('ak.ctx'), '-l', 'sha256:0,1,2,3,4,5,6,7,8,9,16+sha1:16', '-q', nonce, '-m', path('q.msg'), '-s', path('q.sig'), '-o', path('q.pcrs'), '-g', 'sha256');
    const pcrFile = parsePcrFile(new Uint8Array(readFileSync(path('q.pcrs'))));
    expect(pcrFile.values).toHaveLength(12);
    expect(pcrFile.values.find((v) => v.hashAlg === TPM_ALG.SHA1 && v.pcr === 16)).toBeDefined();
    const akPublic = parsePublic(new Uint8Array(readFileSync(path('ak.pub'))));
    expect(nameOfPublic(akPublic)).toEqual(new Uint8Array(readFileSync(path('ak.name'))));
    const r = checkQuote({
      akPublic,
      quoted: new Uint8Array(readFileSync(path('q.msg'))),
      signature: new Uint8Array(readFileSync(path('q.sig'))),
      nonce: Uint8Array.from(Buffer.from(nonce, 'hex')),
      pcrs: pcrFile.values,
      expectedSelection: pcrFile.selection,
    });
    expect(r.failures).toEqual([]);

    // Our serialization of the same values, as tpm2_checkquote reads it.
    writeFileSync(path('ours.pcrs'), encodePcrFile(pcrFile.selection, pcrFile.values));
    writeFileSync(path('ours.sig'), encodeSignature(parseSignature(new Uint8Array(readFileSync(path('q.sig'))))));
    const checked = await tool(tcti, ['tpm2_checkquote', '-u', path('ak.pub'), '-m', path('q.msg'), '-s', path('ours.sig'), '-f', path('ours.pcrs'), '-g', 'sha256', '-q', nonce]);
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    // ... and refuses a tampered value we write.
    const tampered = pcrFile.values.map((v, i) => (i === 0 ? { ...v, value: flip(v.value, 0) } : v));
    writeFileSync(path('bad.pcrs'), encodePcrFile(pcrFile.selection, tampered));
    expect((await tool(tcti, ['tpm2_checkquote', '-u', path('ak.pub'), '-m', path('q.msg'), '-s', path('ours.sig'), '-f', path('bad.pcrs'), '-g', 'sha256', '-q', nonce])).code).not.toBe(0);
  });

  it('our credential file activates with tpm2_activatecredential; tpm2_makecredential files activate with activateEnrolment', async () => {
    const ekPublic = parsePublic(new Uint8Array(readFileSync(path('ek.pub'))));
    const akPublic = parsePublic(new Uint8Array(readFileSync(path('ak.pub'))));
    const secret = utf8('secret for tpm2-tools');
    const challenge = createEnrolmentChallenge({ ekPublic, akPublic, secret });
    writeFileSync(path('ours.cred'), encodeCredentialFile(challenge));
    const session = path('ek.session');
    await run('tpm2_startauthsession', '--policy-session', '-S', session);
    await run('tpm2_policysecret', '-S', session, '-c', 'e');
    await run('tpm2_activatecredential', '-c', path('ak.ctx'), '-C', path('ek.ctx'), '-i', path('ours.cred'), '-o', path('ours.out'), '-P', `session:${session}`);
    await run('tpm2_flushcontext', session);
    expect(verifyEnrolment(challenge, new Uint8Array(readFileSync(path('ours.out'))))).toBe(true);

    // tpm2_makecredential (no TPM) for an in-process TPM's EK (a TPM2B_PUBLIC file we write) and AK Name,
    // activated with activateEnrolment.
    const t = await startedTpm({ seed: 'tools credential' });
    const ek = await primary(t.client, TPM_RH.ENDORSEMENT, ekTemplate('L-2'));
    const ak = await primary(t.client, TPM_RH.ENDORSEMENT, akTemplate({ alg: 'ecc-p256' }));
    const ekBytes = (await t.client.run('ReadPublic', { objectHandle: ek.handle })).outPublic.bytes!;
    writeFileSync(path('l2-ek.pub'), Uint8Array.of(ekBytes.length >> 8, ekBytes.length & 0xff, ...ekBytes));
    writeFileSync(path('tools.secret'), 'tools-made secret');
    const made = await tool(tcti, ['tpm2_makecredential', '-T', 'none', '-e', path('l2-ek.pub'), '-s', path('tools.secret'), '-n', bytesToHex(ak.name), '-o', path('tools.cred')]);
    expect(made.code).toBe(0);
    const fileBytes = new Uint8Array(readFileSync(path('tools.cred')));
    const fromTools = parseCredentialFile(fileBytes);
    expect(encodeCredentialFile(fromTools)).toEqual(fileBytes);
    expect(await activateEnrolment(t.client, { ekHandle: ek.handle, akHandle: ak.handle, challenge: fromTools })).toEqual(utf8('tools-made secret'));
  });
});
