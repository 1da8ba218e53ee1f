/**
 * TPM 2.0 Library Part 2 (Structures), revision 1.59: key/object complex of clause 12 (public area, sensitive area, private, identity object).
 * Transcribed from the specification tables; see spec/README.md for the notation mapping.
 */
import { defineTypes } from '../schema.js';

export const objectTypes = defineTypes([
  {
    kind: 'union',
    name: 'TPMU_PUBLIC_ID',
    source: { part: 2, title: 'Definition of TPMU_PUBLIC_ID Union' },
    members: [
      { name: 'keyedHash', type: 'TPM2B_DIGEST', selector: 'TPM_ALG_KEYEDHASH' },
      { name: 'sym', type: 'TPM2B_DIGEST', selector: 'TPM_ALG_SYMCIPHER' },
      { name: 'rsa', type: 'TPM2B_PUBLIC_KEY_RSA', selector: 'TPM_ALG_RSA' },
      { name: 'ecc', type: 'TPMS_ECC_POINT', selector: 'TPM_ALG_ECC' },
      { name: 'derive', type: 'TPMS_DERIVE', description: 'only allowed for TPM2_CreateLoaded when parentHandle is a Derivation Parent' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_KEYEDHASH_PARMS',
    source: { part: 2, title: 'Definition of TPMS_KEYEDHASH_PARMS Structure' },
    fields: [
      { name: 'scheme', type: 'TPMT_KEYEDHASH_SCHEME', allowNull: true, description: 'Indicates the signing method used for a keyedHash signing object' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_ASYM_PARMS',
    source: { part: 2, title: 'Definition of TPMS_ASYM_PARMS Structure' },
    fields: [
      { name: 'symmetric', type: 'TPMT_SYM_DEF_OBJECT', allowNull: true, description: 'the companion symmetric algorithm for a restricted decryption key and shall be set to a supported symmetric algorithm' },
      { name: 'scheme', type: 'TPMT_ASYM_SCHEME', allowNull: true, description: 'for a key with the sign attribute SET, a valid signing scheme for the key type' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_RSA_PARMS',
    dependsOn: 'RSA',
    source: { part: 2, title: 'Definition of {RSA} TPMS_RSA_PARMS Structure' },
    fields: [
      { name: 'symmetric', type: 'TPMT_SYM_DEF_OBJECT', allowNull: true, description: 'for a restricted decryption key, a supported symmetric algorithm, key size, and mode; otherwise TPM_ALG_NULL' },
      { name: 'scheme', type: 'TPMT_RSA_SCHEME', allowNull: true, description: 'scheme.scheme: RSASSA, RSAPSS or NULL for a signing key (not NULL if restricted); RSAES, OAEP or NULL for an unrestricted decryption key; NULL for a restricted decryption key' },
      { name: 'keyBits', type: 'TPMI_RSA_KEY_BITS', description: 'number of bits in the public modulus' },
      { name: 'exponent', type: 'UINT32', description: 'the public exponent' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_ECC_PARMS',
    dependsOn: 'ECC',
    source: { part: 2, title: 'Definition of {ECC} TPMS_ECC_PARMS Structure' },
    fields: [
      { name: 'symmetric', type: 'TPMT_SYM_DEF_OBJECT', allowNull: true, description: 'for a restricted decryption key, a supported symmetric algorithm, key size, and mode; otherwise TPM_ALG_NULL' },
      { name: 'scheme', type: 'TPMT_ECC_SCHEME', allowNull: true, description: 'If the sign attribute of the key is SET, then this shall be a valid signing scheme' },
      { name: 'curveID', type: 'TPMI_ECC_CURVE', description: 'ECC curve ID' },
      { name: 'kdf', type: 'TPMT_KDF_SCHEME', allowNull: true, description: 'an optional key derivation scheme for generating a symmetric key from a Z value' },
    ],
  },
  {
    kind: 'union',
    name: 'TPMU_PUBLIC_PARMS',
    source: { part: 2, title: 'Definition of TPMU_PUBLIC_PARMS Union' },
    members: [
      { name: 'keyedHashDetail', type: 'TPMS_KEYEDHASH_PARMS', selector: 'TPM_ALG_KEYEDHASH', description: 'TPMA_OBJECT sign | decrypt | neither' },
      { name: 'symDetail', type: 'TPMS_SYMCIPHER_PARMS', selector: 'TPM_ALG_SYMCIPHER', description: 'TPMA_OBJECT sign | decrypt | neither' },
      { name: 'rsaDetail', type: 'TPMS_RSA_PARMS', selector: 'TPM_ALG_RSA', description: 'TPMA_OBJECT decrypt + sign (both may be SET, one shall be SET)' },
      { name: 'eccDetail', type: 'TPMS_ECC_PARMS', selector: 'TPM_ALG_ECC', description: 'TPMA_OBJECT decrypt + sign (both may be SET, one shall be SET)' },
      { name: 'asymDetail', type: 'TPMS_ASYM_PARMS', description: 'common scheme structure for RSA and ECC keys' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMT_PUBLIC_PARMS',
    source: { part: 2, title: 'Definition of TPMT_PUBLIC_PARMS Structure' },
    fields: [
      { name: 'type', type: 'TPMI_ALG_PUBLIC', description: 'the algorithm to be tested' },
      { name: 'parameters', type: 'TPMU_PUBLIC_PARMS', selector: 'type', description: 'the algorithm details' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMT_PUBLIC',
    source: { part: 2, title: 'Definition of TPMT_PUBLIC Structure' },
    fields: [
      { name: 'type', type: 'TPMI_ALG_PUBLIC', description: 'algorithm associated with this object' },
      { name: 'nameAlg', type: 'TPMI_ALG_HASH', allowNull: 'inherit', description: 'algorithm used for computing the Name of the object' },
      { name: 'objectAttributes', type: 'TPMA_OBJECT', description: 'attributes that, along with type, determine the manipulations of this object' },
      { name: 'authPolicy', type: 'TPM2B_DIGEST', description: 'optional policy for using this key' },
      { name: 'parameters', type: 'TPMU_PUBLIC_PARMS', selector: 'type', description: 'the algorithm or structure details' },
      { name: 'unique', type: 'TPMU_PUBLIC_ID', selector: 'type', description: 'the unique identifier of the structure' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_PUBLIC',
    source: { part: 2, title: 'Definition of TPM2B_PUBLIC Structure' },
    fields: [
      { name: 'size', type: 'UINT16', sizeOf: 'publicArea', sizeMustMatch: true, description: 'size of publicArea' },
      { name: 'publicArea', type: 'TPMT_PUBLIC', allowNull: 'inherit', description: 'the public area' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_TEMPLATE',
    source: { part: 2, title: 'Definition of TPM2B_TEMPLATE Structure' },
    fields: [
      { name: 'size', type: 'UINT16', description: 'size of publicArea' },
      { name: 'buffer', type: 'BYTE', count: 'size', max: 'sizeof(TPMT_PUBLIC)', description: 'the public area' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_PRIVATE_VENDOR_SPECIFIC',
    source: { part: 2, title: 'Definition of TPM2B_PRIVATE_VENDOR_SPECIFIC Structure' },
    fields: [
      { name: 'size', type: 'UINT16' },
      { name: 'buffer', type: 'BYTE', count: 'size', max: 'PRIVATE_VENDOR_SPECIFIC_BYTES' },
    ],
  },
  {
    kind: 'union',
    name: 'TPMU_SENSITIVE_COMPOSITE',
    source: { part: 2, title: 'Definition of TPMU_SENSITIVE_COMPOSITE Union' },
    members: [
      { name: 'rsa', type: 'TPM2B_PRIVATE_KEY_RSA', selector: 'TPM_ALG_RSA', description: 'a prime factor of the public key' },
      { name: 'ecc', type: 'TPM2B_ECC_PARAMETER', selector: 'TPM_ALG_ECC', description: 'the integer private key' },
      { name: 'bits', type: 'TPM2B_SENSITIVE_DATA', selector: 'TPM_ALG_KEYEDHASH', description: 'the private data' },
      { name: 'sym', type: 'TPM2B_SYM_KEY', selector: 'TPM_ALG_SYMCIPHER', description: 'the symmetric key' },
      { name: 'any', type: 'TPM2B_PRIVATE_VENDOR_SPECIFIC', description: 'vendor-specific size for key storage' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMT_SENSITIVE',
    source: { part: 2, title: 'Definition of TPMT_SENSITIVE Structure' },
    fields: [
      { name: 'sensitiveType', type: 'TPMI_ALG_PUBLIC', description: 'identifier for the sensitive area' },
      { name: 'authValue', type: 'TPM2B_AUTH', description: 'user authorization data' },
      { name: 'seedValue', type: 'TPM2B_DIGEST', description: 'for a parent object, the optional protection seed; for other objects, the obfuscation value' },
      { name: 'sensitive', type: 'TPMU_SENSITIVE_COMPOSITE', selector: 'sensitiveType', description: 'the type-specific private data' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_SENSITIVE',
    source: { part: 2, title: 'Definition of TPM2B_SENSITIVE Structure' },
    fields: [
      { name: 'size', type: 'UINT16', sizeOf: 'sensitiveArea', description: 'size of the private structure' },
      { name: 'sensitiveArea', type: 'TPMT_SENSITIVE', description: 'an unencrypted sensitive area' },
    ],
  },
  {
    kind: 'struct',
    name: '_PRIVATE',
    source: { part: 2, title: 'Definition of _PRIVATE Structure' },
    fields: [
      { name: 'integrityOuter', type: 'TPM2B_DIGEST' },
      { name: 'integrityInner', type: 'TPM2B_DIGEST', description: 'could also be a TPM2B_IV' },
      { name: 'sensitive', type: 'TPM2B_SENSITIVE', description: 'the sensitive area' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_PRIVATE',
    source: { part: 2, title: 'Definition of TPM2B_PRIVATE Structure' },
    fields: [
      { name: 'size', type: 'UINT16', description: 'size of the private structure' },
      { name: 'buffer', type: 'BYTE', count: 'size', max: 'sizeof(_PRIVATE)', description: 'an encrypted private area' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_ID_OBJECT',
    source: { part: 2, title: 'Definition of TPMS_ID_OBJECT Structure' },
    fields: [
      { name: 'integrityHMAC', type: 'TPM2B_DIGEST', description: 'HMAC using the nameAlg of the storage key on the target TPM' },
      { name: 'encIdentity', type: 'TPM2B_DIGEST', description: 'credential protector information returned if name matches the referenced object' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_ID_OBJECT',
    source: { part: 2, title: 'Definition of TPM2B_ID_OBJECT Structure' },
    fields: [
      { name: 'size', type: 'UINT16', description: 'size of the credential structure' },
      { name: 'credential', type: 'BYTE', count: 'size', max: 'sizeof(TPMS_ID_OBJECT)', description: 'an encrypted credential area' },
    ],
  },
]);
