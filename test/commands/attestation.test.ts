/**
 * Part 3 "Attestation Commands" (TPM2_Quote, TPM2_Certify, TPM2_CertifyCreation, TPM2_GetTime,
 * TPM2_GetSessionAuditDigest, TPM2_GetCommandAuditDigest) and "TPM2_NV_Certify" through the typed
 * client on seeded TPMs. Every TPMS_ATTEST is decoded and checked field by field (Part 2
 * "TPMS_ATTEST"), its digest recomputed and its signature verified with node:crypto (RSASSA,
 * RSAPSS, ECDSA) or sm-crypto (SM2 on the raw digest).
 */
import { createHash, verify as nodeVerify } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import { akTemplate, eccKeyTemplate, rsaKeyTemplate, srkTemplate } from '../../src/client/templates.js';
import { TPM_ALG, TPM_CC, TPM_ECC, TPM_RC, TPM_RH, TPM_ST, TPMA_NV, TPMA_SESSION, TPM_SU } from '../../src/gen/constants.js';
import { DEFAULT_LIMITS, SCHEMA } from '../../src/gen/schemas.js';
import type {
  TPMS_ATTEST,
  TPMS_CERTIFY_INFO,
  TPMS_COMMAND_AUDIT_INFO,
  TPMS_CREATION_INFO,
  TPMS_ECC_POINT,
  TPMS_NV_CERTIFY_INFO,
  TPMS_NV_DIGEST_CERTIFY_INFO,
  TPMS_QUOTE_INFO,
  TPMS_SESSION_AUDIT_INFO,
  TPMS_SIGNATURE_ECC,
  TPMS_SIGNATURE_RSA,
  TPMS_TIME_ATTEST_INFO,
  TPMT_PUBLIC,
  TPMT_SIG_SCHEME,
  TPMT_SIGNATURE,
} from '../../src/gen/types.js';
import { createCodec } from '../../src/wire/index.js';
import { rcOf, startedTpm, toHex } from '../helpers/tpm.js';
import { nodeEcPublic, nodeRsaPublic } from '../vectors/protocol-fixtures.js';

const { sm2: smc } = createRequire(import.meta.url)('sm-crypto') as {
  sm2: { doVerifySignature(msg: Uint8Array, sig: string, pub: string, opts?: { hash?: boolean; der?: boolean }): boolean };
};

const codec = createCodec({ schema: SCHEMA, limits: DEFAULT_LIMITS });
const EMPTY = new Uint8Array(0);
const NULL_SCHEME = { scheme: TPM_ALG.NULL, details: null } as TPMT_SIG_SCHEME;
const NODE_HASH: Record<number, string> = { [TPM_ALG.SHA1]: 'sha1', [TPM_ALG.SHA256]: 'sha256', [TPM_ALG.SHA384]: 'sha384', [TPM_ALG.SM3_256]: 'sm3' };
const P = (n: number) => TPM_RC.P | (n << 8);
const H = (n: number) => TPM_RC.H | (n << 8);
const nodeHash = (alg: number, ...parts: Uint8Array[]) => {
  const h = createHash(NODE_HASH[alg]);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const noCreation = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };
const sensitive = (userAuth = EMPTY) => ({ sensitive: { userAuth, data: EMPTY } });

interface Key {
  handle: number;
  pub: TPMT_PUBLIC;
  name: Uint8Array;
}

async function primary(client: Client, template: TPMT_PUBLIC, hierarchy: number = TPM_RH.ENDORSEMENT): Promise<Key & { creationHash: Uint8Array; creationTicket: unknown }> {
  const r = await client.run('CreatePrimary', { primaryHandle: hierarchy, inSensitive: sensitive(), inPublic: { publicArea: template }, ...noCreation });
  return { handle: r.objectHandle, pub: r.outPublic.publicArea, name: r.name, creationHash: r.creationHash, creationTicket: r.creationTicket };
}

