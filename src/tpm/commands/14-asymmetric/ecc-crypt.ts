/**
 * ECC public-key encryption of TPM2_ECC_Encrypt and TPM2_ECC_Decrypt (Part 1 Annex D, ECC encryption;
 * Part 3 "TPM2_ECC_Encrypt"; GB/T 32918.4 "Public key encryption algorithm" for SM2 keys):
 *   C1 = [k]G, (x2, y2) = [k]PB,
 *   t  = KDF2(x2 ‖ y2, |M|) (counter from 1: the SM2 KDF when the hash is SM3),
 *   C2 = M ⊕ t, C3 = H(x2 ‖ M ‖ y2),
 * coordinates at the curve size. KDF2 is the one KDF the construction is defined with (the
 * reference's CryptEccEncrypt); any other is a bare TPM_RC_SCHEME.
 */
import { bytesEqual, concatBytes, xorBytes } from '../../../crypto/bytes.js';
import type { Curve, EcPoint } from '../../../crypto/ecc.js';
import type { HashAlgorithm } from '../../../crypto/hash.js';
import { kdf2 } from '../../../crypto/kdf.js';
import { TPM_ALG, TPM_RC } from '../../../gen/constants.js';
import type { TPMS_ECC_PARMS, TPMS_SCHEME_HASH, TPMT_KDF_SCHEME } from '../../../gen/types.js';
import type { CommandContext } from '../../context.js';
import { tpmError } from '../../errors.js';
import type { ObjectRecord } from '../../state/types.js';
import { multiply, pointBytes } from './ecc-points.js';

const EMPTY = new Uint8Array(0);

const hashOf = (s: TPMT_KDF_SCHEME) => (s.details as TPMS_SCHEME_HASH | null)?.hashAlg;

/**
 * The KDF scheme to use (the reference's CryptEccSelectScheme): inScheme, or the key's kdf when
 * inScheme is TPM_ALG_NULL; when the key names one, both must agree (scheme and hash). Undefined
 * when none is selected or they differ (TPM_RC_SCHEME on inScheme).
 */
export function selectKdfScheme(key: ObjectRecord, inScheme: TPMT_KDF_SCHEME): TPMT_KDF_SCHEME | undefined {
  const keyScheme = (key.public.parameters as TPMS_ECC_PARMS).kdf;
  const scheme = inScheme.scheme === TPM_ALG.NULL ? keyScheme : inScheme;
  if (scheme.scheme === TPM_ALG.NULL) return undefined;
  if (keyScheme.scheme !== TPM_ALG.NULL && (keyScheme.scheme !== scheme.scheme || hashOf(keyScheme) !== hashOf(scheme))) return undefined;
  return scheme;
}

/** The hash of a KDF2 scheme: bare TPM_RC_SCHEME for another KDF, TPM_RC_HASH for a hash not implemented. */
export function kdf2Hash(ctx: CommandContext, scheme: TPMT_KDF_SCHEME): HashAlgorithm {
  if (scheme.scheme !== TPM_ALG.KDF2) throw tpmError(TPM_RC.SCHEME, 'ECC encryption is defined with KDF2 only');
  const hash = ctx.crypto.hash(hashOf(scheme) ?? TPM_ALG.NULL);
  if (!hash) throw tpmError(TPM_RC.HASH, 'the KDF hash is not implemented');
  return hash;
}

/** The mask t and the coordinates (x2, y2) of the shared point P2 at the curve size. */
function maskOf(curve: Curve, hash: HashAlgorithm, P2: EcPoint, length: number) {
  const { x, y } = pointBytes(curve, P2);
  return { x2: x, y2: y, t: kdf2(hash, concatBytes(x, y), EMPTY, length) };
}

/**
 * GB/T 32918.4 A5: an all-zero mask of a non-empty message is not used (another k is drawn).
 * Its B4, refusing such a ciphertext, is not applied: the TCG construction has no such check,
 * and for short messages the case is not rare (1/256 for one octet).
 */
const allZero = (t: Uint8Array) => t.length > 0 && t.every((b) => b === 0);

/**
 * Encryption to the public point PB with the ephemeral scalar k; undefined when k gives an
 * unusable point (infinity, or an all-zero mask), so that the caller draws another k.
 */
export function eccEncryptWith(curve: Curve, hash: HashAlgorithm, PB: EcPoint, k: bigint, M: Uint8Array) {
  const C1 = multiply(curve, curve.Point.BASE, k);
  const P2 = multiply(curve, PB, k);
  if (!C1 || !P2) return undefined;
  const { x2, y2, t } = maskOf(curve, hash, P2, M.length);
  if (allZero(t)) return undefined;
  return { C1: pointBytes(curve, C1), C2: xorBytes(M, t), C3: hash.digest(x2, M, y2) };
}

/**
 * Decryption with the private scalar d: M = C2 ⊕ t, accepted only when H(x2 ‖ M ‖ y2) = C3;
 * undefined otherwise (TPM_RC_VALUE). C1 must already be a point of the curve.
 */
export function eccDecryptWith(curve: Curve, hash: HashAlgorithm, d: bigint, C1: EcPoint, C2: Uint8Array, C3: Uint8Array): Uint8Array | undefined {
  const P2 = multiply(curve, C1, d);
  if (!P2) return undefined;
  const { x2, y2, t } = maskOf(curve, hash, P2, C2.length);
  const M = xorBytes(C2, t);
  return bytesEqual(hash.digest(x2, M, y2), C3) ? M : undefined;
}
