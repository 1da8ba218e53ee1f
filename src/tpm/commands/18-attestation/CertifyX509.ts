import { DER_TAG, derDecode, derExplicit, derInteger, derNull, derOid, derSequence, derTlv, derUnsignedInteger, type DerNode } from '../../../attest/der.js';
import { encodeSpki, publicKeyFromTpmt } from '../../../attest/x509.js';
import { rsaPssSaltLength } from '../../../crypto/rsa.js';
import { TPM_ALG, TPM_RC, TPM_RH, TPMA_OBJECT } from '../../../gen/constants.js';
import type { TPMT_SIG_SCHEME } from '../../../gen/types.js';
import type { CommandContext } from '../../context.js';
import { tpmError } from '../../errors.js';
import { requireObject } from '../../object.js';
import type { ObjectRecord } from '../../state/types.js';
import { signWith } from '../20-signing/signing.js';
import type { Handler } from '../handler.js';
import { attestSigner, signerHash } from './attest.js';

/** The TCG TPMA_OBJECT extension (Part 2 "TPMA_X509_KEY_USAGE", Part 3 "TPM2_CertifyX509") and keyUsage (RFC 5280). */
const OID_TPMA_OBJECT = '2.23.133.10.1.1.1';
const OID_KEY_USAGE = '2.5.29.15';
/** keyUsage bits as a left-justified UINT32 (bit 0 of the BIT STRING is bit 31; Part 2 "TPMA_X509_KEY_USAGE"). */
const KU_ALLOWED = 0xff800000;
const KU_SIGN = (1 << 31) | (1 << 26) | (1 << 25); // digitalSignature, keyCertSign, cRLSign
const KU_DECRYPT = (1 << 29) | (1 << 28) | (1 << 27) | (1 << 24) | (1 << 23); // keyEncipherment … decipherOnly
const KU_NON_REPUDIATION = 1 << 30;
const KU_KEY_ENCIPHERMENT = 1 << 29;
/** The serial number is at most this long (the reference's SIZE_OF_X509_SERIAL_NUMBER). */
const SERIAL_OCTETS = 20;

const HASH_OIDS: Readonly<Record<number, { hash: string; rsa: string; ecdsa: string }>> = {
  [TPM_ALG.SHA1]: { hash: '1.3.14.3.2.26', rsa: '1.2.840.113549.1.1.5', ecdsa: '1.2.840.10045.4.1' },
  [TPM_ALG.SHA256]: { hash: '2.16.840.1.101.3.4.2.1', rsa: '1.2.840.113549.1.1.11', ecdsa: '1.2.840.10045.4.3.2' },
  [TPM_ALG.SHA384]: { hash: '2.16.840.1.101.3.4.2.2', rsa: '1.2.840.113549.1.1.12', ecdsa: '1.2.840.10045.4.3.3' },
  [TPM_ALG.SHA512]: { hash: '2.16.840.1.101.3.4.2.3', rsa: '1.2.840.113549.1.1.13', ecdsa: '1.2.840.10045.4.3.4' },
};
const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
const OID_MGF1 = '1.2.840.113549.1.1.8';

const algorithmWithNull = (oid: string) => derSequence(derOid(oid), derNull());

/**
 * The AlgorithmIdentifier of the signing scheme (RFC 4055 / RFC 5758): RSASSA and ECDSA with a
 * SHA hash, RSAPSS with explicit parameters (SHA-1 with NULL ones). None for other schemes (SM2's
 * certificate signature is over SM3(Z_A ‖ TBS), which a TPM digest signature is not).
 */