/** Verifies a TPM signature over `message` with node:crypto or sm-crypto, independently of vtpm. */
function independentlyVerified(pub: TPMT_PUBLIC, message: Uint8Array, signature: TPMT_SIGNATURE): boolean {
  if (signature.sigAlg === TPM_ALG.RSASSA || signature.sigAlg === TPM_ALG.RSAPSS) {
    const s = signature.signature as TPMS_SIGNATURE_RSA;
    const key = nodeRsaPublic({ n: BigInt('0x' + toHex(pub.unique as Uint8Array)), e: 65537n });
    const padding = signature.sigAlg === TPM_ALG.RSAPSS ? 6 /* RSA_PKCS1_PSS_PADDING */ : 1;
    return nodeVerify(NODE_HASH[s.hash], message, { key, padding, saltLength: signature.sigAlg === TPM_ALG.RSAPSS ? -2 : undefined }, s.sig);
  }
  const s = signature.signature as TPMS_SIGNATURE_ECC;
  const { x, y } = pub.unique as TPMS_ECC_POINT;
  if (signature.sigAlg === TPM_ALG.ECDSA) {
    return nodeVerify(NODE_HASH[s.hash], message, { key: nodeEcPublic((pub.parameters as { curveID: number }).curveID, x, y), dsaEncoding: 'ieee-p1363' }, Buffer.concat([s.signatureR, s.signatureS]));
  }
  if (signature.sigAlg === TPM_ALG.SM2) {
    // TPM SM2 signs the digest it is given (no Z_A): sm-crypto with hash:false over the raw digest.
    const digest = nodeHash(s.hash, message);
    return smc.doVerifySignature(digest, toHex(s.signatureR) + toHex(s.signatureS), '04' + toHex(x) + toHex(y), { hash: false });
  }
  throw new Error(`no independent verifier for ${signature.sigAlg}`);
}

const decodeAttest = (bytes: Uint8Array) => codec.decode('TPMS_ATTEST', bytes) as TPMS_ATTEST;

