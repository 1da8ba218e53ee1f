// The one place the emulator reaches crypto through: implementations keyed by TPM_ALG_ID and
// TPM_ECC_CURVE, narrowed to what a profile implements (TPM 2.0 Part 2 "TPM_ALG_ID").
import { TPM_ALG } from '../gen/constants.js';
import { ECC_CURVES, type Curve } from './ecc.js';
import { CryptoError } from './errors.js';
import { HASH_ALGORITHMS, type HashAlgorithm } from './hash.js';
import { createBlockCipher, symBlockSize, symKeySizes, type BlockCipher } from './symmetric.js';

/** Every algorithm this crypto layer can perform, by TPM_ALG_ID. */
export const SUPPORTED_ALGORITHMS: readonly number[] = [
  TPM_ALG.RSA,
  TPM_ALG.SHA1,
  TPM_ALG.HMAC,
  TPM_ALG.AES,
  TPM_ALG.MGF1,
  TPM_ALG.KEYEDHASH,
  TPM_ALG.XOR,
  TPM_ALG.SHA256,
  TPM_ALG.SHA384,
  TPM_ALG.SHA512,
  TPM_ALG.NULL,
  TPM_ALG.SM3_256,
  TPM_ALG.SM4,
  TPM_ALG.RSASSA,
  TPM_ALG.RSAES,
  TPM_ALG.RSAPSS,
  TPM_ALG.OAEP,
  TPM_ALG.ECDSA,
  TPM_ALG.ECDH,
  TPM_ALG.ECDAA,
  TPM_ALG.SM2,
  TPM_ALG.ECSCHNORR,
  TPM_ALG.KDF1_SP800_56A,
  TPM_ALG.KDF2,
  TPM_ALG.KDF1_SP800_108,
  TPM_ALG.ECC,
  TPM_ALG.SYMCIPHER,
  TPM_ALG.CTR,
  TPM_ALG.OFB,
  TPM_ALG.CBC,
  TPM_ALG.CFB,
  TPM_ALG.ECB,
];

/**
 * A platform's faster implementation of one-shot digests (node:crypto in vtpm/node, say). It
 * must give the same digests; the registry falls back to the pure implementation when it
 * returns undefined. Incremental contexts (sequences, whose state is snapshotted) stay pure.
 */
export interface CryptoBackend {
  digest(alg: number, parts: readonly Uint8Array[]): Uint8Array | undefined;
}

export interface CryptoRegistryOptions {
  /** TPM_ALG_IDs the profile implements; each must be in SUPPORTED_ALGORITHMS. */
  readonly algorithms: readonly number[];
  /** TPM_ECC_CURVE ids the profile implements. */
  readonly curves: readonly number[];
  readonly backend?: CryptoBackend;
}

export interface CryptoRegistry {
  readonly algorithms: ReadonlySet<number>;
  readonly curves: ReadonlySet<number>;
  implements(alg: number): boolean;
  /** The hash for a TPM_ALG_ID, if it is a hash the profile implements. */
  hash(alg: number): HashAlgorithm | undefined;
  /** Implemented hashes in TPM_ALG_ID order. */
  readonly hashes: readonly HashAlgorithm[];
  /** A keyed block cipher; CryptoError 'algorithm' / 'key-size' when not implemented. */
  cipher(alg: number, key: Uint8Array): BlockCipher;
  /** Key sizes in bits a symmetric algorithm supports here (empty when not implemented). */
  symmetricKeyBits(alg: number): readonly number[];
  symmetricBlockSize(alg: number): number | undefined;
  curve(id: number): Curve | undefined;
}

export function createCryptoRegistry(options: CryptoRegistryOptions): CryptoRegistry {
  const supported = new Set(SUPPORTED_ALGORITHMS);
  for (const a of options.algorithms) {
    if (!supported.has(a)) throw new CryptoError('algorithm', `algorithm 0x${a.toString(16).padStart(4, '0')} has no implementation`);
  }
  for (const c of options.curves) {
    if (!ECC_CURVES.has(c)) throw new CryptoError('algorithm', `curve 0x${c.toString(16).padStart(4, '0')} has no implementation`);
  }
  const algorithms = new Set(options.algorithms);
  const curves = new Set(options.curves);
  const backend = options.backend;
  const accelerate = (h: HashAlgorithm): HashAlgorithm =>
    backend ? { ...h, digest: (...parts: Uint8Array[]) => backend.digest(h.alg, parts) ?? h.digest(...parts) } : h;
  const hashes = HASH_ALGORITHMS.filter((h) => algorithms.has(h.alg))
    .sort((a, b) => a.alg - b.alg)
    .map(accelerate);
  const hashByAlg = new Map(hashes.map((h) => [h.alg, h]));
  const isCipher = (alg: number) => algorithms.has(alg) && (alg === TPM_ALG.AES || alg === TPM_ALG.SM4);
  return {
    algorithms,
    curves,
    implements: (alg) => algorithms.has(alg),
    hash: (alg) => hashByAlg.get(alg),
    hashes,
    cipher(alg, key) {
      if (!isCipher(alg)) throw new CryptoError('algorithm', `symmetric algorithm 0x${alg.toString(16)} is not implemented`);
      return createBlockCipher(alg, key);
    },
    symmetricKeyBits: (alg) => (isCipher(alg) ? symKeySizes(alg) : []),
    symmetricBlockSize: (alg) => (isCipher(alg) ? symBlockSize(alg) : undefined),
    curve: (id) => (curves.has(id) ? ECC_CURVES.get(id) : undefined),
  };
}
