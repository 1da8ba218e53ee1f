/**
 * Wire constants of the two simulator protocols. mssim: the TCG reference simulator's TCP
 * protocol (TpmTcpProtocol.h). swtpm: the control channel of swtpm (tpm_ioctl.h, "swtpm_ioctls").
 */

/** mssim command-port and platform-port codes (u32, big-endian). */
export const MSSIM = {
  POWER_ON: 1,
  POWER_OFF: 2,
  PHYS_PRES_ON: 3,
  PHYS_PRES_OFF: 4,
  HASH_START: 5,
  HASH_DATA: 6,
  HASH_END: 7,
  SEND_COMMAND: 8,
  CANCEL_ON: 9,
  CANCEL_OFF: 10,
  NV_ON: 11,
  NV_OFF: 12,
  KEY_CACHE_ON: 13,
  KEY_CACHE_OFF: 14,
  REMOTE_HANDSHAKE: 15,
  SET_ALTERNATIVE_RESULT: 16,
  RESET: 17,
  RESTART: 18,
  SESSION_END: 20,
  STOP: 21,
  GET_COMMAND_RESPONSE_SIZES: 25,
  ACT_GET_SIGNALED: 26,
  TEST_FAILURE_MODE: 30,
  SET_FW_HASH: 35,
  SET_FW_SVN: 36,
} as const;

/** REMOTE_HANDSHAKE: server version and endpoint flags (platform available, raw mode, supports PP). */
export const MSSIM_SERVER_VERSION = 1;
export const MSSIM_ENDPOINT_FLAGS = 0x01 | 0x04 | 0x08;

/** The reference simulator's largest variable-length field (MAX_BUFFER). */
export const MSSIM_MAX_BUFFER = 1024 * 1024;

/** A TPM response as the mssim protocol returns it: u32 length, the response, u32 0. */
export function mssimResponse(response: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(8 + response.length);
  out.writeUInt32BE(response.length, 0);
  out.set(response, 4);
  out.writeUInt32BE(0, 4 + response.length);
  return out;
}

/** swtpm control-channel commands (CMD_*). */
export const SWTPM_CMD = {
  GET_CAPABILITY: 0x01,
  INIT: 0x02,
  SHUTDOWN: 0x03,
  GET_TPMESTABLISHED: 0x04,
  SET_LOCALITY: 0x05,
  HASH_START: 0x06,
  HASH_DATA: 0x07,
  HASH_END: 0x08,
  CANCEL_TPM_CMD: 0x09,
  STORE_VOLATILE: 0x0a,
  RESET_TPMESTABLISHED: 0x0b,
  GET_STATEBLOB: 0x0c,
  SET_STATEBLOB: 0x0d,
  STOP: 0x0e,
  GET_CONFIG: 0x0f,
  SET_DATAFD: 0x10,
  SET_BUFFERSIZE: 0x11,
  GET_INFO: 0x12,
  LOCK_STORAGE: 0x13,
} as const;

/** PTM_CAP_* bits: what the control channel implements. */
export const PTM_CAP = {
  INIT: 1 << 0,
  SHUTDOWN: 1 << 1,
  GET_TPMESTABLISHED: 1 << 2,
  SET_LOCALITY: 1 << 3,
  HASHING: 1 << 4,
  CANCEL_TPM_CMD: 1 << 5,
  STORE_VOLATILE: 1 << 6,
  RESET_TPMESTABLISHED: 1 << 7,
  GET_STATEBLOB: 1 << 8,
  SET_STATEBLOB: 1 << 9,
  STOP: 1 << 10,
  GET_CONFIG: 1 << 11,
  SET_DATAFD: 1 << 12,
  SET_BUFFERSIZE: 1 << 13,
  GET_INFO: 1 << 14,
  SEND_COMMAND_HEADER: 1 << 15,
  LOCK_STORAGE: 1 << 16,
} as const;

export const PTM_INIT_FLAG_DELETE_VOLATILE = 1;
export const PTM_BLOB_TYPE = { PERMANENT: 1, VOLATILE: 2, SAVESTATE: 3 } as const;
export const PTM_STATE_FLAG = { DECRYPTED: 1, ENCRYPTED: 2 } as const;

/** SWTPM_INFO_* flags of CMD_GET_INFO. */
export const SWTPM_INFO = {
  TPMSPECIFICATION: 1n << 0n,
  TPMATTRIBUTES: 1n << 1n,
  TPMFEATURES: 1n << 2n,
  RUNTIME_ALGORITHMS: 1n << 3n,
  RUNTIME_COMMANDS: 1n << 4n,
  ACTIVE_PROFILE: 1n << 5n,
  AVAILABLE_PROFILES: 1n << 6n,
  RUNTIME_ATTRIBUTES: 1n << 7n,
} as const;

/** TPM 1.2 result codes the control channel answers with. */
export const PTM_RES = {
  SUCCESS: 0x00,
  BAD_PARAMETER: 0x03,
  FAIL: 0x09,
  BAD_ORDINAL: 0x0a,
  SIZE: 0x17,
  IOERROR: 0x1f,
  BAD_LOCALITY: 0x3d,
} as const;

/** The largest state blob SET_STATEBLOB accepts. */
export const SWTPM_MAX_STATE_BLOB = 64 * 1024 * 1024;
/** The largest HASH_DATA chunk (ptm_hdata's buffer). */
export const SWTPM_MAX_HASH_DATA = 4096;
