import type { ProfileSpec } from '../../src/tpm/profile-spec.js';
import { PC_CLIENT_PCRS } from './pc-client-pcrs.js';

/** Algorithms every vtpm TPM 2.0 profile implements (TPM 2.0 Part 2 "TPM_ALG_ID" names). */
export const TPM2_ALGORITHMS = [
  'TPM_ALG_RSA', 'TPM_ALG_SHA1', 'TPM_ALG_HMAC', 'TPM_ALG_AES', 'TPM_ALG_MGF1', 'TPM_ALG_KEYEDHASH',
  'TPM_ALG_XOR', 'TPM_ALG_SHA256', 'TPM_ALG_SHA384', 'TPM_ALG_SHA512', 'TPM_ALG_NULL', 'TPM_ALG_SM3_256',
  'TPM_ALG_SM4', 'TPM_ALG_RSASSA', 'TPM_ALG_RSAES', 'TPM_ALG_RSAPSS', 'TPM_ALG_OAEP', 'TPM_ALG_ECDSA',
  'TPM_ALG_ECDH', 'TPM_ALG_ECDAA', 'TPM_ALG_SM2', 'TPM_ALG_ECSCHNORR', 'TPM_ALG_KDF1_SP800_56A', 'TPM_ALG_KDF2', 'TPM_ALG_KDF1_SP800_108',
  'TPM_ALG_ECC', 'TPM_ALG_SYMCIPHER', 'TPM_ALG_CTR', 'TPM_ALG_OFB', 'TPM_ALG_CBC', 'TPM_ALG_CFB', 'TPM_ALG_ECB',
] as const;

/**
 * TPM 2.0, PC Client-like: SHA-1/256/384/512 and SM3 banks available (SHA-1 and SHA-256
 * allocated, as swtpm does), RSA 1024-4096, NIST P-256/384/521 and SM2 P-256, AES and SM4.
 * 64 object slots so that tpm2-tools works without a resource manager.
 */
export const tpm2: ProfileSpec = {
  name: 'tpm2',
  description: 'TPM 2.0 (PC Client-like) with SHA and SM algorithm sets',
  family: 'TPM',
  algorithms: TPM2_ALGORITHMS,
  curves: ['TPM_ECC_NIST_P256', 'TPM_ECC_NIST_P384', 'TPM_ECC_NIST_P521', 'TPM_ECC_SM2_P256'],
  rsaKeyBits: [1024, 2048, 3072, 4096],
  pcr: { count: 24, banks: ['TPM_ALG_SHA1', 'TPM_ALG_SHA256'], attributes: PC_CLIENT_PCRS, startupLocalityPcr: 0 },
  commands: 'all',
  limits: { MAX_LOADED_OBJECTS: 64, MAX_LOADED_SESSIONS: 64, MAX_ACTIVE_SESSIONS: 128 },
  vendor: { manufacturer: 'VTPM', vendorString: 'vtpm TPM 2.0', vendorTpmType: 1, firmwareVersion: [0x20261123, 0x00010000] },
};

/** The same TPM with the PC Client's minimum slot counts (three objects, three sessions). */
export const pcClient: ProfileSpec = {
  ...tpm2,
  name: 'pc-client',
  description: 'TPM 2.0 PC Client minimums: 3 transient objects, 3 loaded sessions',
  limits: { MAX_LOADED_OBJECTS: 3, MAX_LOADED_SESSIONS: 3, MAX_ACTIVE_SESSIONS: 64 },
};
