/**
 * Secret sharing with an asymmetric key (TPM 2.0 Part 1 "Secret Sharing": "RSA Encrypted
 * Salt", "ECC Encrypted Salt"; Annex B/C "Secret Sharing"): the seed of a salted session
 * (label "SECRET"), of a duplication blob's outer wrapper ("DUPLICATE") and of a credential
 * ("IDENTITY").
 *
 *   RSA: seed = random octets, encryptedSecret = RSAES-OAEP(key, seed, label "LABEL\0")
 *   ECC: (d_e, Q_e) ephemeral on the key's curve, Z = x([d_e]Q_key),
 *        seed = KDFe(nameAlg, Z, label, x(Q_e), x(Q_key), digest bits of nameAlg),
 *        encryptedSecret = marshalled TPMS_ECC_POINT Q_e
 *
 * OAEP hash: the key's OAEP scheme hash when it has one, else its nameAlg (restricted keys have
 * scheme NULL, so nameAlg); the seed has that hash's digest size. This matches what the TPM
 * decrypts (the reference's CryptSecretDecrypt) and go-tpm's labeled encapsulation, whose
 * vectors were validated against TPMs. decryptSecret follows CryptSecretDecrypt's checks and
 * codes: RSA key scheme other than NULL/OAEP TPM_RC_SCHEME; ciphertext not the modulus size or
 * not below the modulus TPM_RC_SIZE; OAEP decoding failure or a seed longer than the digest
 * TPM_RC_VALUE; ECC point not decodable TPM_RC_INSUFFICIENT/TPM_RC_SIZE, not on the curve
 * TPM_RC_ECC_POINT, product at infinity TPM_RC_NO_RESULT (octets after the point are ignored).
 */
import { bytesToBigint, concatBytes, utf8 } from '../crypto/bytes.js';
import type { Rng } from '../crypto/drbg.js';
import { ecdh, eccGenerateKey, eccPointIsValid } from '../crypto/ecc.js';
import type { HashAlgorithm } from '../crypto/hash.js';
import { kdfe } from '../crypto/kdf.js';
import { oaepDecrypt, oaepEncrypt, rsaModulusBytes } from '../crypto/rsa.js';
import { cfbDecrypt, createBlockCipher, xorObfuscate } from '../crypto/symmetric.js';
import { TPM_ALG, TPM_RC, TPMA_OBJECT } from '../gen/constants.js';
import type {
  TPMS_ECC_POINT,
  TPMS_RSA_PARMS,
  TPMS_SCHEME_HASH,
  TPMS_SYMCIPHER_PARMS,
  TPMT_PUBLIC,
  TPMT_SENSITIVE,
} from '../gen/types.js';
import { Reader } from '../wire/reader.js';
import { guard, ProtocolError } from './errors.js';
import { eccPrivateKeyOf, eccPublicPointOf, hashOf, protocolCodec, rsaPrivateKeyOf, rsaPublicKeyOf } from './keys.js';

/** The labels of Part 1 "Secret Sharing" (any other string is accepted too). */
export type SecretLabel = 'SECRET' | 'DUPLICATE' | 'IDENTITY';

export interface SharedSecret {
  /** The seed (salt) both sides now know. */
  seed: Uint8Array;
  /** TPM2B_ENCRYPTED_SECRET contents for the key's owner. */
  encryptedSecret: Uint8Array;
}

/** The label as the TPM uses it: the string and its terminating zero octet. */
export function secretLabel(label: string): Uint8Array {
  const l = utf8(label);
  return l.length > 0 && l[l.length - 1] === 0 ? l : concatBytes(l, Uint8Array.of(0));
}

/** OAEP hash of an RSA key: its OAEP scheme hash, NULL scheme → nameAlg, others → `other`. */
function oaepHash(pub: TPMT_PUBLIC, other: 'nameAlg' | 'scheme-error'): HashAlgorithm {
  const { scheme } = (pub.parameters as TPMS_RSA_PARMS).scheme;
  const details = (pub.parameters as TPMS_RSA_PARMS).scheme.details as TPMS_SCHEME_HASH | null;
  if (scheme === TPM_ALG.OAEP && details !== null && details.hashAlg !== TPM_ALG.NULL) return hashOf(details.hashAlg, TPM_RC.SCHEME);
  if (scheme !== TPM_ALG.NULL && scheme !== TPM_ALG.OAEP && other === 'scheme-error') {
    throw new ProtocolError(TPM_RC.SCHEME, 'RSA key scheme cannot decrypt a secret');
  }
  return hashOf(pub.nameAlg, TPM_RC.SCHEME);
}

/**
 * A fresh seed and its encryption to the key `pub` (TPM2_MakeCredential, TPM2_Duplicate, a
 * caller's salted TPM2_StartAuthSession). RSA and ECC keys only (TPM_RC_TYPE otherwise); the
 * key must have the decrypt attribute (TPM_RC_ATTRIBUTES); an ECC point off the curve is
 * TPM_RC_KEY.
 */
