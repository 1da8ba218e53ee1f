/**
 * Part 3 "TPM2_MakeCredential" and "TPM2_ActivateCredential" (Part 1 "Credential Protection")
 * through the typed client on seeded TPMs: EKs of the EK Credential Profile (L-1 RSA 2048 and
 * L-2 ECC P-256 with PolicyA = PolicySecret(TPM_RH_ENDORSEMENT); H-1 RSA and H-5 SM2 with
 * userWithAuth; an SM2 EK with the SM3 PolicyA on the tcm2 profile), attestation keys as
 * tpm2_createak makes them, credentials made by the TPM, by another TPM from the EK's public
 * area (TPM2_LoadExternal), and by a verifier on the host (src/protocol/credential.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import { akTemplate, ekTemplate, TEMPLATE_ATTRIBUTES, ekPolicyA, type EkTemplateId, type KeyAlg } from '../../src/client/templates.js';
import { utf8 } from '../../src/crypto/bytes.js';
import { createDrbg } from '../../src/crypto/drbg.js';
import { TPM_ALG, TPM_RC, TPM_RH } from '../../src/gen/constants.js';
import { SCHEMA } from '../../src/gen/schemas.js';
import type { TPMS_ECC_POINT, TPMT_PUBLIC } from '../../src/gen/types.js';
import { makeCredential } from '../../src/protocol/credential.js';
import { createCodec } from '../../src/wire/codec.js';
import { rcOf, startedTpm } from '../helpers/tpm.js';

const P = (n: number) => TPM_RC.P | (n << 8);
const H = (n: number) => TPM_RC.H | (n << 8);
const EMPTY = new Uint8Array(0);
const codec = createCodec({ schema: SCHEMA, strict: false });
const noCreation = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };

interface Case {
  name: string;
  profile: 'tpm2' | 'tcm2';
  ek: () => TPMT_PUBLIC;
  ak: KeyAlg;
  /** The EK's authPolicy is PolicyA (else it has userWithAuth and a password authorizes its USER role). */
  policyA: boolean;
}

/** An SM2 EK in the low-range form: no userWithAuth, authPolicy the SM3 PolicyA. */
const sm2LowEk = (): TPMT_PUBLIC => ({ ...ekTemplate('H-5'), objectAttributes: TEMPLATE_ATTRIBUTES.ekLow, authPolicy: ekPolicyA(TPM_ALG.SM3_256) });
const ek = (id: EkTemplateId) => () => ekTemplate(id);

const CASES: Case[] = [
  { name: 'L-2 ECC P-256, PolicyA', profile: 'tpm2', ek: ek('L-2'), ak: 'ecc-p256', policyA: true },
  { name: 'L-1 RSA 2048, PolicyA', profile: 'tpm2', ek: ek('L-1'), ak: 'rsa2048', policyA: true },
  { name: 'H-1 RSA 2048, userWithAuth', profile: 'tpm2', ek: ek('H-1'), ak: 'ecc-p256', policyA: false },
  { name: 'H-5 SM2 P-256, userWithAuth', profile: 'tcm2', ek: ek('H-5'), ak: 'sm2-p256', policyA: false },
  { name: 'SM2 P-256, SM3 PolicyA', profile: 'tcm2', ek: sm2LowEk, ak: 'sm2-p256', policyA: true },
];

interface Setup {
  client: Client;
  ek: number;
  ekPublic: TPMT_PUBLIC;
  ak: number;
  akName: Uint8Array;
  /** ActivateCredential with activateHandle = AK (password) and keyHandle = EK (its USER role). */
  activate(credentialBlob: Uint8Array, secret: Uint8Array, handles?: { activateHandle?: number; keyHandle?: number }): Promise<Uint8Array>;
}

async function primary(client: Client, primaryHandle: number, template: TPMT_PUBLIC) {
  return client.run('CreatePrimary', { primaryHandle, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: template }, ...noCreation });
}

