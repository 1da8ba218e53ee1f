/**
 * ECDAA signing, the second phase of an anonymous signature (Part 1 "ECDAA"; Part 3
 * "TPM2_Commit"; the reference's SignEcdaa). r is the commit value of the scheme's count, bound
 * to the key's Name; nonceK is a fresh random 0 < nonceK < n; T = H(nonceK ‖ digest) mod n and
 * s = (r + T·d) mod n. The signature is (nonceK, s): signatureR holds nonceK (minimal octets),
 * signatureS holds s (padded to the size of n). A verifier checks [s]G = E + [T]Q with E = [r]G
 * (or [r]P1) from TPM2_Commit. The count is used once: success CLEARs its commitArray bit.
 */
import { bigintToBytes, bytesToBigint } from '../../../crypto/bytes.js';
import { TPM_ALG, TPM_RC } from '../../../gen/constants.js';
import type { TPMS_SCHEME_ECDAA, TPMT_SIG_SCHEME, TPMT_SIGNATURE } from '../../../gen/types.js';
import type { CommandContext } from '../../context.js';
import { tpmError } from '../../errors.js';
import { eccPrivateKey } from '../../keys.js';
import type { ObjectRecord } from '../../state/types.js';
import { keyCurve } from '../14-asymmetric/ecc-points.js';
import { endCommit, generateR } from '../19-ephemeral-ec/commit-state.js';

/** Minimal big-endian octets of v > 0 (the reference's conversion with no fixed size). */
function minimalBytes(v: bigint): Uint8Array {
  return bigintToBytes(v, Math.max(1, Math.ceil(v.toString(16).length / 2)));
}

/**
 * Signs `digest` with an ECC key under an ECDAA scheme. Errors are the bare codes the
 * reference's CryptSign returns: TPM_RC_VALUE when the count is not committed (never given out,
 * already used, or from an earlier TPM Reset), TPM_RC_SCHEME for a hash that is not implemented.
 */
export function signEcdaa(ctx: CommandContext, key: ObjectRecord, scheme: TPMT_SIG_SCHEME, digest: Uint8Array, field: string): TPMT_SIGNATURE {
  const { hashAlg, count } = scheme.details as TPMS_SCHEME_ECDAA;
  const curve = keyCurve(ctx, key, field);
  const d = eccPrivateKey(key, field);
  const r = generateR(ctx, curve, count, key.name);
  if (r === undefined) throw tpmError(TPM_RC.VALUE, 'the commit count is not in use');
  const hash = ctx.crypto.hash(hashAlg);
  if (!hash) throw tpmError(TPM_RC.SCHEME, 'hash not implemented');
  const n = curve.n;
  const nBytes = Math.ceil(curve.nBits / 8);
  for (;;) {
    // nonceK as for a private key: n-size random plus 64 bits, mod (n - 1), plus 1.
    const nonceK = (bytesToBigint(ctx.rng.bytes(nBytes + 8)) % (n - 1n)) + 1n;
    const signatureR = minimalBytes(nonceK);
    const T = bytesToBigint(hash.digest(signatureR, digest)) % n;
    if (T === 0n) continue;
    const s = (r + T * d) % n;
    if (s === 0n) continue;
    endCommit(ctx, count);
    return { sigAlg: TPM_ALG.ECDAA, signature: { hash: hashAlg, signatureR, signatureS: bigintToBytes(s, nBytes) } };
  }
}