describe('TPM2_Quote', () => {
  const signers = [
    { what: 'RSASSA-2048', template: () => akTemplate({ alg: 'rsa2048' }) },
    { what: 'RSAPSS-2048', template: () => akTemplate({ alg: 'rsa2048', scheme: TPM_ALG.RSAPSS }) },
    { what: 'ECDSA P-256', template: () => akTemplate({ alg: 'ecc-p256' }) },
    { what: 'ECDSA P-384/SHA-384', template: () => akTemplate({ alg: 'ecc-p384' }) },
  ];
  for (const { what, template } of signers) {
    it(`${what}: quotes the selected PCRs, signed over H(TPMS_ATTEST)`, async () => {
      const { client } = await startedTpm();
      const ak = await primary(client, template());
      await client.run('PCR_Extend', { pcrHandle: 16, digests: { digests: [{ hashAlg: TPM_ALG.SHA256, digest: nodeHash(TPM_ALG.SHA256, new Uint8Array([1])) }] } }, { auth: { pcrHandle: '' } });
      const nonce = new Uint8Array([9, 8, 7, 6, 5]);
      const selection = [{ hash: TPM_ALG.SHA256, pcrSelect: new Uint8Array([0x03, 0x00, 0x01]) }];
      const q = await client.run('Quote', { signHandle: ak.handle, qualifyingData: nonce, inScheme: NULL_SCHEME, PCRselect: { pcrSelections: selection } }, { auth: { signHandle: '' } });
      const attest = decodeAttest(q.quoted);
      expect(attest.magic).toBe(0xff544347);
      expect(attest.type).toBe(TPM_ST.ATTEST_QUOTE);
      // A primary's qualified Name: nameAlg ‖ H(QN of the hierarchy (its handle) ‖ Name).
      const nameAlg = ak.pub.nameAlg;
      expect(toHex(attest.qualifiedSigner)).toBe(toHex(ak.name.slice(0, 2)) + toHex(nodeHash(nameAlg, new Uint8Array([0x40, 0, 0, 0x0b]), ak.name)));
      expect(toHex(attest.extraData)).toBe(toHex(nonce));
      expect(attest.clockInfo.safe).toBe(1);
      const info = attest.attested as TPMS_QUOTE_INFO;
      expect(info.pcrSelect.pcrSelections.map((s) => [s.hash, toHex(s.pcrSelect)])).toEqual([[TPM_ALG.SHA256, '030001']]);
      const read = await client.run('PCR_Read', { pcrSelectionIn: { pcrSelections: selection } });
      const hashAlg = (q.signature.signature as { hash: number }).hash;
      expect(toHex(info.pcrDigest)).toBe(toHex(nodeHash(hashAlg, ...read.pcrValues.digests)));
      expect(independentlyVerified(ak.pub, q.quoted, q.signature)).toBe(true);
      const flipped = Uint8Array.from(q.quoted);
      flipped[flipped.length - 1] ^= 1;
      expect(independentlyVerified(ak.pub, flipped, q.signature)).toBe(false);
    });
  }

  it('SM2 (tcm2): an SM3 PCR quote whose SM2 signature over the raw digest sm-crypto verifies', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const ak = await primary(client, akTemplate({ alg: 'sm2-p256' }));
    await client.run('PCR_Extend', { pcrHandle: 0, digests: { digests: [{ hashAlg: TPM_ALG.SM3_256, digest: nodeHash(TPM_ALG.SM3_256, new Uint8Array([7])) }] } }, { auth: { pcrHandle: '' } });
    const selection = [{ hash: TPM_ALG.SM3_256, pcrSelect: new Uint8Array([0xff, 0x00, 0x00]) }];
    const q = await client.run('Quote', { signHandle: ak.handle, qualifyingData: new Uint8Array([1]), inScheme: NULL_SCHEME, PCRselect: { pcrSelections: selection } }, { auth: { signHandle: '' } });
    expect(q.signature.sigAlg).toBe(TPM_ALG.SM2);
    const read = await client.run('PCR_Read', { pcrSelectionIn: { pcrSelections: selection } });
    expect(toHex((decodeAttest(q.quoted).attested as TPMS_QUOTE_INFO).pcrDigest)).toBe(toHex(nodeHash(TPM_ALG.SM3_256, ...read.pcrValues.digests)));
    expect(independentlyVerified(ak.pub, q.quoted, q.signature)).toBe(true);
  });

  it('reports the selection filtered to allocated PCRs and digests only those', async () => {
    const { client } = await startedTpm();
    const ak = await primary(client, akTemplate({ alg: 'ecc-p256' }));
    // SHA-384 is not allocated by default on tpm2: its bits are cleared, its size kept.
    const selection = [
      { hash: TPM_ALG.SHA384, pcrSelect: new Uint8Array([0xff, 0xff, 0xff]) },
      { hash: TPM_ALG.SHA256, pcrSelect: new Uint8Array([0x01, 0, 0]) },
    ];
    const q = await client.run('Quote', { signHandle: ak.handle, qualifyingData: EMPTY, inScheme: NULL_SCHEME, PCRselect: { pcrSelections: selection } }, { auth: { signHandle: '' } });
    const info = decodeAttest(q.quoted).attested as TPMS_QUOTE_INFO;
    const banks = (await client.run('GetCapability', { capability: 5, property: 0, propertyCount: 8 })).capabilityData.data as { pcrSelections: { hash: number; pcrSelect: Uint8Array }[] };
    const sha384 = banks.pcrSelections.find((b) => b.hash === TPM_ALG.SHA384);
    const sha384Allocated = !!sha384 && sha384.pcrSelect.some((b) => b !== 0);
    expect(toHex(info.pcrSelect.pcrSelections[0].pcrSelect)).toBe(sha384Allocated ? 'ffffff' : '000000');
    expect(toHex(info.pcrSelect.pcrSelections[1].pcrSelect)).toBe('010000');
  });

  it('refuses a non-signing key (TPM_RC_KEY, handle 1), a disagreeing scheme (TPM_RC_SCHEME, parameter 2) and TPM_RH_NULL (no hash)', async () => {
    const { client } = await startedTpm();
    const srk = await primary(client, srkTemplate({ alg: 'ecc-p256' }), TPM_RH.OWNER);
    const ak = await primary(client, akTemplate({ alg: 'ecc-p256' }));
    const args = (signHandle: number, inScheme = NULL_SCHEME) => ({ signHandle, qualifyingData: EMPTY, inScheme, PCRselect: { pcrSelections: [] } });
    expect(await rcOf(client.run('Quote', args(srk.handle), { auth: { signHandle: '' } }))).toBe(TPM_RC.KEY | H(1));
    expect(await rcOf(client.run('Quote', args(ak.handle, { scheme: TPM_ALG.ECDSA, details: { hashAlg: TPM_ALG.SHA384 } } as TPMT_SIG_SCHEME), { auth: { signHandle: '' } }))).toBe(
      TPM_RC.SCHEME | P(2),
    );
    expect(await rcOf(client.run('Quote', args(TPM_RH.NULL), {}))).toBe(TPM_RC.SCHEME | P(2));
  });
});

