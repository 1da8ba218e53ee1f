/**
 * Signing a digest with an object and verifying TPMT_SIGNATURE values (TPM 2.0 Part 1
 * "Signature Operations", "RSASSA-PSS", "ECDSA", "EC Schnorr", "SM2"; Part 3 "TPM2_Sign",
 * "TPM2_VerifySignature"). The TPM signs the digest it is given: no hashing here, except the
 * HMAC of a keyedHash key and the EC Schnorr challenge.
 *
 * Randomness: the RSASSA-PSS salt is drawn from rng. ECC nonces are RFC 6979 nonces derived from
 * the key and the digest with 32 octets from rng as additional input (RFC 6979 3.6), so a
 * seeded DRBG gives reproducible signatures and a weak rng alone cannot leak the key; with
 * `deterministic` the rng is not used and k depends on key and digest only. ECDAA signing
 * needs the TPM's commit state, so the engine does it (TPM_RC_SCHEME here); ECDAA signatures
 * are not verified (TPM_RC_SCHEME), as in the reference.
 */
import { bytesEqual } from '../crypto/bytes.js';
import type { Rng } from '../crypto/drbg.js';
import { ecdsaSign, ecdsaVerify, ecSchnorrSign, ecSchnorrVerify, type EcSignOptions } from '../crypto/ecc.js';
import { hmac } from '../crypto/hmac.js';
import { rsapssSign, rsapssVerify, rsassaSign, rsassaVerify, rsaModulusBytes } from '../crypto/rsa.js';
import { sm2SignDigest, sm2VerifyDigest } from '../crypto/sm2.js';
import { TPM_ALG, TPM_RC } from '../gen/constants.js';
import type {
  TPMS_KEYEDHASH_PARMS,
  TPMS_SCHEME_HASH,
  TPMS_SIGNATURE_ECC,
  TPMS_SIGNATURE_RSA,
  TPMT_HA,
  TPMT_PUBLIC,
  TPMT_SENSITIVE,
  TPMT_SIG_SCHEME,
  TPMT_SIGNATURE,
} from '../gen/types.js';
import { guard, ProtocolError } from './errors.js';
import { eccPrivateKeyOf, eccPublicPointOf, hashOf, rsaPrivateKeyOf, rsaPublicKeyOf } from './keys.js';

export interface SignOptions {
  /** ECC: derive k from the key and the digest only (plain RFC 6979); rng is not used. */
  deterministic?: boolean;
}

const scheme = (msg: string) => new ProtocolError(TPM_RC.SCHEME, msg);

/**
 * Signs `digest` with the object (pub, sensitive) under `sigScheme`, a scheme already resolved
 * against the key's own (Part 3 "TPM2_Sign": CryptSelectSignScheme is the caller's job).
 * TPM_ALG_NULL gives the NULL signature. Errors (ProtocolError): TPM_RC_SCHEME for a scheme or
 * hash the key type cannot sign with (ECDAA included), TPM_RC_KEY for a non-signing type,
 * TPM_RC_VALUE for a digest whose size does not match the RSA scheme hash, key errors from
 * keys.ts (TPM_RC_KEY_SIZE, TPM_RC_BINDING).
 */
export function signDigest(
  pub: TPMT_PUBLIC,
  sensitive: TPMT_SENSITIVE,
  sigScheme: TPMT_SIG_SCHEME,
  digest: Uint8Array,
  rng: Rng,
  opts: SignOptions = {},
): TPMT_SIGNATURE {
  const sigAlg = sigScheme.scheme;
  if (sigAlg === TPM_ALG.NULL) return { sigAlg, signature: null };
  const hashAlg = (sigScheme.details as TPMS_SCHEME_HASH | null)?.hashAlg ?? TPM_ALG.NULL;
  const hash = hashOf(hashAlg, TPM_RC.SCHEME);
  switch (pub.type) {
    case TPM_ALG.RSA: {
      if (sigAlg !== TPM_ALG.RSASSA && sigAlg !== TPM_ALG.RSAPSS) throw scheme('not an RSA signature scheme');
      const key = rsaPrivateKeyOf(pub, sensitive);
      const sig = guard(() => (sigAlg === TPM_ALG.RSASSA ? rsassaSign(key, hash, digest) : rsapssSign(key, hash, digest, rng)));
      const signature: TPMS_SIGNATURE_RSA = { hash: hashAlg, sig };
      return { sigAlg, signature };
    }
    case TPM_ALG.ECC: {
      if (sigAlg !== TPM_ALG.ECDSA && sigAlg !== TPM_ALG.ECSCHNORR && sigAlg !== TPM_ALG.SM2) {
        throw scheme('not an implemented ECC signature scheme');
      }
      const { curve } = eccPublicPointOf(pub);
      const d = eccPrivateKeyOf(pub, sensitive);
      const nonce: EcSignOptions = opts.deterministic ? {} : { extraEntropy: rng.bytes(32) };
      const rs = guard(() =>
        sigAlg === TPM_ALG.ECDSA
          ? ecdsaSign(curve, d, digest, nonce)
          : sigAlg === TPM_ALG.ECSCHNORR
            ? ecSchnorrSign(curve, d, hash, digest, nonce)
            : sm2SignDigest(curve, d, digest, nonce),
      );
      const signature: TPMS_SIGNATURE_ECC = { hash: hashAlg, signatureR: rs.r, signatureS: rs.s };
      return { sigAlg, signature };
    }
    case TPM_ALG.KEYEDHASH: {
      if (sigAlg !== TPM_ALG.HMAC) throw scheme('not an HMAC scheme');
      if (sensitive.sensitiveType !== TPM_ALG.KEYEDHASH) throw new ProtocolError(TPM_RC.TYPE, 'sensitive area type does not match');
      const signature: TPMT_HA = { hashAlg, digest: hmac(hash, sensitive.sensitive as Uint8Array, digest) };
      return { sigAlg, signature };
    }
    default:
      throw new ProtocolError(TPM_RC.KEY, 'not a signing key type');
  }
}

