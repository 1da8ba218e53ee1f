import { bigintToBytes } from '../../../crypto/bytes.js';
import { TPM_ALG, TPM_ECC, TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';

/** The KDF hash of each curve's TPMS_ALGORITHM_DETAIL_ECC (the reference's curve table; Part 4 "ECC curves"). */
const CURVE_KDF_HASH: Readonly<Record<number, number>> = {
  [TPM_ECC.NIST_P256]: TPM_ALG.SHA256,
  [TPM_ECC.NIST_P384]: TPM_ALG.SHA384,
  [TPM_ECC.NIST_P521]: TPM_ALG.SHA512,
  [TPM_ECC.SM2_P256]: TPM_ALG.SM3_256,
};

/** A non-negative integer in its shortest big-endian form (at least one octet), or padded to `size`. */
function octets(v: bigint, size = 0): Uint8Array {
  const n = Math.max(size, Math.ceil(v.toString(16).length / 2));
  return bigintToBytes(v, n);
}

/**
 * TPM2_ECC_Parameters (Part 3 "TPM2_ECC_Parameters"): the domain parameters of an implemented
 * curve (TPMS_ALGORITHM_DETAIL_ECC): key size, KDF1_SP800_56A with the curve's hash, no
 * mandatory signature scheme, p, a, b, n and h in their shortest form, G's coordinates as long as p.
 */
export const ECC_Parameters: Handler<'ECC_Parameters'> = (ctx, { curveID }) => {
  const curve = ctx.crypto.curve(curveID);
  if (!curve) throw tpmError(TPM_RC.VALUE, 'curve not implemented').at('curveID');
  const kdfHash = CURVE_KDF_HASH[curveID];
  const p = octets(curve.p);
  return {
    parameters: {
      curveID,
      keySize: curve.p.toString(2).length,
      kdf: kdfHash && ctx.crypto.hash(kdfHash) ? { scheme: TPM_ALG.KDF1_SP800_56A, details: { hashAlg: kdfHash } } : { scheme: TPM_ALG.NULL, details: null },
      sign: { scheme: TPM_ALG.NULL, details: null },
      p,
      a: octets(curve.a),
      b: octets(curve.b),
      gX: octets(curve.gx, p.length),
      gY: octets(curve.gy, p.length),
      n: octets(curve.n),
      h: octets(curve.h),
    },
  };
};
