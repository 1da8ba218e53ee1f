/**
 * Attestation key enrolment by credential activation (TPM 2.0 Part 1 "Credential Protection";
 * Part 3 "TPM2_MakeCredential", "TPM2_ActivateCredential"), as Keylime's registrar and agent
 * do it: the verifier wraps a secret for the EK, bound to the AK's Name; only the TPM holding
 * both keys can recover it, so the AK is proven to live in that TPM.
 *
 *   verifier: createEnrolmentChallenge({ ekPublic, akPublic })  → challenge (keep expectedSecret)
 *   TPM side: activateEnrolment(client, { ekHandle, akHandle, challenge }) → secret
 *   verifier: verifyEnrolment(challenge, secret)
 *
 * The EK is authorized by its EK Credential Profile policy: PolicySecret(TPM_RH_ENDORSEMENT)
 * (PolicyA), followed by PolicyOR(PolicyA, PolicyC) for the high-range EKs whose authPolicy is
 * PolicyB. Also the tpm2-tools credential file (tpm2_makecredential -o): u32 0xBADCC0DE, u32 1,
 * TPM2B_ID_OBJECT, TPM2B_ENCRYPTED_SECRET, all big-endian.
 */
import type { Authorization, Client } from '../client/client.js';
import type { AuthSessionHandle } from '../client/session.js';
import { ekPolicyA, ekPolicyB, ekPolicyC } from '../client/templates.js';
import { bytesEqual } from '../crypto/bytes.js';
import { systemRng, type Rng } from '../crypto/drbg.js';
import { TPM_RH } from '../gen/constants.js';
import { makeCredential } from '../protocol/credential.js';
import { ProtocolError } from '../protocol/errors.js';
import { digestSizeOf } from '../protocol/keys.js';
import { AK_ATTRIBUTES, akPublicProblems, AttestationError, publicOf, type PublicInput } from './quote.js';

/** The wrapped credential: what the TPM side needs (also what a tpm2-tools credential file holds). */
export interface CredentialPair {
  /** TPM2B_ID_OBJECT contents (ActivateCredential's credentialBlob). */
  credentialBlob: Uint8Array;
  /** TPM2B_ENCRYPTED_SECRET contents (ActivateCredential's secret). */
  encryptedSecret: Uint8Array;
}

/** A challenge: send credentialBlob and encryptedSecret, keep expectedSecret. */
export interface EnrolmentChallenge extends CredentialPair {
  /** The secret the TPM must recover. */
  expectedSecret: Uint8Array;
  /** The AK Name the credential is bound to. */
  akName: Uint8Array;
}

export interface EnrolmentChallengeOptions {
  /** The EK public area (an RSA or ECC restricted decryption key). */
  ekPublic: PublicInput;
  /** The AK public area the agent reported. */
  akPublic: PublicInput;
  /** The secret (default: random, the EK name algorithm's digest size, at most 32 octets). */
  secret?: Uint8Array;
  /** Randomness for the secret and the credential seed (default: the platform CSPRNG). */
  rng?: Rng;
  /** Attributes the AK must have (default AK_ATTRIBUTES, Keylime's AK_EXPECTED_ATTRS). */
  akAttributes?: number;
}

/**
 * Verifier side: checks that akPublic is an attestation key (Keylime's AK_EXPECTED_ATTRS:
 * fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|restricted|sign, RSA ≥ 2048 or a
 * P-256/384/521/SM2 curve; else AttestationError 'attributes') and makes the credential for
 * the EK, bound to the AK's Name.
 */
