/**
 * Signing with a loaded object, shared by TPM2_Sign and the attestation commands (Part 1
 * "Signature Operations"; the reference's CryptSelectSignScheme and CryptSign).
 */
import { rsapssSign, rsassaSign } from '../../../crypto/rsa.js';
import { TPM_ALG } from '../../../gen/constants.js';
import type {
  TPMS_ECC_PARMS,
  TPMS_KEYEDHASH_PARMS,
  TPMS_RSA_PARMS,
  TPMS_SCHEME_HASH,
  TPMT_SIG_SCHEME,
  TPMT_SIGNATURE,
} from '../../../gen/types.js';
import { guard } from '../../../protocol/errors.js';
import { signDigest } from '../../../protocol/signature.js';
import type { CommandContext } from '../../context.js';
import { rsaPrivateKey } from '../../keys.js';
import type { ObjectRecord } from '../../state/types.js';
import { ensureTested } from '../10-testing/self-test.js';
import { signEcdaa } from './ecdaa.js';

/** Signature schemes by key type (the reference's CryptIsAsymSignScheme; HMAC for keyedHash). */
const SIGN_SCHEMES: Readonly<Record<number, ReadonlySet<number>>> = {
  [TPM_ALG.RSA]: new Set([TPM_ALG.RSASSA, TPM_ALG.RSAPSS]),
  [TPM_ALG.ECC]: new Set([TPM_ALG.ECDSA, TPM_ALG.ECDAA, TPM_ALG.SM2, TPM_ALG.ECSCHNORR]),
  [TPM_ALG.KEYEDHASH]: new Set([TPM_ALG.HMAC]),
};

/** The hash of a scheme (TPM_ALG_NULL for the NULL scheme). */
export const schemeHash = (scheme: { scheme: number; details: unknown }): number =>
  scheme.scheme === TPM_ALG.NULL ? TPM_ALG.NULL : ((scheme.details as TPMS_SCHEME_HASH | null)?.hashAlg ?? TPM_ALG.NULL);

/**
 * The scheme a signing key signs with (the reference's CryptSelectSignScheme): the key's own
 * unless it is NULL, then the caller's; both set, they must agree in scheme and hash; the
 * result must be a signature scheme of the key type with an implemented hash. Undefined when
 * no scheme can be chosen (the caller's TPM_RC_SCHEME). ECDAA, a split scheme, needs the
 * caller's count, so a key's ECDAA scheme is not taken for a NULL input; with both given, the
 * caller's scheme (and its count) is used.
 */
export function selectSignScheme(ctx: CommandContext, key: ObjectRecord, inScheme: TPMT_SIG_SCHEME): TPMT_SIG_SCHEME | undefined {
  const type = key.public.type;
  const valid = SIGN_SCHEMES[type];
  if (!valid) return undefined;
  const keyScheme = (key.public.parameters as TPMS_RSA_PARMS | TPMS_ECC_PARMS | TPMS_KEYEDHASH_PARMS).scheme;
  let scheme: TPMT_SIG_SCHEME;
  if (keyScheme.scheme === TPM_ALG.NULL) {
    if (inScheme.scheme === TPM_ALG.NULL) return undefined;
    scheme = inScheme;
  } else if (inScheme.scheme === TPM_ALG.NULL) {
    if (keyScheme.scheme === TPM_ALG.ECDAA) return undefined;
    scheme = { scheme: keyScheme.scheme, details: keyScheme.details } as TPMT_SIG_SCHEME;
  } else {
    if (keyScheme.scheme !== inScheme.scheme || schemeHash(keyScheme) !== schemeHash(inScheme)) return undefined;
    scheme = inScheme;
  }
  if (!valid.has(scheme.scheme) || !ctx.crypto.hash(schemeHash(scheme))) return undefined;
  return scheme;
}

/**
 * Signs `digest` with a loaded signing object under a scheme from selectSignScheme (the
 * reference's CryptSign). RSA keys use the record's cached private key; ECDAA uses (and ends)
 * the commit of the scheme's count. Errors are the bare codes CryptSign returns: TPM_RC_VALUE for
 * a digest the RSA scheme cannot take or an ECDAA count not committed, TPM_RC_SCHEME.
 */
export function signWith(ctx: CommandContext, key: ObjectRecord, scheme: TPMT_SIG_SCHEME, digest: Uint8Array, field: string): TPMT_SIGNATURE {
  const sigAlg = scheme.scheme;
  if (sigAlg === TPM_ALG.NULL) return { sigAlg, signature: null };
  const hashAlg = schemeHash(scheme);
  ensureTested(ctx, [sigAlg, hashAlg]);
  if (key.public.type === TPM_ALG.RSA && (sigAlg === TPM_ALG.RSASSA || sigAlg === TPM_ALG.RSAPSS)) {
    const rsa = rsaPrivateKey(key, field);
    const hash = ctx.crypto.hash(hashAlg)!;
    const sig = guard(() => (sigAlg === TPM_ALG.RSASSA ? rsassaSign(rsa, hash, digest) : rsapssSign(rsa, hash, digest, ctx.rng)));
    return { sigAlg, signature: { hash: hashAlg, sig } };
  }
  if (key.public.type === TPM_ALG.ECC && sigAlg === TPM_ALG.ECDAA) return signEcdaa(ctx, key, scheme, digest, field);
  return guard(() => signDigest(key.public, key.sensitive!, scheme, digest, ctx.rng));
}