describe('clock information and obfuscation (Part 2 "TPMS_ATTEST")', () => {
  it('endorsement and platform keys see the real resetCount/restartCount; storage keys an offset copy, constant per key', async () => {
    const t = await startedTpm();
    const { client, tpm } = t;
    await client.run('Shutdown', { shutdownType: TPM_SU.STATE });
    tpm.reset();
    await client.run('Startup', { startupType: TPM_SU.CLEAR }); // a TPM Restart: restartCount 1
    const signed = async (hierarchy: number) => {
      const key = await primary(client, akTemplate({ alg: 'ecc-p256' }), hierarchy);
      const r = await client.run('GetTime', { privacyAdminHandle: TPM_RH.ENDORSEMENT, signHandle: key.handle, qualifyingData: EMPTY, inScheme: NULL_SCHEME }, { auth: { privacyAdminHandle: '', signHandle: '' } });
      await client.run('FlushContext', { flushHandle: key.handle });
      return decodeAttest(r.timeInfo);
    };
    const clock = await client.run('ReadClock', {});
    for (const h of [TPM_RH.ENDORSEMENT, TPM_RH.PLATFORM]) {
      const a = await signed(h);
      expect([a.clockInfo.resetCount, a.clockInfo.restartCount]).toEqual([clock.currentTime.clockInfo.resetCount, clock.currentTime.clockInfo.restartCount]);
      expect(a.firmwareVersion).toBe((a.attested as TPMS_TIME_ATTEST_INFO).firmwareVersion);
    }
    const owner1 = await signed(TPM_RH.OWNER);
    const owner2 = await signed(TPM_RH.OWNER);
    const time = owner1.attested as TPMS_TIME_ATTEST_INFO;
    // The attested TPMS_TIME_INFO is in clear; the header's copy is offset.
    expect([time.time.clockInfo.resetCount, time.time.clockInfo.restartCount]).toEqual([clock.currentTime.clockInfo.resetCount, clock.currentTime.clockInfo.restartCount]);
    expect([owner1.clockInfo.resetCount, owner1.clockInfo.restartCount, owner1.firmwareVersion]).not.toEqual([
      clock.currentTime.clockInfo.resetCount,
      clock.currentTime.clockInfo.restartCount,
      time.firmwareVersion,
    ]);
    expect([owner2.clockInfo.resetCount, owner2.clockInfo.restartCount, owner2.firmwareVersion]).toEqual([owner1.clockInfo.resetCount, owner1.clockInfo.restartCount, owner1.firmwareVersion]);
    // Restart counts up by one in the obfuscated copy too.
    await client.run('Shutdown', { shutdownType: TPM_SU.STATE });
    tpm.reset();
    await client.run('Startup', { startupType: TPM_SU.CLEAR });
    const owner3 = await signed(TPM_RH.OWNER);
    expect(owner3.clockInfo.restartCount).toBe((owner1.clockInfo.restartCount + 1) >>> 0);
    expect(owner3.clockInfo.resetCount).toBe(owner1.clockInfo.resetCount);
  });

  it('GetTime with TPM_RH_NULL: an unsigned attestation naming TPM_RH_NULL as signer', async () => {
    const { client, tick } = await startedTpm();
    tick(1500);
    const r = await client.run('GetTime', { privacyAdminHandle: TPM_RH.ENDORSEMENT, signHandle: TPM_RH.NULL, qualifyingData: new Uint8Array([5]), inScheme: NULL_SCHEME }, { auth: { privacyAdminHandle: '' } });
    expect(r.signature.sigAlg).toBe(TPM_ALG.NULL);
    const a = decodeAttest(r.timeInfo);
    expect(a.type).toBe(TPM_ST.ATTEST_TIME);
    expect(toHex(a.qualifiedSigner)).toBe('40000007');
    expect(toHex(a.extraData)).toBe('05');
    expect((a.attested as TPMS_TIME_ATTEST_INFO).time.time).toBeGreaterThanOrEqual(1500n);
    expect((a.attested as TPMS_TIME_ATTEST_INFO).time.clockInfo.clock).toBeGreaterThanOrEqual(1500n);
  });
});