async function setup(c: Case, seed = 'credential tpm'): Promise<Setup> {
  const { client } = await startedTpm({ profile: c.profile, seed });
  const ekOut = await primary(client, TPM_RH.ENDORSEMENT, c.ek());
  const akOut = await primary(client, TPM_RH.OWNER, akTemplate({ alg: c.ak }));
  const ekPublic = ekOut.outPublic.publicArea;
  return {
    client,
    ek: ekOut.objectHandle,
    ekPublic,
    ak: akOut.objectHandle,
    akName: akOut.name,
    async activate(credentialBlob, secret, handles = {}) {
      const keyHandle = handles.keyHandle ?? ekOut.objectHandle;
      let keyAuth = {} as Record<string, unknown>;
      if (c.policyA && keyHandle !== akOut.objectHandle) {
        // PolicyA: PolicySecret with the endorsement hierarchy's authorization (empty password).
        const session = await client.startAuthSession({ hash: ekPublic.nameAlg, type: 'policy' });
        await client.run('PolicySecret', { authHandle: TPM_RH.ENDORSEMENT, policySession: session.handle, nonceTPM: EMPTY, cpHashA: EMPTY, policyRef: EMPTY, expiration: 0 });
        keyAuth = { keyHandle: { session } };
      }
      const out = await client.run('ActivateCredential', { activateHandle: handles.activateHandle ?? akOut.objectHandle, keyHandle, credentialBlob, secret }, { auth: keyAuth as never });
      return out.certInfo;
    },
  };
}

const flip = (b: Uint8Array, at: number) => {
  const c = b.slice();
  c[at < 0 ? c.length + at : at] ^= 0x01;
  return c;
};

