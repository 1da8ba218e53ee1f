/** Host+TPM shared protocol code: Names, sessions, policies, key protection, signatures, credentials. */
export * from './errors.js';
export * from './session.js';
export * from './policy.js';
export * from './keys.js';
export * from './signature.js';
export * from './protection.js';
export * from './secret.js';
export * from './credential.js';
export * from './import.js';