describe('TPM2_Certify and TPM2_CertifyCreation', () => {
  it('Certify signs the Name and qualified Name of a loaded object', async () => {
    const { client } = await startedTpm();
    const ak = await primary(client, akTemplate({ alg: 'rsa2048' }));
    const srk = await primary(client, srkTemplate({ alg: 'ecc-p256' }), TPM_RH.OWNER);
    const key = await client.run('CreateLoaded', { parentHandle: srk.handle, inSensitive: sensitive(), inPublic: codec.encode('TPMT_PUBLIC', eccKeyTemplate({ usage: 'sign' })) });
    const r = await client.run('Certify', { objectHandle: key.objectHandle, signHandle: ak.handle, qualifyingData: new Uint8Array([1, 2]), inScheme: NULL_SCHEME }, { auth: { objectHandle: '', signHandle: '' } });
    const a = decodeAttest(r.certifyInfo);
    expect(a.type).toBe(TPM_ST.ATTEST_CERTIFY);
    const info = a.attested as TPMS_CERTIFY_INFO;
    expect(toHex(info.name)).toBe(toHex(key.name));
    // qualified Name = nameAlg ‖ H(parent QN ‖ Name), the parent a primary in the owner hierarchy.
    const srkQn = new Uint8Array([0, 0x0b, ...nodeHash(TPM_ALG.SHA256, new Uint8Array([0x40, 0, 0, 1]), srk.name)]);
    expect(toHex(info.qualifiedName)).toBe('000b' + toHex(nodeHash(TPM_ALG.SHA256, srkQn, key.name)));
    expect(independentlyVerified(ak.pub, r.certifyInfo, r.signature)).toBe(true);
  });

  it('CertifyCreation checks the creation ticket (TPM_RC_TICKET, parameter 4) and signs Name and creationHash', async () => {
    const { client } = await startedTpm();
    const ak = await primary(client, akTemplate({ alg: 'ecc-p256' }));
    const prim = await primary(client, rsaKeyTemplate({ usage: 'sign' }), TPM_RH.OWNER);
    const args = (creationHash: Uint8Array) => ({
      signHandle: ak.handle,
      objectHandle: prim.handle,
      qualifyingData: new Uint8Array([3]),
      creationHash,
      inScheme: NULL_SCHEME,
      creationTicket: prim.creationTicket as never,
    });
    const r = await client.run('CertifyCreation', args(prim.creationHash), { auth: { signHandle: '' } });
    const a = decodeAttest(r.certifyInfo);
    expect(a.type).toBe(TPM_ST.ATTEST_CREATION);
    expect(toHex((a.attested as TPMS_CREATION_INFO).objectName)).toBe(toHex(prim.name));
    expect(toHex((a.attested as TPMS_CREATION_INFO).creationHash)).toBe(toHex(prim.creationHash));
    expect(independentlyVerified(ak.pub, r.certifyInfo, r.signature)).toBe(true);
    const wrong = Uint8Array.from(prim.creationHash);
    wrong[0] ^= 1;
    expect(await rcOf(client.run('CertifyCreation', args(wrong), { auth: { signHandle: '' } }))).toBe(TPM_RC.TICKET | P(4));
  });
});

