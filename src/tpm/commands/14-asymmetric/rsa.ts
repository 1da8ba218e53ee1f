/**
 * What TPM2_RSA_Encrypt and TPM2_RSA_Decrypt share (Part 3 "TPM2_RSA_Encrypt"; Part 1
 * "RSAES_OAEP"): the label rule and the padding-scheme choice (the reference's
 * CryptRsaSelectScheme).
 */
import { TPM_ALG } from '../../../gen/constants.js';
import type { TPMS_RSA_PARMS, TPMS_SCHEME_HASH, TPMT_RSA_DECRYPT } from '../../../gen/types.js';
import type { ObjectRecord } from '../../state/types.js';

/** A label is absent or a string with its terminating zero octet, which the OAEP label hash includes. */
export const labelOk = (label: Uint8Array): boolean => label.length === 0 || label[label.length - 1] === 0;

const hashOf = (s: TPMT_RSA_DECRYPT) => (s.details as TPMS_SCHEME_HASH | null)?.hashAlg;

/**
 * The padding scheme: the key's unless it is NULL, then the caller's (which may be NULL: raw
 * RSA); both set, they must be the same scheme and hash, else undefined (TPM_RC_SCHEME).
 */
export function selectRsaScheme(key: ObjectRecord, inScheme: TPMT_RSA_DECRYPT): TPMT_RSA_DECRYPT | undefined {
  const keyScheme = (key.public.parameters as TPMS_RSA_PARMS).scheme as TPMT_RSA_DECRYPT;
  if (keyScheme.scheme === TPM_ALG.NULL) return inScheme;
  if (inScheme.scheme === TPM_ALG.NULL) return keyScheme;
  return keyScheme.scheme === inScheme.scheme && hashOf(keyScheme) === hashOf(inScheme) ? inScheme : undefined;
}

/** The self-test a padding scheme needs (raw RSA: the RSA primitive). */
export const rsaTestAlg = (scheme: TPMT_RSA_DECRYPT): number => (scheme.scheme === TPM_ALG.NULL ? TPM_ALG.RSA : scheme.scheme);
