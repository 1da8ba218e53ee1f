/**
 * A TCM 2.0 trusted root end to end, as a verifier meets it: manufacture a tcm2 vTPM (SM2 EK with
 * an SM2-signed EK certificate in NV), enrol an SM2/SM3 AK created under the EK by credential
 * activation, extend the SM3 PCR bank, quote, and check everything with independent oracles:
 * openssl for the EK certificate, node:crypto's SM3 for the PCR digest and sm-crypto for the SM2
 * signature over SM3(TPMS_ATTEST).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activateEnrolment, createEnrolmentChallenge, startEkPolicySession, verifyEnrolment } from '../../src/attest/enrol.js';
import { checkQuote, parseAttest } from '../../src/attest/quote.js';
import { verifySm2Digest } from '../../src/attest/sm2.js';
import { certificatePublicMatches, parseCertificate, pemEncode, tcgCertificateInfo } from '../../src/attest/x509.js';
import { manufacture, readNvCertificate } from '../../src/client/manufacture.js';
import { akTemplate } from '../../src/client/templates.js';
import { TPM_ALG } from '../../src/gen/constants.js';
import type { TPMS_ECC_POINT, TPMS_QUOTE_INFO, TPMS_SIGNATURE_ECC } from '../../src/gen/types.js';
import { startedTpm, toHex } from '../helpers/tpm.js';

const { sm2: smc } = createRequire(import.meta.url)('sm-crypto') as {
  sm2: { doVerifySignature(msg: Uint8Array, sig: string, pub: string, opts?: { hash?: boolean }): boolean };
};
const EMPTY = new Uint8Array(0);
const sm3 = (...parts: Uint8Array[]) => new Uint8Array(parts.reduce((h, p) => h.update(p), createHash('sm3')).digest());
const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
})();

describe('TCM 2.0 end to end (tcm2 profile)', () => {
  it('manufacture → EK certificate → AK enrolment → SM3 PCRs → SM2 quote, verified by openssl, node:crypto and sm-crypto', async () => {
    const { client } = await startedTpm({ profile: 'tcm2', seed: 'tcm end to end' });

    // 1. Manufacture: the SM2 EK (EK Credential Profile H-5) and its certificate.
    const made = await manufacture(client, { caSeed: 'tcm ca' });
    expect(made.identity.family).toBe('TCM');
    expect(made.eks.map((e) => e.id)).toEqual(['H-5']);
    const ek = made.eks[0];
    expect(ek.public.nameAlg).toBe(TPM_ALG.SM3_256);
    const fromNv = await readNvCertificate(client, ek.certIndex);
    expect(toHex(fromNv)).toBe(toHex(ek.certificate));
    expect(certificatePublicMatches(fromNv, ek.public)).toBe(true);
    const info = tcgCertificateInfo(fromNv);
    expect(info.manufacturer).toBe('id:5654434D'); // "VTCM"
    expect(parseCertificate(fromNv).signatureAlgorithm).toBe('1.2.156.10197.1.501'); // SM2-with-SM3
    if (hasOpenssl) {
      const dir = mkdtempSync(join(tmpdir(), 'vtpm-tcm-'));
      writeFileSync(join(dir, 'ca.pem'), made.ca.pem());
      writeFileSync(join(dir, 'ek.pem'), pemEncode('CERTIFICATE', fromNv));
      // SM2 certificate signatures use the GM/T default ID; OpenSSL 3.0 needs it spelled out.
      const out = execFileSync('openssl', ['verify', '-vfyopt', 'distid:1234567812345678', '-CAfile', join(dir, 'ca.pem'), join(dir, 'ek.pem')], { encoding: 'utf8' });
      expect(out).toMatch(/ek\.pem: OK/);
    }

    // 2. An SM2/SM3 AK under the EK (tpm2_createak's way: each use of the EK in a PolicyB session).
    const created = await client.run(
      'Create',
      { parentHandle: ek.handle, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: akTemplate({ alg: 'sm2-p256' }) }, outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } },
      { auth: { parentHandle: { session: await startEkPolicySession(client, ek.public) } } },
    );
    const loaded = await client.run(
      'Load',
      { parentHandle: ek.handle, inPrivate: created.outPrivate, inPublic: created.outPublic },
      { auth: { parentHandle: { session: await startEkPolicySession(client, ek.public) } } },
    );
    const akPublic = created.outPublic.publicArea;

    // 3. Enrolment: MakeCredential on the host, ActivateCredential in the TCM.
    const challenge = createEnrolmentChallenge({ ekPublic: ek.public, akPublic });
    const secret = await activateEnrolment(client, { ekHandle: ek.handle, akHandle: loaded.objectHandle, challenge });
    expect(verifyEnrolment(challenge, secret)).toBe(true);

    // 4. Measurements into the SM3 bank.
    const events = ['firmware', 'bootloader', 'kernel', 'initrd'].map((s) => sm3(new TextEncoder().encode(s)));
    for (const [i, digest] of events.entries()) {
      await client.run('PCR_Extend', { pcrHandle: i, digests: { digests: [{ hashAlg: TPM_ALG.SM3_256, digest }] } }, { auth: { pcrHandle: '' } });
    }
    const expected = events.map((d) => sm3(new Uint8Array(32), d)); // each PCR extended once from zero
    const selection = [{ hash: TPM_ALG.SM3_256, pcrSelect: Uint8Array.of(0x0f, 0, 0) }];
    const read = await client.run('PCR_Read', { pcrSelectionIn: { pcrSelections: selection } });
    expect(read.pcrValues.digests.map(toHex)).toEqual(expected.map(toHex));

    // 5. The quote, signed by the SM2 AK.
    const nonce = Uint8Array.from({ length: 20 }, (_, i) => i * 7);
    const q = await client.run('Quote', { signHandle: loaded.objectHandle, qualifyingData: nonce, inScheme: { scheme: TPM_ALG.NULL, details: null }, PCRselect: { pcrSelections: selection } }, { auth: { signHandle: '' } });
    expect(q.signature.sigAlg).toBe(TPM_ALG.SM2);
    const attest = parseAttest(q.quoted);
    expect(toHex((attest.attested as TPMS_QUOTE_INFO).pcrDigest)).toBe(toHex(sm3(...expected)));
    expect(toHex(attest.extraData)).toBe(toHex(nonce));
    // The AK is in the endorsement hierarchy: the clock information is not obfuscated.
    expect(attest.clockInfo.resetCount).toBe((await client.run('ReadClock', {})).currentTime.clockInfo.resetCount);

    // Independent oracle: sm-crypto verifies the SM2 signature over SM3(TPMS_ATTEST), the raw digest (no Z_A).
    const sig = q.signature.signature as TPMS_SIGNATURE_ECC;
    const { x, y } = akPublic.unique as TPMS_ECC_POINT;
    expect(smc.doVerifySignature(sm3(q.quoted), toHex(sig.signatureR) + toHex(sig.signatureS), '04' + toHex(x) + toHex(y), { hash: false })).toBe(true);
    expect(verifySm2Digest(akPublic, sm3(q.quoted), q.signature)).toBe(true);

    // The verifier's one call, and what it says about a tampered PCR value.
    const pcrs = { [TPM_ALG.SM3_256]: Object.fromEntries(expected.map((v, i) => [i, v])) };
    expect(checkQuote({ akPublic, quoted: q.quoted, signature: q.signature, nonce, pcrs }).ok).toBe(true);
    const tampered = { [TPM_ALG.SM3_256]: { ...pcrs[TPM_ALG.SM3_256], 2: sm3(EMPTY) } };
    expect(checkQuote({ akPublic, quoted: q.quoted, signature: q.signature, nonce, pcrs: tampered }).failures.map((f) => f.check)).toEqual(['pcrDigest']);
  });
});
