/**
 * Host side of TPM2_CertifyX509 (Part 3 "TPM2_CertifyX509"): the TPM returns what it added to the
 * caller's partial TBSCertificate (version, serialNumber, the signature algorithm unless the
 * caller gave it, subjectPublicKeyInfo) and a signature; these put the certificate together.
 */
import { concatBytes } from '../crypto/bytes.js';
import { TPM_ALG } from '../gen/constants.js';
import type { TPMS_SIGNATURE_ECC, TPMS_SIGNATURE_RSA, TPMT_SIGNATURE } from '../gen/types.js';
import { DER_TAG, derBitString, derDecode, derSequence, derTlv, derUnsignedInteger } from './der.js';

/** The TBSCertificate from the partial certificate and addedToCertificate, in RFC 5280 order. */
export function assembleTbsCertificate(partialCertificate: Uint8Array, addedToCertificate: Uint8Array): Uint8Array {
  const partial = derDecode(partialCertificate).children;
  const added = derDecode(addedToCertificate).children;
  const sequences = partial.filter((n) => n.tag === DER_TAG.SEQUENCE).map((n) => n.raw);
  const extensions = partial.find((n) => n.tag === 0xa3);
  if (!extensions || sequences.length < 3 || added.length < 3) throw new Error('certify-x509: not a partial certificate and its addedToCertificate');
  const algorithm = sequences.length === 4 ? sequences[0] : added[2].raw;
  return derTlv(DER_TAG.SEQUENCE, concatBytes(added[0].raw, added[1].raw, algorithm, ...sequences.slice(-3), added[added.length - 1].raw, extensions.raw));
}

/** The X.509 signatureValue octets of a TPM signature: PKCS #1 octets, or DER Ecdsa-Sig-Value for ECC schemes. */
export function x509SignatureValue(signature: TPMT_SIGNATURE): Uint8Array {
  if (signature.sigAlg === TPM_ALG.RSASSA || signature.sigAlg === TPM_ALG.RSAPSS) return (signature.signature as TPMS_SIGNATURE_RSA).sig;
  const s = signature.signature as TPMS_SIGNATURE_ECC;
  return derSequence(derUnsignedInteger(s.signatureR), derUnsignedInteger(s.signatureS));
}

/** The whole certificate: SEQUENCE { TBSCertificate, signatureAlgorithm, signatureValue }. */
export function assembleCertificate(partialCertificate: Uint8Array, addedToCertificate: Uint8Array, signature: TPMT_SIGNATURE): Uint8Array {
  const tbs = assembleTbsCertificate(partialCertificate, addedToCertificate);
  const algorithm = derDecode(tbs).children[2].raw;
  return derSequence(tbs, algorithm, derBitString(x509SignatureValue(signature)));
}