function signatureAlgorithm(ctx: CommandContext, key: ObjectRecord, scheme: TPMT_SIG_SCHEME): Uint8Array | undefined {
  const hashAlg = signerHash({ handle: 0, key, scheme });
  const oids = HASH_OIDS[hashAlg];
  if (!oids) return undefined;
  switch (scheme.scheme) {
    case TPM_ALG.RSASSA:
      return algorithmWithNull(oids.rsa);
    case TPM_ALG.ECDSA:
      return derSequence(derOid(oids.ecdsa));
    case TPM_ALG.RSAPSS: {
      if (hashAlg === TPM_ALG.SHA1) return algorithmWithNull(OID_RSASSA_PSS);
      const modBits = (key.public.unique as Uint8Array).length * 8;
      const salt = rsaPssSaltLength(ctx.crypto.hash(hashAlg)!, modBits);
      const params = derSequence(
        derExplicit(0, algorithmWithNull(oids.hash)),
        derExplicit(1, derSequence(derOid(OID_MGF1), algorithmWithNull(oids.hash))),
        derExplicit(2, derInteger(salt)),
      );
      return derSequence(derOid(OID_RSASSA_PSS), params);
    }
  }
  return undefined;
}

/** A BIT STRING as the reference reads it into a UINT32: left-justified, bit 0 → bit 31. */
function bitsValue(node: DerNode): number | undefined {
  if (node.tag !== DER_TAG.BIT_STRING || node.value.length > 5) return undefined;
  const unused = node.value[0];
  let v = 0;
  for (let i = 1; i < node.value.length; i++) v = v * 256 + node.value[i];
  const bits = (node.value.length - 1) * 8 - unused;
  v = Math.floor(v / 2 ** unused);
  return bits > 0 ? (v * 2 ** (32 - bits)) >>> 0 : 0;
}

/** The value of an extension (the BIT STRING inside its extnValue OCTET STRING), or undefined/null for absent/malformed. */
function extensionBits(extensions: readonly DerNode[], oid: string): number | undefined | null {
  const want = derOid(oid);
  for (const ext of extensions) {
    if (ext.tag !== DER_TAG.SEQUENCE || ext.children.length === 0) return null;
    const first = ext.children[0].raw;
    if (first.length !== want.length || !first.every((b, i) => b === want[i])) continue;
    const octets = ext.children.find((c) => c.tag === DER_TAG.OCTET_STRING);
    if (!octets) return null;
    try {
      return bitsValue(derDecode(octets.value)) ?? null;
    } catch {
      return null;
    }
  }
  return undefined;
}

/**
 * The extensions' checks (the reference's X509ProcessExtensions): a TCG TPMA_OBJECT extension,
 * when present, must equal the object's attributes (TPM_RC_ATTRIBUTES at objectHandle); keyUsage
 * must be present, use only defined bits (TPM_RC_RESERVED_BITS) and agree with the object:
 * signing usages need sign, decryption usages decrypt, nonRepudiation fixedTPM, keyEncipherment
 * restricted (TPM_RC_VALUE at partialCertificate).
 */
function checkExtensions(extensions: DerNode, attributes: number): void {
  const list = extensions.children[0];
  if (extensions.children.length !== 1 || list.tag !== DER_TAG.SEQUENCE) throw tpmError(TPM_RC.VALUE, 'extensions must be [3] { SEQUENCE OF Extension }').at('partialCertificate');
  const tpma = extensionBits(list.children, OID_TPMA_OBJECT);
  if (tpma === null) throw tpmError(TPM_RC.VALUE, 'malformed extension').at('partialCertificate');
  if (tpma !== undefined && tpma !== attributes >>> 0) throw tpmError(TPM_RC.ATTRIBUTES, 'the TPMA_OBJECT extension differs from the object').at('objectHandle');
  const usage = extensionBits(list.children, OID_KEY_USAGE);
  if (usage === undefined || usage === null) throw tpmError(TPM_RC.VALUE, 'keyUsage extension missing or malformed').at('partialCertificate');
  if (usage & ~KU_ALLOWED) throw tpmError(TPM_RC.RESERVED_BITS, 'undefined keyUsage bits').at('partialCertificate');
  const has = (bit: number) => (attributes & bit) !== 0;
  const bad =
    (usage & KU_SIGN && !has(TPMA_OBJECT.sign_encrypt)) ||
    (usage & KU_DECRYPT && !has(TPMA_OBJECT.decrypt)) ||
    (usage & KU_NON_REPUDIATION && !has(TPMA_OBJECT.fixedTPM)) ||
    (usage & KU_KEY_ENCIPHERMENT && !has(TPMA_OBJECT.restricted));
  if (bad) throw tpmError(TPM_RC.VALUE, 'keyUsage disagrees with the object attributes').at('partialCertificate');
}

