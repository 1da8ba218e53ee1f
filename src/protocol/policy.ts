/**
 * Policy digest arithmetic shared by the emulator's policy commands and the client's policy
 * calculator (TPM 2.0 Part 1 "Policy Digest"; Part 3 "Enhanced Authorization (EA) Commands"):
 * policyDigest_new := H(policyDigest_old ‖ commandCode ‖ arguments).
 */
import { u32be } from '../crypto/bytes.js';
import type { HashAlgorithm } from '../crypto/hash.js';
import { TPM_CC } from '../gen/constants.js';

/** The starting policyDigest: all zeros, the hash's size. */
export function emptyPolicy(hash: HashAlgorithm): Uint8Array {
  return new Uint8Array(hash.digestSize);
}

/** TPM2_PolicyCommandCode: H(policyDigest ‖ TPM_CC_PolicyCommandCode ‖ code). */
export function policyCommandCode(hash: HashAlgorithm, digest: Uint8Array, code: number): Uint8Array {
  return hash.digest(digest, u32be(TPM_CC.PolicyCommandCode), u32be(code));
}

/**
 * TPM2_PolicyAuthValue and TPM2_PolicyPassword: both H(policyDigest ‖ TPM_CC_PolicyAuthValue),
 * so a policy can be satisfied with either (Part 3 "TPM2_PolicyPassword").
 */
export function policyAuthValue(hash: HashAlgorithm, digest: Uint8Array): Uint8Array {
  return hash.digest(digest, u32be(TPM_CC.PolicyAuthValue));
}

/**
 * TPM2_PolicySecret and TPM2_PolicySigned (Part 3 "PolicyUpdate()"):
 * H(H(policyDigest ‖ commandCode ‖ authName) ‖ policyRef).
 */
export function policyUpdate(hash: HashAlgorithm, digest: Uint8Array, commandCode: number, name: Uint8Array, policyRef: Uint8Array): Uint8Array {
  return hash.digest(hash.digest(digest, u32be(commandCode), name), policyRef);
}

/** TPM2_PolicySecret: PolicyUpdate(TPM_CC_PolicySecret, authObject Name, policyRef). */
export function policySecret(hash: HashAlgorithm, digest: Uint8Array, authName: Uint8Array, policyRef: Uint8Array): Uint8Array {
  return policyUpdate(hash, digest, TPM_CC.PolicySecret, authName, policyRef);
}
