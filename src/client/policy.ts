/**
 * A host-side policy calculator (Part 1 "Policy Digest"): builds the authPolicy a chain of
 * policy commands produces, with the same functions (src/protocol/policy.ts) the emulator's
 * policy commands use, so `createPolicy(...).digest()` equals what TPM2_PolicyGetDigest returns
 * after the same commands in a policy or trial session.
 *
 *   const authPolicy = createPolicy(TPM_ALG.SHA256).pcr([{ hash: TPM_ALG.SHA256, pcrs: [7] }], [pcr7]).commandCode(TPM_CC.Unseal).digest();
 */
import { hashByAlg, type HashAlgorithm } from '../crypto/hash.js';
import { TPM_ALG } from '../gen/constants.js';
import * as P from '../protocol/policy.js';
import { handleName } from '../protocol/session.js';

/** A PCR selection: PCR numbers (3-octet bitmap unless `size`) or a TPMS_PCR_SELECTION as sent. */
export type PolicyPcrSelection = { hash: number; pcrs: readonly number[]; size?: number } | P.PcrSelection;

/** A Name, or a handle whose Name is the handle itself (hierarchies, PCRs, sessions). */
export type PolicyName = Uint8Array | number;

export interface PolicyBuilder {
  readonly hashAlg: number;
  /** TPM2_PolicyCommandCode. */
  commandCode(code: number): PolicyBuilder;
  /** TPM2_PolicyAuthValue. */
  authValue(): PolicyBuilder;
  /** TPM2_PolicyPassword (the same digest as PolicyAuthValue). */
  password(): PolicyBuilder;
  /** TPM2_PolicySecret with the authorizing entity's Name (or permanent handle). */
  secret(authName: PolicyName, policyRef?: Uint8Array): PolicyBuilder;
  /** TPM2_PolicySigned with the signing key's Name (also TPM2_PolicyTicket of its ticket). */
  signed(keyName: Uint8Array, policyRef?: Uint8Array): PolicyBuilder;
  /**
   * TPM2_PolicyPCR: the selection and either the PCR values in selection order (their digest is
   * taken) or pcrDigest itself.
   */
  pcr(selection: readonly PolicyPcrSelection[], pcrDigestOrValues: Uint8Array | readonly Uint8Array[]): PolicyBuilder;
  /** TPM2_PolicyLocality with a TPMA_LOCALITY. */
  locality(locality: number): PolicyBuilder;
  /** TPM2_PolicyNV: the index's Name, operandB, offset and TPM_EO. */
  nv(nvName: Uint8Array, operandB: Uint8Array, offset: number, operation: number): PolicyBuilder;
  /** TPM2_PolicyCounterTimer: operandB against the TPMS_TIME_INFO octets at offset. */
  counterTimer(operandB: Uint8Array, offset: number, operation: number): PolicyBuilder;
  /** TPM2_PolicyPhysicalPresence. */
  physicalPresence(): PolicyBuilder;
  /** TPM2_PolicyCpHash. */
  cpHash(cpHashA: Uint8Array): PolicyBuilder;
  /** TPM2_PolicyNameHash (see nameHashOf for the value). */
  nameHash(nameHash: Uint8Array): PolicyBuilder;
  /** TPM2_PolicyDuplicationSelect. */
  duplicationSelect(objectName: Uint8Array, newParentName: Uint8Array, includeObject: boolean): PolicyBuilder;
  /**
   * TPM2_PolicyAuthorize: the digest becomes PolicyUpdate(TPM_CC_PolicyAuthorize, keySign's Name,
   * policyRef) from a reset digest, whatever came before (the approved policy is checked by the TPM only).
   */
  authorize(keySignName: Uint8Array, policyRef?: Uint8Array): PolicyBuilder;
  /** TPM2_PolicyNvWritten. */
  nvWritten(writtenSet: boolean): PolicyBuilder;
  /** TPM2_PolicyTemplate (see templateHashOf). */
  template(templateHash: Uint8Array): PolicyBuilder;
  /** TPM2_PolicyParameters (TPM 2.0 Library 1.83; see parametersHashOf). */
  parameters(pHash: Uint8Array): PolicyBuilder;
  /** TPM2_PolicyAuthorizeNV: from a reset digest, with the Name of the index holding the approved policy. */
  authorizeNV(nvName: Uint8Array): PolicyBuilder;
  /** TPM2_PolicyOR of branches (digests or builders); the digest so far must be one of them at use. */
  or(...branches: (Uint8Array | PolicyBuilder)[]): PolicyBuilder;
  /** The policy digest so far. */
  digest(): Uint8Array;
}