export function encryptSecret(pub: TPMT_PUBLIC, label: SecretLabel | string, rng: Rng): SharedSecret {
  if ((pub.objectAttributes & TPMA_OBJECT.decrypt) === 0) throw new ProtocolError(TPM_RC.ATTRIBUTES, 'not a decryption key');
  switch (pub.type) {
    case TPM_ALG.RSA: {
      const key = rsaPublicKeyOf(pub);
      const hash = oaepHash(pub, 'nameAlg');
      const seed = rng.bytes(hash.digestSize);
      const encryptedSecret = guard(() => oaepEncrypt(key, hash, seed, secretLabel(label), rng));
      return { seed, encryptedSecret };
    }
    case TPM_ALG.ECC: {
      const { curve, x, y } = eccPublicPointOf(pub);
      if (!eccPointIsValid(curve, x, y)) throw new ProtocolError(TPM_RC.KEY, 'public point is not on the curve');
      const hash = hashOf(pub.nameAlg);
      const eph = eccGenerateKey(curve, rng);
      const z = guard(() => ecdh(curve, eph.d, x, y));
      const seed = kdfe(hash, z.x, label, eph.x, x, hash.digestSize * 8);
      const point: TPMS_ECC_POINT = { x: eph.x, y: eph.y };
      return { seed, encryptedSecret: protocolCodec().encode('TPMS_ECC_POINT', point) };
    }
    default:
      throw new ProtocolError(TPM_RC.TYPE, 'secrets are shared with RSA and ECC keys');
  }
}

/**
 * The seed in `encryptedSecret` for the key (pub, sensitive) (TPM2_ActivateCredential,
 * TPM2_Import, TPM2_StartAuthSession). Codes as listed at the top of this file. KeyedHash and
 * symmetric keys (TPM2_StartAuthSession only) take `nonceCaller`: XOR obfuscation resp. CFB with
 * nonceCaller as IV; a secret longer than the nameAlg digest is TPM_RC_VALUE.
 */
export function decryptSecret(
  pub: TPMT_PUBLIC,
  sensitive: TPMT_SENSITIVE,
  label: SecretLabel | string,
  encryptedSecret: Uint8Array,
  nonceCaller: Uint8Array = new Uint8Array(0),
): Uint8Array {
  switch (pub.type) {
    case TPM_ALG.RSA: {
      const hash = oaepHash(pub, 'scheme-error');
      const pubKey = rsaPublicKeyOf(pub);
      if (encryptedSecret.length !== rsaModulusBytes(pubKey) || bytesToBigint(encryptedSecret) >= pubKey.n) {
        throw new ProtocolError(TPM_RC.SIZE, 'encrypted secret does not match the modulus');
      }
      const key = rsaPrivateKeyOf(pub, sensitive);
      const seed = guard(() => oaepDecrypt(key, hash, encryptedSecret, secretLabel(label)));
      if (seed.length > hash.digestSize) throw new ProtocolError(TPM_RC.VALUE, 'secret longer than the digest');
      return seed;
    }
    case TPM_ALG.ECC: {
      const { curve, x } = eccPublicPointOf(pub);
      const q = guard(() => protocolCodec().read<TPMS_ECC_POINT>('TPMS_ECC_POINT', new Reader(encryptedSecret)));
      if (!eccPointIsValid(curve, q.x, q.y)) throw new ProtocolError(TPM_RC.ECC_POINT, 'point is not on the curve');
      const d = eccPrivateKeyOf(pub, sensitive);
      let z: Uint8Array;
      try {
        z = ecdh(curve, d, q.x, q.y).x;
      } catch {
        throw new ProtocolError(TPM_RC.NO_RESULT, 'shared point is the point at infinity');
      }
      const hash = hashOf(pub.nameAlg);
      return kdfe(hash, z, label, q.x, x, hash.digestSize * 8);
    }
    case TPM_ALG.KEYEDHASH: {
      const hash = hashOf(pub.nameAlg);
      if (encryptedSecret.length > hash.digestSize) throw new ProtocolError(TPM_RC.VALUE, 'secret longer than the digest');
      return xorObfuscate(hash, sensitive.sensitive as Uint8Array, nonceCaller, new Uint8Array(0), encryptedSecret);
    }
    case TPM_ALG.SYMCIPHER: {
      const hash = hashOf(pub.nameAlg);
      if (encryptedSecret.length > hash.digestSize) throw new ProtocolError(TPM_RC.VALUE, 'secret longer than the digest');
      const { sym } = pub.parameters as TPMS_SYMCIPHER_PARMS;
      const cipher = guard(() => createBlockCipher(sym.algorithm, sensitive.sensitive as Uint8Array));
      const iv = new Uint8Array(cipher.blockSize);
      iv.set(nonceCaller.subarray(0, cipher.blockSize));
      return cfbDecrypt(cipher, iv, encryptedSecret);
    }
    default:
      throw new ProtocolError(TPM_RC.TYPE, 'not a decryption key type');
  }
}
