import { bigintToBytes, bytesToBigint } from '../../../crypto/bytes.js';
import { TPM_ALG, TPM_RC } from '../../../gen/constants.js';
import type { TPMS_ECC_PARMS, TPMS_ECC_POINT } from '../../../gen/types.js';
import { tpmError } from '../../errors.js';
import { eccPrivateKey } from '../../keys.js';
import { requireObject } from '../../object.js';
import { emptyPoint, keyCurve, multiply, parsePoint, pointBytes } from '../14-asymmetric/ecc-points.js';
import type { Handler } from '../handler.js';
import { commit, generateR } from './commit-state.js';

/**
 * TPM2_Commit (Part 3 "TPM2_Commit"): the first phase of an anonymous (ECDAA) signature. With
 * r of the next commit count, bound to the key's Name: K = [ds]B and L = [r]B for
 * B = (H_nameAlg(s2) mod p, y2) when s2 is given, E = [r]P1 when P1 is given, or E = [r]G when
 * neither is. Only a key whose scheme is anonymous (ECDAA) may commit (tpm2 profile; tcm2 has
 * no ECDAA); TPM2_Sign with the ECDAA scheme and the returned count uses r once.
 */
export const Commit: Handler<'Commit'> = (ctx, { signHandle, P1, s2, y2 }) => {
  const key = requireObject(ctx, signHandle, 'signHandle');
  if (key.public.type !== TPM_ALG.ECC) throw tpmError(TPM_RC.KEY, 'not an ECC key').at('signHandle');
  if ((key.public.parameters as TPMS_ECC_PARMS).scheme.scheme !== TPM_ALG.ECDAA) throw tpmError(TPM_RC.SCHEME, 'not an anonymous signing scheme').at('signHandle');
  if ((s2.length === 0) !== (y2.length === 0)) throw tpmError(TPM_RC.SIZE, 's2 and y2 come together').at('y2');
  const curve = keyCurve(ctx, key, 'signHandle');
  const r = generateR(ctx, curve, null, key.name);
  if (r === undefined) throw tpmError(TPM_RC.NO_RESULT, 'no commit value');
  let B;
  if (s2.length) {
    const hash = ctx.crypto.hash(key.public.nameAlg);
    if (!hash) throw tpmError(TPM_RC.HASH).at('signHandle');
    const x2 = bytesToBigint(hash.digest(s2)) % curve.p;
    B = parsePoint(curve, { x: bigintToBytes(x2, curve.byteLength), y: y2 });
    if (!B) throw tpmError(TPM_RC.ECC_POINT, '(x2, y2) is not on the curve').at('s2');
    if (!key.sensitive) throw tpmError(TPM_RC.KEY, 'a public-only key').at('signHandle');
  }
  let M;
  if (P1.point.x.length + P1.point.y.length > 0) {
    M = parsePoint(curve, P1.point);
    if (!M) throw tpmError(TPM_RC.ECC_POINT, 'P1 is not on the curve').at('P1');
  }
  const noResult = () => tpmError(TPM_RC.NO_RESULT, 'a point at infinity');
  let K: TPMS_ECC_POINT = emptyPoint();
  let L: TPMS_ECC_POINT = emptyPoint();
  let E: TPMS_ECC_POINT = emptyPoint();
  if (B) {
    const k = multiply(curve, B, eccPrivateKey(key, 'signHandle'));
    const l = multiply(curve, B, r);
    if (!k || !l) throw noResult();
    K = pointBytes(curve, k);
    L = pointBytes(curve, l);
  }
  if (M || !B) {
    const e = multiply(curve, M ?? curve.Point.BASE, r);
    if (!e) throw noResult();
    E = pointBytes(curve, e);
  }
  return { K: { point: K }, L: { point: L }, E: { point: E }, counter: commit(ctx) };
};
