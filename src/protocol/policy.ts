/**
 * Policy digest arithmetic shared by the emulator's policy commands and the client's policy
 * calculator (TPM 2.0 Part 1 "Policy Digest"; Part 3 "Enhanced Authorization (EA) Commands"):
 * policyDigest_new := H(policyDigest_old ‖ commandCode ‖ arguments).
 */
import { concatBytes, u16be, u32be } from '../crypto/bytes.js';
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

/** TPM2_PolicySigned: PolicyUpdate(TPM_CC_PolicySigned, authObject Name, policyRef). */
export function policySigned(hash: HashAlgorithm, digest: Uint8Array, keyName: Uint8Array, policyRef: Uint8Array): Uint8Array {
  return policyUpdate(hash, digest, TPM_CC.PolicySigned, keyName, policyRef);
}

/**
 * The digest the authorizing key signs for TPM2_PolicySigned (Part 3 "TPM2_PolicySigned"):
 * aHash := H_sigHash(nonceTPM ‖ expiration ‖ cpHashA ‖ policyRef), expiration as a signed 32-bit value.
 */
export function policySignedAHash(hash: HashAlgorithm, nonceTPM: Uint8Array, expiration: number, cpHashA: Uint8Array, policyRef: Uint8Array): Uint8Array {
  return hash.digest(nonceTPM, u32be(expiration >>> 0), cpHashA, policyRef);
}

/**
 * TPM2_PolicyOR (Part 3 "TPM2_PolicyOR"): H(0…0 ‖ TPM_CC_PolicyOR ‖ digests), from a reset
 * policyDigest; the current digest only has to be one of the list.
 */
export function policyOR(hash: HashAlgorithm, digests: readonly Uint8Array[]): Uint8Array {
  return hash.digest(emptyPolicy(hash), u32be(TPM_CC.PolicyOR), ...digests);
}

/** A PCR selection as TPML_PCR_SELECTION holds it (Part 2 "TPMS_PCR_SELECTION"). */
export interface PcrSelection {
  hash: number;
  pcrSelect: Uint8Array;
}

/** TPMS_PCR_SELECTION for these PCRs: `size` octets of bitmap (PCR_SELECT_MIN, 3 for 24 PCRs, by default). */
export function pcrSelection(hash: number, pcrs: readonly number[], size = 3): PcrSelection {
  const n = Math.max(size, ...pcrs.map((p) => (p >> 3) + 1));
  const pcrSelect = new Uint8Array(n);
  for (const p of pcrs) pcrSelect[p >> 3] |= 1 << (p & 7);
  return { hash, pcrSelect };
}

/** The marshalled TPML_PCR_SELECTION: count, then hash ‖ sizeofSelect ‖ pcrSelect per selection. */
export function marshalPcrSelections(selections: readonly PcrSelection[]): Uint8Array {
  const parts: Uint8Array[] = [u32be(selections.length)];
  for (const s of selections) parts.push(u16be(s.hash), Uint8Array.of(s.pcrSelect.length), s.pcrSelect);
  return concatBytes(...parts);
}

/** pcrDigest of PolicyPCR: H(PCR values in selection order) with the session's hash (Part 1 "Selecting Multiple PCR"). */
export function pcrValuesDigest(hash: HashAlgorithm, values: readonly Uint8Array[]): Uint8Array {
  return hash.digest(...values);
}

/** TPM2_PolicyPCR: H(policyDigest ‖ TPM_CC_PolicyPCR ‖ TPML_PCR_SELECTION ‖ pcrDigest). */
export function policyPCR(hash: HashAlgorithm, digest: Uint8Array, selections: readonly PcrSelection[], pcrDigest: Uint8Array): Uint8Array {
  return hash.digest(digest, u32be(TPM_CC.PolicyPCR), marshalPcrSelections(selections), pcrDigest);
}

/** TPM2_PolicyLocality: H(policyDigest ‖ TPM_CC_PolicyLocality ‖ TPMA_LOCALITY). */
export function policyLocality(hash: HashAlgorithm, digest: Uint8Array, locality: number): Uint8Array {
  return hash.digest(digest, u32be(TPM_CC.PolicyLocality), Uint8Array.of(locality & 0xff));
}

/** args of PolicyNV and PolicyCounterTimer: H(operandB ‖ offset ‖ operation). */
function operandArgs(hash: HashAlgorithm, operandB: Uint8Array, offset: number, operation: number): Uint8Array {
  return hash.digest(operandB, u16be(offset), u16be(operation));
}

/** TPM2_PolicyNV: H(policyDigest ‖ TPM_CC_PolicyNV ‖ args ‖ nvIndex Name), args = H(operandB ‖ offset ‖ operation). */
export function policyNV(hash: HashAlgorithm, digest: Uint8Array, nvName: Uint8Array, operandB: Uint8Array, offset: number, operation: number): Uint8Array {
  return hash.digest(digest, u32be(TPM_CC.PolicyNV), operandArgs(hash, operandB, offset, operation), nvName);
}