describe.each(CASES)('TPM2_MakeCredential / TPM2_ActivateCredential ($profile, EK $name)', (c) => {
  it('a credential made by this TPM, by another TPM from the EK public area and by the host activates for the AK', async () => {
    const t = await setup(c);
    const credential = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 ^ i);
    const made = await t.client.run('MakeCredential', { handle: t.ek, credential, objectName: t.akName });
    expect(await t.activate(made.credentialBlob, made.secret)).toEqual(credential);

    // A verifier's TPM (another seed) with only the EK's public area.
    const { client: verifier } = await startedTpm({ profile: c.profile, seed: 'verifier tpm' });
    const ekOnVerifier = await verifier.run('LoadExternal', { inPrivate: {}, inPublic: { publicArea: t.ekPublic }, hierarchy: TPM_RH.OWNER });
    const remote = await verifier.run('MakeCredential', { handle: ekOnVerifier.objectHandle, credential: credential.subarray(0, 16), objectName: t.akName });
    expect(await t.activate(remote.credentialBlob, remote.secret)).toEqual(credential.subarray(0, 16));

    // The host-side function, no TPM (an empty credential is allowed too).
    const rng = createDrbg(utf8('verifier rng'));
    for (const cred of [utf8('host-made credential'), EMPTY]) {
      const host = makeCredential(t.ekPublic, cred, t.akName, rng);
      expect(await t.activate(host.credentialBlob, host.secret)).toEqual(cred);
    }
  });

  it('ActivateCredential refuses a credential for another Name, a damaged blob or secret, and keys that are not restricted decryption keys', async () => {
    const t = await setup(c);
    const credential = utf8('the credential');
    // Made for another AK's Name, presented with the AK: TPM_RC_INTEGRITY on credentialBlob (parameter 1).
    const ak2 = await primary(t.client, TPM_RH.OWNER, akTemplate({ alg: c.ak, unique: 'zero' }));
    const other = await t.client.run('MakeCredential', { handle: t.ek, credential, objectName: ak2.name });
    expect(await rcOf(t.activate(other.credentialBlob, other.secret))).toBe(TPM_RC.INTEGRITY | P(1));
    expect(await t.activate(other.credentialBlob, other.secret, { activateHandle: ak2.objectHandle })).toEqual(credential);
    // activateHandle is authorized in the ADMIN role: the EK (adminWithPolicy) needs a policy session, not a password.
    expect(await rcOf(t.activate(other.credentialBlob, other.secret, { activateHandle: t.ek }))).toBe(TPM_RC.AUTH_TYPE);

    const made = await t.client.run('MakeCredential', { handle: t.ek, credential, objectName: t.akName });
    expect(await rcOf(t.activate(flip(made.credentialBlob, -1), made.secret))).toBe(TPM_RC.INTEGRITY | P(1));
    expect(await rcOf(t.activate(flip(made.credentialBlob, 4), made.secret))).toBe(TPM_RC.INTEGRITY | P(1));
    expect(await rcOf(t.activate(made.credentialBlob.subarray(0, 1), made.secret))).toBe(TPM_RC.INSUFFICIENT | P(1));
    // Another secret for the same EK: another seed, so the blob's HMAC fails.
    const again = await t.client.run('MakeCredential', { handle: t.ek, credential, objectName: t.akName });
    expect(await rcOf(t.activate(made.credentialBlob, again.secret))).toBe(TPM_RC.INTEGRITY | P(1));

    // The secret (parameter 2).
    if (t.ekPublic.type === TPM_ALG.ECC) {
      const point = codec.decode<TPMS_ECC_POINT>('TPMS_ECC_POINT', made.secret);
      expect(await rcOf(t.activate(made.credentialBlob, codec.encode('TPMS_ECC_POINT', { x: point.x, y: flip(point.y, -1) })))).toBe(TPM_RC.ECC_POINT | P(2));
      expect(await rcOf(t.activate(made.credentialBlob, made.secret.subarray(0, 8)))).toBe(TPM_RC.INSUFFICIENT | P(2));
    } else {
      expect(await rcOf(t.activate(made.credentialBlob, made.secret.subarray(1)))).toBe(TPM_RC.SIZE | P(2));
      expect(await rcOf(t.activate(made.credentialBlob, flip(made.secret, -1)))).toBe(TPM_RC.VALUE | P(2));
    }

    // keyHandle (handle 2) must be an asymmetric restricted decryption key: the AK signs.
    expect(await rcOf(t.activate(made.credentialBlob, made.secret, { keyHandle: t.ak }))).toBe(TPM_RC.TYPE | H(2));
  });

  it('MakeCredential refuses keys that are not restricted decryption keys and credentials longer than a nameAlg digest', async () => {
    const t = await setup(c);
    expect(await rcOf(t.client.run('MakeCredential', { handle: t.ak, credential: utf8('x'), objectName: t.akName }))).toBe(TPM_RC.TYPE | H(1));
    expect(await rcOf(t.client.run('MakeCredential', { handle: t.ek, credential: new Uint8Array(33), objectName: t.akName }))).toBe(TPM_RC.SIZE | P(1));
    expect(() => makeCredential(t.ekPublic, new Uint8Array(33), t.akName, createDrbg(utf8('x')))).toThrow(/longer than the digest/);
  });
});

describe('TPM2_ActivateCredential with a public-only key', () => {
  it('an EK loaded as a public area cannot activate: TPM_RC_AUTH_UNAVAILABLE', async () => {
    const t = await setup(CASES[0]);
    const ekPub = await t.client.run('LoadExternal', { inPrivate: {}, inPublic: { publicArea: t.ekPublic }, hierarchy: TPM_RH.OWNER });
    const made = await t.client.run('MakeCredential', { handle: ekPub.objectHandle, credential: utf8('c'), objectName: t.akName });
    expect(await rcOf(t.activate(made.credentialBlob, made.secret, { keyHandle: ekPub.objectHandle }))).toBe(TPM_RC.AUTH_UNAVAILABLE);
    expect(await t.activate(made.credentialBlob, made.secret)).toEqual(utf8('c'));
  });
});