export function createEnrolmentChallenge(options: EnrolmentChallengeOptions): EnrolmentChallenge {
  const ek = publicOf(options.ekPublic);
  const ak = publicOf(options.akPublic);
  const problems = akPublicProblems(ak.pub, options.akAttributes ?? AK_ATTRIBUTES);
  if (problems.length) throw new AttestationError('attributes', `refusing to enrol the AK: ${problems.join('; ')}`);
  const rng = options.rng ?? systemRng();
  const size = digestSizeOf(ek.pub.nameAlg);
  const secret = options.secret ?? rng.bytes(Math.min(32, size));
  if (!(secret instanceof Uint8Array)) throw new TypeError('secret must be a Uint8Array');
  if (secret.length > size) throw new TypeError(`the secret is ${secret.length} octets; the EK allows at most ${size} (its name algorithm's digest size)`);
  try {
    const made = makeCredential(ek.pub, secret, ak.name, rng);
    return { credentialBlob: made.credentialBlob, encryptedSecret: made.secret, expectedSecret: secret.slice(), akName: ak.name };
  } catch (e) {
    if (e instanceof ProtocolError) throw new AttestationError('attributes', `cannot make a credential for the EK: ${e.message}`);
    throw e;
  }
}

/** Verifier side: did the TPM recover the challenge's secret? (Constant-time comparison.) */
export function verifyEnrolment(challenge: Pick<EnrolmentChallenge, 'expectedSecret'>, secret: Uint8Array): boolean {
  return secret instanceof Uint8Array && bytesEqual(challenge.expectedSecret, secret);
}

const policyOf = (f: (alg: number) => Uint8Array, alg: number): Uint8Array | undefined => {
  try {
    return f(alg);
  } catch {
    return undefined;
  }
};

/** Which EK Credential Profile policy an EK carries: 'A', 'B', or null for another/no policy. */
export function ekPolicyKind(ekPublic: PublicInput): 'A' | 'B' | null {
  const { pub } = publicOf(ekPublic);
  const a = policyOf(ekPolicyA, pub.nameAlg);
  const b = policyOf(ekPolicyB, pub.nameAlg);
  if (a && bytesEqual(pub.authPolicy, a)) return 'A';
  if (b && bytesEqual(pub.authPolicy, b)) return 'B';
  return null;
}

export interface EkSessionOptions {
  /** The endorsement hierarchy's authorization for PolicySecret (default empty password). */
  endorsementAuth?: Uint8Array | string;
}

/**
 * Starts a policy session that satisfies the EK's authPolicy for one command (a policy session
 * is reset after each use): PolicySecret(TPM_RH_ENDORSEMENT), then for PolicyB
 * PolicyOR(PolicyA, PolicyC). Use it for TPM2_Create/Load under the EK and for
 * ActivateCredential; flush it afterwards. Error for an EK without PolicyA or PolicyB.
 */
export async function startEkPolicySession(client: Client, ekPublic: PublicInput, options: EkSessionOptions = {}): Promise<AuthSessionHandle> {
  const { pub } = publicOf(ekPublic);
  const kind = ekPolicyKind(pub);
  if (!kind) throw new Error('the EK authPolicy is neither the EK Credential Profile PolicyA nor PolicyB of its name algorithm: authorize it yourself (ekAuth)');
  const session = await client.startAuthSession({ type: 'policy', hash: pub.nameAlg });
  const empty = new Uint8Array(0);
  try {
    await client.run(
      'PolicySecret',
      { authHandle: TPM_RH.ENDORSEMENT, policySession: session.handle, nonceTPM: empty, cpHashA: empty, policyRef: empty, expiration: 0 },
      { auth: { authHandle: options.endorsementAuth ?? empty } },
    );
    if (kind === 'B') await client.run('PolicyOR', { policySession: session.handle, pHashList: { digests: [ekPolicyA(pub.nameAlg), ekPolicyC(pub.nameAlg)] } });
  } catch (e) {
    await client.flush(session).catch(() => undefined);
    throw e;
  }
  return session;
}

export interface ActivateEnrolmentOptions extends EkSessionOptions {
  /** The loaded EK. */
  ekHandle: number;
  /** The loaded AK the challenge names. */
  akHandle: number;
  /** The verifier's challenge (credentialBlob and encryptedSecret). */
  challenge: CredentialPair;
  /** How to authorize the EK (USER role): default a policy session for PolicyA/PolicyB, a password for an EK without policy. */
  ekAuth?: Authorization;
  /** How to authorize the AK (ADMIN role): default the empty password. */
  akAuth?: Authorization;
  /** The EK public area (default: read with TPM2_ReadPublic). */
  ekPublic?: PublicInput;
}