describe('TPM2_NV_Certify', () => {
  const index = 0x01500020;
  async function setup() {
    const t = await startedTpm();
    const ak = await primary(t.client, akTemplate({ alg: 'ecc-p256' }));
    const N = TPMA_NV;
    await t.client.run(
      'NV_DefineSpace',
      {
        authHandle: TPM_RH.OWNER,
        auth: EMPTY,
        publicInfo: { nvPublic: { nvIndex: index, nameAlg: TPM_ALG.SHA256, attributes: N.OWNERWRITE | N.OWNERREAD | N.AUTHREAD | N.AUTHWRITE | N.NO_DA, authPolicy: EMPTY, dataSize: 16 } },
      },
      { auth: { authHandle: '' } },
    );
    return { ...t, ak };
  }
  const certify = (client: Client, ak: Key, size: number, offset: number) =>
    client.run('NV_Certify', { signHandle: ak.handle, authHandle: index, nvIndex: index, qualifyingData: EMPTY, inScheme: NULL_SCHEME, size, offset }, { auth: { signHandle: '', authHandle: '' } });

  it('certifies a range (ATTEST_NV) or, with size and offset 0, the digest of the index (ATTEST_NV_DIGEST)', async () => {
    const { client, ak } = await setup();
    expect(await rcOf(certify(client, ak, 4, 0))).toBe(TPM_RC.NV_UNINITIALIZED);
    const data = Uint8Array.from({ length: 16 }, (_, i) => i * 3);
    await client.run('NV_Write', { authHandle: index, nvIndex: index, data, offset: 0 }, { auth: { authHandle: '' } });
    const pub = await client.run('NV_ReadPublic', { nvIndex: index });
    const range = await certify(client, ak, 5, 3);
    const a = decodeAttest(range.certifyInfo);
    expect(a.type).toBe(TPM_ST.ATTEST_NV);
    const info = a.attested as TPMS_NV_CERTIFY_INFO;
    expect([toHex(info.indexName), info.offset, toHex(info.nvContents)]).toEqual([toHex(pub.nvName), 3, toHex(data.slice(3, 8))]);
    expect(independentlyVerified(ak.pub, range.certifyInfo, range.signature)).toBe(true);
    const whole = await certify(client, ak, 0, 0);
    const d = decodeAttest(whole.certifyInfo);
    expect(d.type).toBe(TPM_ST.ATTEST_NV_DIGEST);
    expect(toHex((d.attested as TPMS_NV_DIGEST_CERTIFY_INFO).nvDigest)).toBe(toHex(nodeHash(TPM_ALG.SHA256, data)));
    expect(independentlyVerified(ak.pub, whole.certifyInfo, whole.signature)).toBe(true);
  });

  it('refuses a range beyond the index (TPM_RC_NV_RANGE)', async () => {
    const { client, ak } = await setup();
    await client.run('NV_Write', { authHandle: index, nvIndex: index, data: new Uint8Array(16), offset: 0 }, { auth: { authHandle: '' } });
    expect(await rcOf(certify(client, ak, 10, 7))).toBe(TPM_RC.NV_RANGE);
  });
});