/**
 * Checks `signature` over `digest` with the key `pub` (Part 3 "TPM2_VerifySignature", as the
 * reference's CryptValidateSignature). Returns whether the signature is genuine; malformed
 * values (wrong sizes, r or s out of range, a NULL signature) are simply not genuine. Throws
 * ProtocolError TPM_RC_SCHEME when the signature algorithm does not belong to the key type or is
 * not implemented (ECDAA, an unknown hash), and TPM_RC_HANDLE for an HMAC signature when the
 * key's sensitive area (the HMAC key) is not given. A keyedHash key with a scheme other than
 * NULL only accepts signatures with exactly its scheme and hash.
 */
export function verifySignature(pub: TPMT_PUBLIC, digest: Uint8Array, signature: TPMT_SIGNATURE, sensitive?: TPMT_SENSITIVE): boolean {
  const sigAlg = signature.sigAlg;
  if (sigAlg === TPM_ALG.NULL) return false;
  switch (pub.type) {
    case TPM_ALG.RSA: {
      if (sigAlg !== TPM_ALG.RSASSA && sigAlg !== TPM_ALG.RSAPSS) throw scheme('not an RSA signature');
      const { hash: hashAlg, sig } = signature.signature as TPMS_SIGNATURE_RSA;
      const hash = hashOf(hashAlg, TPM_RC.SCHEME);
      const key = rsaPublicKeyOf(pub);
      if (sig.length !== rsaModulusBytes(key)) return false;
      return sigAlg === TPM_ALG.RSASSA ? rsassaVerify(key, hash, digest, sig) : rsapssVerify(key, hash, digest, sig);
    }
    case TPM_ALG.ECC: {
      if (sigAlg !== TPM_ALG.ECDSA && sigAlg !== TPM_ALG.ECSCHNORR && sigAlg !== TPM_ALG.SM2) {
        throw scheme('not an implemented ECC signature');
      }
      const { hash: hashAlg, signatureR: r, signatureS: s } = signature.signature as TPMS_SIGNATURE_ECC;
      const hash = hashOf(hashAlg, TPM_RC.SCHEME);
      const { curve, x, y } = eccPublicPointOf(pub);
      if (sigAlg === TPM_ALG.ECDSA) return ecdsaVerify(curve, x, y, digest, r, s);
      if (sigAlg === TPM_ALG.ECSCHNORR) return ecSchnorrVerify(curve, x, y, hash, digest, r, s);
      return sm2VerifyDigest(curve, x, y, digest, r, s);
    }
    case TPM_ALG.KEYEDHASH: {
      const ha = signature.signature as TPMT_HA | null;
      if (sigAlg !== TPM_ALG.HMAC || ha === null || ha.hashAlg === TPM_ALG.NULL) throw scheme('not an HMAC signature');
      const hash = hashOf(ha.hashAlg, TPM_RC.SCHEME);
      if (sensitive === undefined) throw new ProtocolError(TPM_RC.HANDLE, 'HMAC verification needs the sensitive area');
      const keyScheme = (pub.parameters as TPMS_KEYEDHASH_PARMS).scheme;
      if (
        keyScheme.scheme !== TPM_ALG.NULL &&
        (keyScheme.scheme !== sigAlg || (keyScheme.details as TPMS_SCHEME_HASH).hashAlg !== ha.hashAlg)
      ) {
        return false;
      }
      const expected = hmac(hash, sensitive.sensitive as Uint8Array, digest);
      return ha.digest !== null && bytesEqual(expected, ha.digest);
    }
    default:
      throw scheme('not a signing key type');
  }
}

/** verifySignature, with a signature that is not genuine reported as ProtocolError TPM_RC_SIGNATURE. */
export function checkSignature(pub: TPMT_PUBLIC, digest: Uint8Array, signature: TPMT_SIGNATURE, sensitive?: TPMT_SENSITIVE): void {
  if (!verifySignature(pub, digest, signature, sensitive)) throw new ProtocolError(TPM_RC.SIGNATURE, 'signature is not genuine');
}
