export { createTpm, memoryStorage, type Tpm, type TpmOptions, type ExecuteOptions, type Storage } from './engine.js';
export { profiles, resolveProfile, type Profile, type ProfileSpec, type PcrAttributesSpec } from './profile.js';
export type { ClockPort } from './context.js';
export { tpmError, TpmFault } from './errors.js';
export * from './migration.js';