describe('audit digests', () => {
  it('GetSessionAuditDigest signs an audit session digest and refuses a session never audited (TPM_RC_TYPE, handle 3)', async () => {
    const { client } = await startedTpm();
    const ak = await primary(client, akTemplate({ alg: 'ecc-p256' }));
    const audit = await client.startAuthSession({ hash: TPM_ALG.SHA256 });
    audit.audit = true;
    await client.run('GetRandom', { bytesRequested: 8 }, { auditSession: audit });
    await client.run('GetRandom', { bytesRequested: 8 }, { auditSession: audit });
    const r = await client.run(
      'GetSessionAuditDigest',
      { privacyAdminHandle: TPM_RH.ENDORSEMENT, signHandle: ak.handle, sessionHandle: audit.handle, qualifyingData: EMPTY, inScheme: NULL_SCHEME },
      { auth: { privacyAdminHandle: '', signHandle: '' } },
    );
    const a = decodeAttest(r.auditInfo);
    expect(a.type).toBe(TPM_ST.ATTEST_SESSION_AUDIT);
    const info = a.attested as TPMS_SESSION_AUDIT_INFO;
    expect(toHex(info.sessionDigest)).toBe(toHex(audit.auditDigest!));
    expect(info.exclusiveSession).toBe(1);
    expect(independentlyVerified(ak.pub, r.auditInfo, r.signature)).toBe(true);
    const plain = await client.startAuthSession({ hash: TPM_ALG.SHA256 });
    expect(
      await rcOf(
        client.run(
          'GetSessionAuditDigest',
          { privacyAdminHandle: TPM_RH.ENDORSEMENT, signHandle: ak.handle, sessionHandle: plain.handle, qualifyingData: EMPTY, inScheme: NULL_SCHEME },
          { auth: { privacyAdminHandle: '', signHandle: '' } },
        ),
      ),
    ).toBe(TPM_RC.TYPE | H(3));
    void TPMA_SESSION;
  });

  it('GetCommandAuditDigest reports counter, hash, digest and H(audited codes); a signed report empties the digest', async () => {
    const { client } = await startedTpm();
    const ak = await primary(client, akTemplate({ alg: 'ecc-p256' }));
    await client.run('SetCommandCodeAuditStatus', { auth: TPM_RH.OWNER, auditAlg: TPM_ALG.SHA256, setList: { commandCodes: [] }, clearList: { commandCodes: [] } }, { auth: { auth: '' } });
    await client.run('SetCommandCodeAuditStatus', { auth: TPM_RH.OWNER, auditAlg: TPM_ALG.NULL, setList: { commandCodes: [TPM_CC.GetRandom] }, clearList: { commandCodes: [] } }, { auth: { auth: '' } });
    await client.run('GetRandom', { bytesRequested: 4 });
    const report = () =>
      client.run('GetCommandAuditDigest', { privacyHandle: TPM_RH.ENDORSEMENT, signHandle: ak.handle, qualifyingData: EMPTY, inScheme: NULL_SCHEME }, { auth: { privacyHandle: '', signHandle: '' } });
    const r1 = await report();
    const a1 = decodeAttest(r1.auditInfo);
    expect(a1.type).toBe(TPM_ST.ATTEST_COMMAND_AUDIT);
    const i1 = a1.attested as TPMS_COMMAND_AUDIT_INFO;
    expect(i1.digestAlg).toBe(TPM_ALG.SHA256);
    expect(i1.auditDigest.length).toBe(32);
    const codes = [TPM_CC.SetCommandCodeAuditStatus, TPM_CC.GetRandom].sort((a, b) => a - b);
    const be = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
    expect(toHex(i1.commandDigest)).toBe(toHex(nodeHash(TPM_ALG.SHA256, ...codes.map(be))));
    expect(independentlyVerified(ak.pub, r1.auditInfo, r1.signature)).toBe(true);
    const r2 = await report();
    const i2 = decodeAttest(r2.auditInfo).attested as TPMS_COMMAND_AUDIT_INFO;
    expect(i2.auditDigest.length).toBe(0);
    await client.run('GetRandom', { bytesRequested: 4 });
    const i3 = decodeAttest((await report()).auditInfo).attested as TPMS_COMMAND_AUDIT_INFO;
    expect(i3.auditCounter).toBe(i1.auditCounter + 1n);
  });
});
