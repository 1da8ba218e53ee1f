/**
 * Credential protection (TPM 2.0 Part 1 "Credential Protection"; Part 3 "TPM2_MakeCredential",
 * "TPM2_ActivateCredential"), for the TPM and for a verifier (Keylime-style enrolment):
 *
 *   seed, secret   = secret sharing with the EK, label "IDENTITY" (secret.ts)
 *   symKey         = KDFa(ekNameAlg, seed, "STORAGE", objectName, "", EK symmetric keyBits)
 *   encIdentity    = CFB(EK symmetric algorithm, symKey, IV 0, TPM2B(credential))
 *   hmacKey        = KDFa(ekNameAlg, seed, "INTEGRITY", "", "", digest bits)
 *   integrityHMAC  = HMAC_ekNameAlg(hmacKey, encIdentity ‖ objectName)
 *   credentialBlob = TPM2B_ID_OBJECT contents: TPM2B(integrityHMAC) ‖ encIdentity
 *
 * encIdentity is the encrypted TPM2B, not itself size-prefixed, so the blob is built here rather
 * than with the codec's TPMS_ID_OBJECT.
 */
import type { Rng } from '../crypto/drbg.js';
import { TPM_ALG, TPM_RC, TPMA_OBJECT } from '../gen/constants.js';
import type { TPMS_ECC_PARMS, TPMS_RSA_PARMS, TPMT_PUBLIC, TPMT_SENSITIVE } from '../gen/types.js';
import { Reader } from '../wire/reader.js';
import { guard, ProtocolError } from './errors.js';
import { digestSizeOf } from './keys.js';
import { tpm2b, unwrapOuter, wrapOuter, type OuterWrap } from './protection.js';
import { decryptSecret, encryptSecret } from './secret.js';

export interface Credential {
  /** TPM2B_ID_OBJECT contents. */
  credentialBlob: Uint8Array;
  /** TPM2B_ENCRYPTED_SECRET contents. */
  secret: Uint8Array;
}

/** Wraps `credential` for the protector described by w (w.name = Name of the object to activate). */
export function secretToCredential(w: OuterWrap, credential: Uint8Array): Uint8Array {
  return wrapOuter(w, tpm2b(credential));
}

/** Unwraps a credential blob; the TPM2B inside must fill it exactly (else TPM_RC_SIZE). */
export function credentialToSecret(w: OuterWrap, credentialBlob: Uint8Array): Uint8Array {
  const plain = unwrapOuter(w, credentialBlob);
  return guard(() => {
    const r = new Reader(plain);
    const n = r.u16();
    if (n > 64) throw new ProtocolError(TPM_RC.SIZE, 'credential larger than a TPM2B_DIGEST');
    const out = r.take(n);
    if (r.remaining !== 0) throw new ProtocolError(TPM_RC.SIZE, 'credential does not fill the blob');
    return out;
  });
}

/** TPM_RC_TYPE (field 'handle'/'keyHandle') unless an RSA/ECC restricted decryption key. */
function checkProtector(ek: TPMT_PUBLIC, field: string): void {
  const a = ek.objectAttributes;
  if (
    (ek.type !== TPM_ALG.RSA && ek.type !== TPM_ALG.ECC) ||
    (a & TPMA_OBJECT.decrypt) === 0 ||
    (a & TPMA_OBJECT.restricted) === 0
  ) {
    throw new ProtocolError(TPM_RC.TYPE, 'not an asymmetric restricted decryption key', field);
  }
}

function outerOf(ek: TPMT_PUBLIC, seed: Uint8Array, objectName: Uint8Array): OuterWrap {
  const { symmetric } = ek.parameters as TPMS_RSA_PARMS | TPMS_ECC_PARMS;
  return { nameAlg: ek.nameAlg, symmetric, seed, name: objectName };
}

/**
 * TPM2_MakeCredential: protects `credential` (at most the EK nameAlg's digest size, else
 * TPM_RC_SIZE with field 'credential') for the TPM holding `ek`, bound to `objectName`.
 */
export function makeCredential(ek: TPMT_PUBLIC, credential: Uint8Array, objectName: Uint8Array, rng: Rng): Credential {
  checkProtector(ek, 'handle');
  if (credential.length > digestSizeOf(ek.nameAlg)) {
    throw new ProtocolError(TPM_RC.SIZE, 'credential longer than the digest of the key nameAlg', 'credential');
  }
  const { seed, encryptedSecret } = encryptSecret(ek, 'IDENTITY', rng);
  return { credentialBlob: secretToCredential(outerOf(ek, seed, objectName), credential), secret: encryptedSecret };
}

/**
 * TPM2_ActivateCredential: the credential in `credentialBlob` if `objectName` is the Name it
 * was made for. Errors as the reference reports them: from the secret (field 'secret'; an
 * invalid key TPM_RC_KEY becomes TPM_RC_FAILURE), then from the blob (field 'credentialBlob':
 * TPM_RC_INTEGRITY for another Name or a damaged blob, TPM_RC_SIZE/TPM_RC_INSUFFICIENT).
 */
export function activateCredential(
  ek: TPMT_PUBLIC,
  ekSensitive: TPMT_SENSITIVE,
  credentialBlob: Uint8Array,
  secret: Uint8Array,
  objectName: Uint8Array,
): Uint8Array {
  checkProtector(ek, 'keyHandle');
  let seed: Uint8Array;
  try {
    seed = guard(() => decryptSecret(ek, ekSensitive, 'IDENTITY', secret), 'secret');
  } catch (e) {
    if (e instanceof ProtocolError && e.rc === TPM_RC.KEY) throw new ProtocolError(TPM_RC.FAILURE, e.message);
    throw e;
  }
  return guard(() => credentialToSecret(outerOf(ek, seed, objectName), credentialBlob), 'credentialBlob');
}
