/**
 * vtpm/node: the Node edge. TCP servers for the mssim and swtpm protocols, a TCP client
 * transport for both, and file storage for a TPM's persistent state.
 */
export { serve, type Server, type ServeOptions, type ServerAddress, type Protocol } from './server.js';
export {
  tcpTransport,
  SwtpmControlError,
  type TcpTransport,
  type TcpTransportOptions,
  type MssimPlatform,
  type SwtpmControl,
} from './tcp-transport.js';
export { fileStorage, STATE_FILE, type FileStorage } from './file-storage.js';
export { fileFleet, fileFleetStorage } from './fleet.js';
export { fileReplayGuard } from './replay-guard.js';
export type { Logger } from './connection.js';
export { MSSIM, SWTPM_CMD, PTM_CAP, PTM_BLOB_TYPE, PTM_INIT_FLAG_DELETE_VOLATILE, SWTPM_INFO } from './protocol.js';
export { nodeCryptoBackend } from './crypto-backend.js';
export { readMigrationKey } from './cli.js';
export { fileBaselineStore, instanceFileName, type FileBaselineStore, type FileBaselineStoreOptions } from './baseline-store.js';
