import type { ProfileSpec } from '../../src/tpm/profile-spec.js';
import { PC_CLIENT_PCRS } from './pc-client-pcrs.js';

/**
 * The TCM 2.0 command set: GM/T 0012-2020 clause 6 groups, each the TPM 2.0 Part 3 chapter of
 * the same name. What the public contents show and what is assumed is in tcm2.md; the
 * decisions are marked here by group.
 */
export const TCM2_COMMANDS = [
  // 6.2 Startup, 6.3 Test, 6.4 Session
  'Startup', 'Shutdown',
  'SelfTest', 'IncrementalSelfTest', 'GetTestResult',
  'StartAuthSession', 'PolicyRestart',
  // 6.5 Object, 6.6 Duplicate
  'Create', 'Load', 'LoadExternal', 'ReadPublic', 'ActivateCredential', 'MakeCredential', 'Unseal', 'ObjectChangeAuth',
  'CreateLoaded',
  'Duplicate', 'Rewrap', 'Import',
  // 6.7 Asymmetric: no RSA_Encrypt / RSA_Decrypt (no RSA); ECC_Encrypt / ECC_Decrypt are SM2 encryption.
  'ECDH_KeyGen', 'ECDH_ZGen', 'ECC_Parameters', 'ZGen_2Phase', 'ECC_Encrypt', 'ECC_Decrypt',
  // 6.8 Symmetric (TPM2_MAC shares its command code with TPM2_HMAC, 6.10)
  'EncryptDecrypt', 'EncryptDecrypt2',
  // 6.9 Random number generator
  'GetRandom', 'StirRandom',
  // 6.10 Hash/HMAC (Part 3 "Symmetric Primitives" Hash/HMAC and "Hash/HMAC/Event Sequences")
  'Hash', 'HMAC', 'HMAC_Start', 'HashSequenceStart', 'SequenceUpdate', 'SequenceComplete', 'EventSequenceComplete',
  // 6.11 Certificate (Part 3 "Attestation Commands"); the audit digests assumed here
  'Certify', 'CertifyCreation', 'Quote', 'GetSessionAuditDigest', 'GetCommandAuditDigest', 'GetTime', 'CertifyX509',
  // 6.12 Ephemeral EC key: EC_Ephemeral; TPM2_Commit assumed absent (it serves ECDAA only)
  'EC_Ephemeral',
  // 6.13 Signature and signature verification
  'VerifySignature', 'Sign',
  // Command audit: no clause of its own; assumed (session and command audit as in TPM 2.0)
  'SetCommandCodeAuditStatus',
  // 6.14 Measurement (PCR)
  'PCR_Extend', 'PCR_Event', 'PCR_Read', 'PCR_Allocate', 'PCR_SetAuthPolicy', 'PCR_SetAuthValue', 'PCR_Reset',
  // 6.15 Enhanced authorization, up to TPM2_PolicyAuthorizeNV (the 1.83 additions postdate GM/T 0012-2020)
  'PolicySigned', 'PolicySecret', 'PolicyTicket', 'PolicyOR', 'PolicyPCR', 'PolicyLocality', 'PolicyNV',
  'PolicyCounterTimer', 'PolicyCommandCode', 'PolicyPhysicalPresence', 'PolicyCpHash', 'PolicyNameHash',
  'PolicyDuplicationSelect', 'PolicyAuthorize', 'PolicyAuthValue', 'PolicyPassword', 'PolicyGetDigest',
  'PolicyNvWritten', 'PolicyTemplate', 'PolicyAuthorizeNV',
  // 6.16 Hierarchy, 6.17 Dictionary attack, 6.18 Management
  'CreatePrimary', 'HierarchyControl', 'SetPrimaryPolicy', 'ChangePPS', 'ChangeEPS', 'Clear', 'ClearControl',
  'HierarchyChangeAuth',
  'DictionaryAttackLockReset', 'DictionaryAttackParameters',
  'PP_Commands', 'SetAlgorithmSet',
  // 6.19 Context management
  'ContextSave', 'ContextLoad', 'FlushContext', 'EvictControl',
  // Clocks: no clause of their own; assumed (every attestation carries Clock, resetCount, restartCount)
  'ReadClock', 'ClockSet', 'ClockRateAdjust',
  // 6.20 "Performance" (capability)
  'GetCapability', 'TestParms',
  // 6.21 NV
  'NV_DefineSpace', 'NV_UndefineSpace', 'NV_UndefineSpaceSpecial', 'NV_ReadPublic', 'NV_Write', 'NV_Increment',
  'NV_Extend', 'NV_SetBits', 'NV_WriteLock', 'NV_GlobalWriteLock', 'NV_Read', 'NV_ReadLock', 'NV_ChangeAuth',
  'NV_Certify',
] as const;

/**
 * TCM 2.0 (GM/T 0012-2020): the TPM 2.0 command set restricted to the Chinese commercial
 * algorithms, SM3 PCR bank and names, SM4 symmetric protection, SM2 keys on SM2 P-256, with the
 * TCG algorithm identifiers (the standard's own identifiers are not public; see tcm2.md).
 */
export const tcm2: ProfileSpec = {
  name: 'tcm2',
  description: 'TCM 2.0: SM2, SM3, SM4 only, SM3 PCR bank',
  family: 'TCM',
  algorithms: [
    'TPM_ALG_HMAC', 'TPM_ALG_KEYEDHASH', 'TPM_ALG_XOR', 'TPM_ALG_NULL', 'TPM_ALG_SM3_256', 'TPM_ALG_SM4',
    'TPM_ALG_SM2', 'TPM_ALG_ECDH', 'TPM_ALG_KDF1_SP800_56A', 'TPM_ALG_KDF2', 'TPM_ALG_KDF1_SP800_108', 'TPM_ALG_ECC',
    'TPM_ALG_SYMCIPHER', 'TPM_ALG_CTR', 'TPM_ALG_OFB', 'TPM_ALG_CBC', 'TPM_ALG_CFB', 'TPM_ALG_ECB',
  ],
  curves: ['TPM_ECC_SM2_P256'],
  rsaKeyBits: [],
  pcr: { count: 24, banks: ['TPM_ALG_SM3_256'], attributes: PC_CLIENT_PCRS, startupLocalityPcr: 0 },
  commands: TCM2_COMMANDS,
  limits: { MAX_LOADED_OBJECTS: 64, MAX_LOADED_SESSIONS: 64, MAX_ACTIVE_SESSIONS: 128 },
  vendor: { manufacturer: 'VTCM', vendorString: 'vtpm TCM 2.0', vendorTpmType: 1, firmwareVersion: [0x20261123, 0x00010000] },
};
