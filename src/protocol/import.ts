/**
 * Host-side duplication (TPM 2.0 Part 1 "Duplication"; Part 3 "TPM2_Import"): a key or data
 * object made off the TPM, wrapped for a storage parent of a TPM, so that TPM2_Import and
 * TPM2_Load bring it in. This is what TPM2_Duplicate returns, computed with the new parent's
 * public area only:
 *
 *   seed, inSymSeed = secret sharing with the parent, label "DUPLICATE" (secret.ts)
 *   duplicate       = outer wrapper (parent nameAlg and symmetric, seed, object Name) around the
 *                     optional inner wrapper (innerSymmetric, encryptionKey) around
 *                     TPM2B(marshalled TPMT_SENSITIVE)                              (protection.ts)
 *
 * The object must be duplicable: fixedTPM and fixedParent CLEAR (TPM_RC_ATTRIBUTES), and an
 * inner wrapper when it has encryptedDuplication (TPM_RC_SYMMETRIC). The parent must be an RSA or
 * ECC restricted decryption key (TPM_RC_TYPE).
 */
import type { Rng } from '../crypto/drbg.js';
import { TPM_ALG, TPM_RC, TPMA_OBJECT } from '../gen/constants.js';
import type { TPMS_ECC_PARMS, TPMS_RSA_PARMS, TPMT_PUBLIC, TPMT_SENSITIVE, TPMT_SYM_DEF_OBJECT } from '../gen/types.js';
import { ProtocolError } from './errors.js';
import { publicName } from './keys.js';
import { marshalSensitive, wrapDuplicate, type DuplicationWrap } from './protection.js';
import { encryptSecret } from './secret.js';

/** The TPM2_Import parameters for a host-made object (with objectPublic, the object's public area). */
export interface ImportBlob {
  /** TPM2_Import encryptionKey: the inner wrapper's key, or empty without one. */
  encryptionKey: Uint8Array;
  /** TPM2_Import duplicate (TPM2B_PRIVATE contents). */
  duplicate: Uint8Array;
  /** TPM2_Import inSymSeed (TPM2B_ENCRYPTED_SECRET contents). */
  inSymSeed: Uint8Array;
  /** TPM2_Import symmetricAlg: innerSymmetric, or TPM_ALG_NULL. */
  symmetricAlg: TPMT_SYM_DEF_OBJECT;
  /** The object's Name (the blob is bound to it). */
  name: Uint8Array;
}

export interface ImportBlobOptions {
  /** An inner wrapper with this algorithm (always used in CFB mode); default none. */
  innerSymmetric?: TPMT_SYM_DEF_OBJECT;
  /** The inner wrapper's key; default drawn from rng. */
  encryptionKey?: Uint8Array;
}

const SYM_NULL: TPMT_SYM_DEF_OBJECT = { algorithm: TPM_ALG.NULL, keyBits: null, mode: null };

/** A duplication blob of (objectPublic, objectSensitive) for the storage key parentPublic. */
export function createImportBlob(
  parentPublic: TPMT_PUBLIC,
  objectPublic: TPMT_PUBLIC,
  objectSensitive: TPMT_SENSITIVE,
  rng: Rng,
  options: ImportBlobOptions = {},
): ImportBlob {
  const pa = parentPublic.objectAttributes;
  if (
    (parentPublic.type !== TPM_ALG.RSA && parentPublic.type !== TPM_ALG.ECC) ||
    (pa & TPMA_OBJECT.restricted) === 0 ||
    (pa & TPMA_OBJECT.decrypt) === 0 ||
    (pa & TPMA_OBJECT.sign_encrypt) !== 0
  ) {
    throw new ProtocolError(TPM_RC.TYPE, 'the parent is not an RSA or ECC storage key', 'parentPublic');
  }
  const a = objectPublic.objectAttributes;
  if (a & (TPMA_OBJECT.fixedTPM | TPMA_OBJECT.fixedParent)) throw new ProtocolError(TPM_RC.ATTRIBUTES, 'fixedTPM and fixedParent must be CLEAR', 'objectPublic');
  if (objectSensitive.sensitiveType !== objectPublic.type) throw new ProtocolError(TPM_RC.TYPE, 'sensitive type differs from public type', 'objectSensitive');
  const innerSymmetric = options.innerSymmetric && options.innerSymmetric.algorithm !== TPM_ALG.NULL ? options.innerSymmetric : undefined;
  if (!innerSymmetric && options.encryptionKey?.length) throw new ProtocolError(TPM_RC.SIZE, 'encryptionKey without innerSymmetric', 'encryptionKey');
  if (!innerSymmetric && a & TPMA_OBJECT.encryptedDuplication) throw new ProtocolError(TPM_RC.SYMMETRIC, 'encryptedDuplication needs an inner wrapper', 'innerSymmetric');

  const name = publicName(objectPublic);
  const { seed, encryptedSecret } = encryptSecret(parentPublic, 'DUPLICATE', rng);
  const { symmetric } = parentPublic.parameters as TPMS_RSA_PARMS | TPMS_ECC_PARMS;
  const wrap: DuplicationWrap = { name, nameAlg: objectPublic.nameAlg, outer: { nameAlg: parentPublic.nameAlg, symmetric, seed } };
  let encryptionKey: Uint8Array = new Uint8Array(0);
  if (innerSymmetric) {
    encryptionKey = options.encryptionKey ?? rng.bytes(((innerSymmetric.keyBits ?? 0) + 7) >>> 3);
    wrap.inner = { symmetric: innerSymmetric, key: encryptionKey };
  }
  return {
    encryptionKey,
    duplicate: wrapDuplicate(wrap, marshalSensitive(objectSensitive)),
    inSymSeed: encryptedSecret,
    symmetricAlg: innerSymmetric ?? SYM_NULL,
    name,
  };
}