/**
 * TPM2_CertifyX509 (Part 3 "TPM2_CertifyX509"): completes a caller's partial TBSCertificate
 * (issuer, validity, subject, extensions, and optionally the signature algorithm first) with
 * version 3, a serial number H_signKeyNameAlg(the other fields ‖ signer Name ‖ object Name), the
 * signature algorithm when not given, and the object's SubjectPublicKeyInfo; returns what it
 * added, the digest of the TBSCertificate and the signature over it.
 */
export const CertifyX509: Handler<'CertifyX509'> = (ctx, { objectHandle, signHandle, reserved, inScheme, partialCertificate }) => {
  if (reserved.length !== 0) throw tpmError(TPM_RC.SIZE, 'reserved must be empty').at('reserved');
  if (signHandle === TPM_RH.NULL) throw tpmError(TPM_RC.KEY, 'a certificate needs a signing key').at('signHandle');
  const signer = attestSigner(ctx, signHandle, inScheme);
  const key = signer.key!;
  const object = requireObject(ctx, objectHandle, 'objectHandle');
  let spki: Uint8Array;
  try {
    spki = encodeSpki(publicKeyFromTpmt(object.public));
  } catch {
    throw tpmError(TPM_RC.ASYMMETRIC, 'no X.509 encoding of this public key').at('objectHandle');
  }
  let partial: DerNode;
  try {
    partial = derDecode(partialCertificate);
  } catch {
    throw tpmError(TPM_RC.VALUE, 'partialCertificate is not DER').at('partialCertificate');
  }
  if (partial.tag !== DER_TAG.SEQUENCE) throw tpmError(TPM_RC.SIZE, 'partialCertificate must be one SEQUENCE').at('partialCertificate');
  const sequences: Uint8Array[] = [];
  let extensions: DerNode | undefined;
  for (const element of partial.children) {
    if (element.tag === DER_TAG.SEQUENCE) sequences.push(element.raw);
    else if (element.tag === 0xa3 && !extensions) extensions = element;
    else throw tpmError(TPM_RC.VALUE, 'unexpected element in partialCertificate').at('partialCertificate');
  }
  if (sequences.length < 3 || sequences.length > 4 || !extensions) {
    throw tpmError(TPM_RC.VALUE, 'partialCertificate needs [signature,] issuer, validity, subject and extensions').at('partialCertificate');
  }
  const algorithm = sequences.length === 4 ? sequences[0] : signatureAlgorithm(ctx, key, signer.scheme);
  if (!algorithm) throw tpmError(TPM_RC.SCHEME, 'no X.509 signature algorithm for this scheme').at('signHandle');
  checkExtensions(extensions, object.public.objectAttributes);
  const [issuer, validity, subject] = sequences.slice(-3);
  const rest = [algorithm, issuer, validity, subject, spki, extensions.raw];
  const serialHash = ctx.crypto.hash(key.public.nameAlg)!;
  const serial = derUnsignedInteger(serialHash.digest(...rest, key.name, object.name).slice(0, SERIAL_OCTETS));
  const version = derExplicit(0, derInteger(2));
  const tbs = derTlv(DER_TAG.SEQUENCE, version, serial, ...rest);
  const tbsDigest = ctx.crypto.hash(signerHash(signer))!.digest(tbs);
  const added = derSequence(version, serial, ...(sequences.length === 3 ? [algorithm] : []), spki);
  return { addedToCertificate: added, tbsDigest, signature: signWith(ctx, key, signer.scheme, tbsDigest, 'signHandle') };
};
