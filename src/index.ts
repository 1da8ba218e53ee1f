/**
 * vtpm: the browser-safe core. TPM 2.0 declarations (generated from spec/), the wire codec,
 * and the crypto primitives. The emulator engine and client build on these.
 */
export * from './gen/constants.js';
export type * from './gen/types.js';
export { SCHEMA, DEFAULT_LIMITS } from './gen/schemas.js';
export { COMMANDS, type CommandName } from './gen/commands.js';
export { RC_INFO } from './gen/rc.js';
export * from './wire/index.js';
export * as crypto from './crypto/index.js';
export * from './tpm/index.js';
export * from './client/index.js';
// Host-side helpers shared with the emulator: Names, policy digests, signature checks,
// MakeCredential and import blobs without a TPM.
export * from './protocol/index.js';
export * from './attest/index.js';
export * from './fleet/fleet.js';
export * from './fleet/agent.js';
