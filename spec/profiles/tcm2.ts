import type { ProfileSpec } from '../../src/tpm/profile-spec.js';
import { PC_CLIENT_PCRS } from './pc-client-pcrs.js';

/**
 * TCM 2.0 (GM/T 0012-2020): the TPM 2.0 command set restricted to the Chinese commercial
 * algorithms, SM3 PCR bank and names, SM4 symmetric protection, SM2 keys on SM2 P-256, with the
 * TCG algorithm identifiers (the standard's own identifiers are not public; see crypto.md).
 */
export const tcm2: ProfileSpec = {
  name: 'tcm2',
  description: 'TCM 2.0: SM2, SM3, SM4 only, SM3 PCR bank',
  family: 'TCM',
  algorithms: [
    'TPM_ALG_HMAC', 'TPM_ALG_KEYEDHASH', 'TPM_ALG_XOR', 'TPM_ALG_NULL', 'TPM_ALG_SM3_256', 'TPM_ALG_SM4',
    'TPM_ALG_SM2', 'TPM_ALG_ECDH', 'TPM_ALG_KDF1_SP800_56A', 'TPM_ALG_KDF1_SP800_108', 'TPM_ALG_ECC',
    'TPM_ALG_SYMCIPHER', 'TPM_ALG_CTR', 'TPM_ALG_OFB', 'TPM_ALG_CBC', 'TPM_ALG_CFB', 'TPM_ALG_ECB',
  ],
  curves: ['TPM_ECC_SM2_P256'],
  rsaKeyBits: [],
  pcr: { count: 24, banks: ['TPM_ALG_SM3_256'], attributes: PC_CLIENT_PCRS, startupLocalityPcr: 0 },
  commands: 'all',
  limits: { MAX_LOADED_OBJECTS: 64, MAX_LOADED_SESSIONS: 64, MAX_ACTIVE_SESSIONS: 128 },
  vendor: { manufacturer: 'VTCM', vendorString: 'vtpm TCM 2.0', vendorTpmType: 1, firmwareVersion: [0x20261123, 0x00010000] },
};
