export { createClient, passwordSession, type Client, type RunOptions, type Authorization, type ClientOptions, type StartSessionOptions } from './client.js';
export { AuthSessionHandle, type SessionType } from './session.js';
export { inProcess, type Transport } from './transport.js';
export { TpmError, decodeRc, type DecodedRc } from './errors.js';
export * from './templates.js';
export { createPolicy, type PolicyBuilder, type PolicyPcrSelection, type PolicyName } from './policy.js';
export * from './manufacture.js';
export { hostKeyFromTpm, HOST_KEY_HANDLE, type HostKeyOptions } from './host-key.js';