/** TPM2_PolicyCounterTimer: H(policyDigest ‖ TPM_CC_PolicyCounterTimer ‖ args), args = H(operandB ‖ offset ‖ operation). */
export function policyCounterTimer(hash: HashAlgorithm, digest: Uint8Array, operandB: Uint8Array, offset: number, operation: number): Uint8Array {
  return hash.digest(digest, u32be(TPM_CC.PolicyCounterTimer), operandArgs(hash, operandB, offset, operation));
}

/** TPM2_PolicyPhysicalPresence: H(policyDigest ‖ TPM_CC_PolicyPhysicalPresence). */
export function policyPhysicalPresence(hash: HashAlgorithm, digest: Uint8Array): Uint8Array {
  return hash.digest(digest, u32be(TPM_CC.PolicyPhysicalPresence));
}

/** TPM2_PolicyCpHash: H(policyDigest ‖ TPM_CC_PolicyCpHash ‖ cpHashA). */
export function policyCpHash(hash: HashAlgorithm, digest: Uint8Array, cpHashA: Uint8Array): Uint8Array {
  return hash.digest(digest, u32be(TPM_CC.PolicyCpHash), cpHashA);
}

/** TPM2_PolicyNameHash: H(policyDigest ‖ TPM_CC_PolicyNameHash ‖ nameHash). */
export function policyNameHash(hash: HashAlgorithm, digest: Uint8Array, nameHash: Uint8Array): Uint8Array {
  return hash.digest(digest, u32be(TPM_CC.PolicyNameHash), nameHash);
}

/** nameHash for PolicyNameHash: H(Name1 ‖ Name2 ‖ …) of the authorized command's handles (Part 3 "TPM2_PolicyNameHash"). */
export function nameHashOf(hash: HashAlgorithm, names: readonly Uint8Array[]): Uint8Array {
  return hash.digest(...names);
}

/**
 * TPM2_PolicyDuplicationSelect: H(policyDigest ‖ TPM_CC_PolicyDuplicationSelect ‖ [objectName] ‖
 * newParentName ‖ includeObject), objectName only when includeObject is YES.
 */
export function policyDuplicationSelect(hash: HashAlgorithm, digest: Uint8Array, objectName: Uint8Array, newParentName: Uint8Array, includeObject: boolean): Uint8Array {
  const parts = includeObject ? [objectName, newParentName] : [newParentName];
  return hash.digest(digest, u32be(TPM_CC.PolicyDuplicationSelect), ...parts, Uint8Array.of(includeObject ? 1 : 0));
}

/**
 * TPM2_PolicyAuthorize: PolicyUpdate(TPM_CC_PolicyAuthorize, keySign Name, policyRef) from a
 * reset policyDigest (Part 3 "TPM2_PolicyAuthorize").
 */
export function policyAuthorize(hash: HashAlgorithm, keySignName: Uint8Array, policyRef: Uint8Array): Uint8Array {
  return policyUpdate(hash, emptyPolicy(hash), TPM_CC.PolicyAuthorize, keySignName, policyRef);
}

/** The digest keySign signs to approve a policy: aHash := H_keySignNameAlg(approvedPolicy ‖ policyRef). */
export function policyAuthorizeAHash(hash: HashAlgorithm, approvedPolicy: Uint8Array, policyRef: Uint8Array): Uint8Array {
  return hash.digest(approvedPolicy, policyRef);
}

/** TPM2_PolicyNvWritten: H(policyDigest ‖ TPM_CC_PolicyNvWritten ‖ writtenSet). */
export function policyNvWritten(hash: HashAlgorithm, digest: Uint8Array, writtenSet: boolean): Uint8Array {
  return hash.digest(digest, u32be(TPM_CC.PolicyNvWritten), Uint8Array.of(writtenSet ? 1 : 0));
}

/** TPM2_PolicyTemplate: H(policyDigest ‖ TPM_CC_PolicyTemplate ‖ templateHash). */
export function policyTemplate(hash: HashAlgorithm, digest: Uint8Array, templateHash: Uint8Array): Uint8Array {
  return hash.digest(digest, u32be(TPM_CC.PolicyTemplate), templateHash);
}

/** templateHash for PolicyTemplate: H(the marshalled TPMT_PUBLIC of inPublic, without its size). */
export function templateHashOf(hash: HashAlgorithm, publicArea: Uint8Array): Uint8Array {
  return hash.digest(publicArea);
}

/** TPM2_PolicyAuthorizeNV: H(0…0 ‖ TPM_CC_PolicyAuthorizeNV ‖ nvIndex Name), from a reset policyDigest. */
export function policyAuthorizeNV(hash: HashAlgorithm, nvName: Uint8Array): Uint8Array {
  return hash.digest(emptyPolicy(hash), u32be(TPM_CC.PolicyAuthorizeNV), nvName);
}

/** TPM2_PolicyParameters (Library 1.83): H(policyDigest ‖ TPM_CC_PolicyParameters ‖ pHash). */
export function policyParameters(hash: HashAlgorithm, digest: Uint8Array, pHash: Uint8Array): Uint8Array {
  return hash.digest(digest, u32be(TPM_CC.PolicyParameters), pHash);
}

/** pHash for PolicyParameters: H(commandCode ‖ parameters) of the authorized command. */
export function parametersHashOf(hash: HashAlgorithm, commandCode: number, parameters: Uint8Array): Uint8Array {
  return hash.digest(u32be(commandCode), parameters);
}