const EMPTY = new Uint8Array(0);
const nameOf = (n: PolicyName): Uint8Array => (typeof n === 'number' ? handleName(n) : n);

function selectionOf(s: PolicyPcrSelection): P.PcrSelection {
  return 'pcrs' in s ? P.pcrSelection(s.hash, s.pcrs, s.size) : s;
}

/** Starts a policy for a session hash (default SHA-256) from the empty digest (or a given one). */
export function createPolicy(hashAlg: number = TPM_ALG.SHA256, start?: Uint8Array): PolicyBuilder {
  const found = hashByAlg(hashAlg);
  if (!found) throw new Error(`createPolicy: unknown hash algorithm 0x${hashAlg.toString(16)}`);
  const hash: HashAlgorithm = found;
  if (start && start.length !== hash.digestSize) throw new Error('createPolicy: the start digest is not of the hash size');
  let d = start ? start.slice() : P.emptyPolicy(hash);
  const step = (f: (old: Uint8Array) => Uint8Array): PolicyBuilder => {
    d = f(d);
    return builder;
  };
  const builder: PolicyBuilder = {
    hashAlg,
    commandCode: (code) => step((x) => P.policyCommandCode(hash, x, code)),
    authValue: () => step((x) => P.policyAuthValue(hash, x)),
    password: () => step((x) => P.policyAuthValue(hash, x)),
    secret: (authName, policyRef = EMPTY) => step((x) => P.policySecret(hash, x, nameOf(authName), policyRef)),
    signed: (keyName, policyRef = EMPTY) => step((x) => P.policySigned(hash, x, keyName, policyRef)),
    pcr: (selection, v) =>
      step((x) => P.policyPCR(hash, x, selection.map(selectionOf), v instanceof Uint8Array ? v : P.pcrValuesDigest(hash, v))),
    locality: (locality) => step((x) => P.policyLocality(hash, x, locality)),
    nv: (nvName, operandB, offset, operation) => step((x) => P.policyNV(hash, x, nvName, operandB, offset, operation)),
    counterTimer: (operandB, offset, operation) => step((x) => P.policyCounterTimer(hash, x, operandB, offset, operation)),
    physicalPresence: () => step((x) => P.policyPhysicalPresence(hash, x)),
    cpHash: (cpHashA) => step((x) => P.policyCpHash(hash, x, cpHashA)),
    nameHash: (nameHash) => step((x) => P.policyNameHash(hash, x, nameHash)),
    duplicationSelect: (objectName, newParentName, includeObject) =>
      step((x) => P.policyDuplicationSelect(hash, x, objectName, newParentName, includeObject)),
    authorize: (keySignName, policyRef = EMPTY) => step(() => P.policyAuthorize(hash, keySignName, policyRef)),
    nvWritten: (writtenSet) => step((x) => P.policyNvWritten(hash, x, writtenSet)),
    template: (templateHash) => step((x) => P.policyTemplate(hash, x, templateHash)),
    parameters: (pHash) => step((x) => P.policyParameters(hash, x, pHash)),
    authorizeNV: (nvName) => step(() => P.policyAuthorizeNV(hash, nvName)),
    or: (...branches) => {
      if (branches.length < 2 || branches.length > 8) throw new Error('createPolicy: PolicyOR takes 2 to 8 branches');
      return step(() => P.policyOR(hash, branches.map((b) => (b instanceof Uint8Array ? b : b.digest()))));
    },
    digest: () => d.slice(),
  };
  return builder;
}

export {
  nameHashOf,
  parametersHashOf,
  pcrSelection,
  policyAuthorizeAHash,
  policySignedAHash,
  templateHashOf,
  type PcrSelection,
} from '../protocol/policy.js';