/**
 * TPM side: runs TPM2_ActivateCredential with the AK (activateHandle) and the EK (keyHandle)
 * and returns the recovered secret. A challenge made for another AK Name fails in the TPM
 * (TpmError TPM_RC_INTEGRITY on credentialBlob).
 */
export async function activateEnrolment(client: Client, options: ActivateEnrolmentOptions): Promise<Uint8Array> {
  const { ekHandle, akHandle, challenge } = options;
  if (!challenge || !(challenge.credentialBlob instanceof Uint8Array) || !(challenge.encryptedSecret instanceof Uint8Array)) {
    throw new TypeError('activateEnrolment: challenge needs credentialBlob and encryptedSecret');
  }
  let ekAuth = options.ekAuth;
  let session: AuthSessionHandle | undefined;
  if (ekAuth === undefined) {
    const ekPublic = options.ekPublic ?? (await client.run('ReadPublic', { objectHandle: ekHandle })).outPublic.publicArea;
    if (ekPolicyKind(ekPublic)) {
      session = await startEkPolicySession(client, ekPublic, options);
      ekAuth = { session };
    } else {
      ekAuth = new Uint8Array(0);
    }
  }
  try {
    const out = await client.run(
      'ActivateCredential',
      { activateHandle: akHandle, keyHandle: ekHandle, credentialBlob: challenge.credentialBlob, secret: challenge.encryptedSecret },
      { auth: { activateHandle: options.akAuth ?? new Uint8Array(0), keyHandle: ekAuth } },
    );
    return out.certInfo;
  } finally {
    if (session) await client.flush(session).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// tpm2-tools credential files

/** The tpm2-tools file header magic (lib/files.c). */
export const TPM2_TOOLS_MAGIC = 0xbadcc0de;

/** Writes a tpm2-tools credential file (tpm2_makecredential -o / tpm2_activatecredential -i). */
export function encodeCredentialFile(credential: CredentialPair): Uint8Array {
  const { credentialBlob: blob, encryptedSecret: secret } = credential;
  if (!(blob instanceof Uint8Array) || !(secret instanceof Uint8Array)) throw new TypeError('encodeCredentialFile: needs credentialBlob and encryptedSecret');
  if (blob.length > 0xffff || secret.length > 0xffff) throw new TypeError('encodeCredentialFile: a part longer than 65535 octets');
  const out = new Uint8Array(8 + 2 + blob.length + 2 + secret.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, TPM2_TOOLS_MAGIC);
  view.setUint32(4, 1);
  view.setUint16(8, blob.length);
  out.set(blob, 10);
  view.setUint16(10 + blob.length, secret.length);
  out.set(secret, 12 + blob.length);
  return out;
}

/** Reads a tpm2-tools credential file; AttestationError 'format' names what is wrong. */
export function parseCredentialFile(bytes: Uint8Array): CredentialPair {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('parseCredentialFile: expected a Uint8Array');
  const bad = (msg: string) => new AttestationError('format', `tpm2-tools credential file: ${msg}`);
  if (bytes.length < 12) throw bad(`${bytes.length} octets, too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== TPM2_TOOLS_MAGIC) throw bad(`magic 0x${magic.toString(16).padStart(8, '0')} is not 0xbadcc0de`);
  const version = view.getUint32(4);
  if (version !== 1) throw bad(`version ${version} (only 1 is known)`);
  const blobSize = view.getUint16(8);
  if (10 + blobSize + 2 > bytes.length) throw bad(`TPM2B_ID_OBJECT of ${blobSize} octets runs past the end`);
  const secretSize = view.getUint16(10 + blobSize);
  const end = 12 + blobSize + secretSize;
  if (end > bytes.length) throw bad(`TPM2B_ENCRYPTED_SECRET of ${secretSize} octets runs past the end`);
  if (end !== bytes.length) throw bad(`${bytes.length - end} octet(s) after the secret`);
  return { credentialBlob: bytes.slice(10, 10 + blobSize), encryptedSecret: bytes.slice(12 + blobSize, end) };
}
