/**
 * What every attestation command shares (Part 3 "Attestation Commands", introduction; Part 2
 * "TPMS_ATTEST"; the reference's FillInAttestInfo and SignAttestInfo): choosing the signing key
 * and scheme, filling the TPMS_ATTEST header, and signing the marshalled structure.
 */
import { u32be } from '../../../crypto/bytes.js';
import { kdfa } from '../../../crypto/kdf.js';
import { TPM_ALG, TPM_GENERATED, TPM_RC, TPM_RH, TPMA_OBJECT } from '../../../gen/constants.js';
import type { TPMS_ATTEST, TPMT_SIG_SCHEME, TPMT_SIGNATURE, TPMU_ATTEST } from '../../../gen/types.js';
import type { CommandContext } from '../../context.js';
import { tpmError } from '../../errors.js';
import { requireObject } from '../../object.js';
import { contextHash } from '../../properties.js';
import type { ObjectRecord } from '../../state/types.js';
import { clockInfo } from '../29-clocks-timers/ReadClock.js';
import { schemeHash, selectSignScheme, signWith } from '../20-signing/signing.js';

/** TPM_PT_FIRMWARE_VERSION_1 ‖ TPM_PT_FIRMWARE_VERSION_2 as one UINT64 (Part 2 "TPMS_ATTEST"). */
export function firmwareVersionOf(ctx: CommandContext): bigint {
  const [v1, v2] = ctx.profile.spec.vendor.firmwareVersion;
  return (BigInt(v1 >>> 0) << 32n) | BigInt(v2 >>> 0);
}

/** The signer of an attestation: a signing key and its scheme, or none for TPM_RH_NULL. */
export interface AttestSigner {
  handle: number;
  key: ObjectRecord | null;
  scheme: TPMT_SIG_SCHEME;
}

const NULL_SCHEME: TPMT_SIG_SCHEME = { scheme: TPM_ALG.NULL, details: null } as TPMT_SIG_SCHEME;

/** Is the scheme anonymous (ECDAA; the reference's CryptIsSchemeAnonymous)? */
export const isAnonymous = (scheme: TPMT_SIG_SCHEME): boolean => scheme.scheme === TPM_ALG.ECDAA;

/**
 * The signing key and scheme (the reference's IsSigningObject, then CryptSelectSignScheme):
 * TPM_RH_NULL signs nothing (NULL scheme); otherwise the key must be a signing key that is not a
 * symmetric cipher (TPM_RC_KEY at signHandle) and a scheme must agree (TPM_RC_SCHEME at inScheme).
 */
export function attestSigner(ctx: CommandContext, signHandle: number, inScheme: TPMT_SIG_SCHEME): AttestSigner {
  if (signHandle === TPM_RH.NULL) return { handle: signHandle, key: null, scheme: NULL_SCHEME };
  const key = requireObject(ctx, signHandle, 'signHandle');
  if (!(key.public.objectAttributes & TPMA_OBJECT.sign_encrypt) || key.public.type === TPM_ALG.SYMCIPHER) {
    throw tpmError(TPM_RC.KEY, 'not a signing key').at('signHandle');
  }
  const scheme = selectSignScheme(ctx, key, inScheme);
  if (!scheme) throw tpmError(TPM_RC.SCHEME, 'no signing scheme agrees with the key').at('inScheme');
  return { handle: signHandle, key, scheme };
}

/** The hash of the signer's scheme (TPM_ALG_NULL without a signer). */
export const signerHash = (signer: AttestSigner): number => schemeHash(signer.scheme);

const readU64le = (b: Uint8Array, at: number): bigint => new DataView(b.buffer, b.byteOffset + at, 8).getBigUint64(0, true);
const readU32le = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset + at, 4).getUint32(0, true);

/**
 * The TPMS_ATTEST of a command (the reference's FillInAttestInfo): magic, the signer's qualified
 * Name (TPM_RH_NULL's handle without a key, empty for an anonymous scheme), extraData (empty for an
 * anonymous scheme, which signs it instead), clock information and firmware version. For a key
 * outside the endorsement and platform hierarchies (or no key) resetCount, restartCount and
 * firmwareVersion are offset by KDFa(shProof, "OBFUSCATE", qualifiedSigner) (Part 2
 * "TPMS_ATTEST"), so a key in the storage hierarchy cannot tell when the TPM was reset; the
 * 128 bits are read as two little-endian UINT64, as the reference does on its usual hosts.
 */
export function attestInfo(ctx: CommandContext, signer: AttestSigner, qualifyingData: Uint8Array, type: number, attested: TPMU_ATTEST): TPMS_ATTEST {
  const anonymous = isAnonymous(signer.scheme);
  const qualifiedSigner = signer.key === null ? u32be(TPM_RH.NULL) : anonymous ? new Uint8Array(0) : signer.key.qualifiedName;
  const clock = clockInfo(ctx);
  let firmwareVersion = firmwareVersionOf(ctx);
  const hierarchy = signer.key?.hierarchy;
  if (hierarchy !== TPM_RH.ENDORSEMENT && hierarchy !== TPM_RH.PLATFORM) {
    const proof = ctx.read('persistent').hierarchyProof.owner;
    const obfuscation = kdfa(contextHash(ctx.profile), proof, 'OBFUSCATE', qualifiedSigner, new Uint8Array(0), 128);
    firmwareVersion = (firmwareVersion + readU64le(obfuscation, 0)) & 0xffffffffffffffffn;
    clock.resetCount = (clock.resetCount + readU32le(obfuscation, 12)) >>> 0;
    clock.restartCount = (clock.restartCount + readU32le(obfuscation, 8)) >>> 0;
  }
  return {
    magic: TPM_GENERATED.VALUE,
    type,
    qualifiedSigner,
    extraData: anonymous ? new Uint8Array(0) : qualifyingData,
    clockInfo: clock,
    firmwareVersion,
    attested,
  };
}

/**
 * Marshals and signs an attestation (the reference's SignAttestInfo): the digest is
 * H_scheme(TPMS_ATTEST), and for an anonymous scheme H_scheme(qualifyingData ‖ that digest).
 * Without a signer the signature is TPM_ALG_NULL.
 */
export function signAttest(
  ctx: CommandContext,
  signer: AttestSigner,
  attest: TPMS_ATTEST,
  qualifyingData: Uint8Array,
): { bytes: Uint8Array; signature: TPMT_SIGNATURE } {
  const bytes = ctx.codec.encode('TPMS_ATTEST', attest);
  if (signer.key === null) return { bytes, signature: { sigAlg: TPM_ALG.NULL, signature: null } as TPMT_SIGNATURE };
  const hash = ctx.crypto.hash(signerHash(signer))!;
  let digest = hash.digest(bytes);
  if (isAnonymous(signer.scheme) && qualifyingData.length !== 0) digest = hash.digest(qualifyingData, digest);
  return { bytes, signature: signWith(ctx, signer.key, signer.scheme, digest, 'signHandle') };
}
