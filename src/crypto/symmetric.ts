// Symmetric block ciphers and the TPM block cipher modes (TPM 2.0 Part 1 "Symmetric Encryption",
// Part 3 "TPM2_EncryptDecrypt"), plus the XOR obfuscation of Part 1 "XOR Obfuscation".
//
// Chaining-value (ivOut) semantics follow the TPM behaviour, so that a following
// TPM2_EncryptDecrypt with ivIn = ivOut continues the stream when the previous data was a whole
// number of blocks:
//   CBC  last ciphertext block              CTR  counter after the last (possibly partial) block
//   OFB  last output block of the cipher    ECB  the IV passed in, unchanged (ECB uses no IV)
//   CFB  last ciphertext block; after a partial final block of k octets: those k ciphertext
//        octets followed by zeros
// Empty data returns an unchanged IV.
import { AesCipher, TPM_ALG_AES } from './aes.js';
import type { HashAlgorithm } from './hash.js';
import { kdfa } from './kdf.js';
import { Sm4Cipher, TPM_ALG_SM4 } from './sm4.js';

export { CryptoError, type CryptoErrorReason } from './errors.js';
import { CryptoError } from './errors.js';
import { TPM_ALG } from '../gen/constants.js';

/**
 * A block cipher with an expanded key. `out` defaults to a new block; inp and out may be the same
 * array (in-place). Offsets select the block inside larger arrays.
 */
export interface BlockCipher {
  /** TPM_ALG_ID of the cipher (TPM_ALG_AES, TPM_ALG_SM4). */
  readonly alg: number;
  readonly keyBits: number;
  /** Block size in bytes. */
  readonly blockSize: number;
  encryptBlock(inp: Uint8Array, out?: Uint8Array, inOff?: number, outOff?: number): Uint8Array;
  decryptBlock(inp: Uint8Array, out?: Uint8Array, inOff?: number, outOff?: number): Uint8Array;
}

// Re-exported so that users of the modes need only this module.
export { TPM_ALG_AES, TPM_ALG_SM4 };

/** Block cipher modes, TPM 2.0 Part 2 "TPM_ALG_ID". */
export const TPM_ALG_CTR = TPM_ALG.CTR;
export const TPM_ALG_OFB = TPM_ALG.OFB;
export const TPM_ALG_CBC = TPM_ALG.CBC;
export const TPM_ALG_CFB = TPM_ALG.CFB;
export const TPM_ALG_ECB = TPM_ALG.ECB;

export type SymMode =
  | typeof TPM_ALG_CTR
  | typeof TPM_ALG_OFB
  | typeof TPM_ALG_CBC
  | typeof TPM_ALG_CFB
  | typeof TPM_ALG_ECB;

/** True if `mode` is one of the TPM block cipher modes. */
export function isSymMode(mode: number): mode is SymMode {
  return mode >= TPM_ALG_CTR && mode <= TPM_ALG_ECB;
}

/** Valid key sizes in bits per block cipher (AES: 128/192/256; SM4: 128). */
export function symKeySizes(algId: number): readonly number[] {
  if (algId === TPM_ALG_AES) return [128, 192, 256];
  if (algId === TPM_ALG_SM4) return [128];
  return [];
}

/** Block size in bytes of a block cipher, 0 if unknown. */
export function symBlockSize(algId: number): number {
  return algId === TPM_ALG_AES || algId === TPM_ALG_SM4 ? 16 : 0;
}

/** Expanded-key cipher for TPM_ALG_AES (16/24/32-byte key) or TPM_ALG_SM4 (16-byte key). */
export function createBlockCipher(algId: number, key: Uint8Array): BlockCipher {
  if (algId === TPM_ALG_AES) {
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
      throw new CryptoError('key-size', 'AES key must be 16, 24 or 32 bytes, got ' + key.length);
    }
    return new AesCipher(key);
  }
  if (algId === TPM_ALG_SM4) {
    if (key.length !== 16) throw new CryptoError('key-size', 'SM4 key must be 16 bytes, got ' + key.length);
    return new Sm4Cipher(key);
  }
  throw new CryptoError('algorithm', 'unsupported block cipher 0x' + algId.toString(16).padStart(4, '0'));
}

export interface SymResult {
  data: Uint8Array;
  /** Chaining value to pass as the next IV (see the table at the top of this file). */
  ivOut: Uint8Array;
}

function checkIv(cipher: BlockCipher, iv: Uint8Array): void {
  if (iv.length !== cipher.blockSize) {
    throw new CryptoError('iv', 'IV must be ' + cipher.blockSize + ' bytes, got ' + iv.length);
  }
}

function checkWholeBlocks(cipher: BlockCipher, data: Uint8Array, mode: string): void {
  if (data.length % cipher.blockSize !== 0) {
    throw new CryptoError('size', mode + ' data length ' + data.length + ' is not a multiple of ' + cipher.blockSize);
  }
}

/** Increment the whole counter block as one big-endian integer (wrapping). */
function incrementCounter(ctr: Uint8Array): void {
  for (let i = ctr.length - 1; i >= 0; i--) {
    ctr[i] = (ctr[i] + 1) & 0xff;
    if (ctr[i] !== 0) break;
  }
}

// CTR (SP 800-38A 6.5 with the whole block as the counter; partial last block allowed).
// The same function encrypts and decrypts.
function ctrMode(cipher: BlockCipher, iv: Uint8Array, data: Uint8Array): SymResult {
  const bs = cipher.blockSize;
  const ctr = iv.slice();
  const ks = new Uint8Array(bs);
  const out = new Uint8Array(data.length);
  for (let off = 0; off < data.length; off += bs) {
    cipher.encryptBlock(ctr, ks);
    incrementCounter(ctr);
    const n = Math.min(bs, data.length - off);
    for (let j = 0; j < n; j++) out[off + j] = data[off + j] ^ ks[j];
  }
  return { data: out, ivOut: ctr };
}

// OFB (SP 800-38A 6.4; partial last block allowed). Encrypts and decrypts.
function ofbMode(cipher: BlockCipher, iv: Uint8Array, data: Uint8Array): SymResult {
  const bs = cipher.blockSize;
  const ks = iv.slice();
  const out = new Uint8Array(data.length);
  for (let off = 0; off < data.length; off += bs) {
    cipher.encryptBlock(ks, ks);
    const n = Math.min(bs, data.length - off);
    for (let j = 0; j < n; j++) out[off + j] = data[off + j] ^ ks[j];
  }
  return { data: out, ivOut: ks };
}

// CFB-128 (SP 800-38A 6.3 with s = block size; partial last block allowed, Part 1 "Symmetric
// Encryption"/CFB).
function cfbEncryptMode(cipher: BlockCipher, iv: Uint8Array, data: Uint8Array): SymResult {
  const bs = cipher.blockSize;
  const fb = iv.slice();
  const out = new Uint8Array(data.length);
  for (let off = 0; off < data.length; off += bs) {
    cipher.encryptBlock(fb, fb);
    const n = Math.min(bs, data.length - off);
    for (let j = 0; j < n; j++) out[off + j] = fb[j] ^= data[off + j];
    if (n < bs) fb.fill(0, n);
  }
  return { data: out, ivOut: fb };
}

function cfbDecryptMode(cipher: BlockCipher, iv: Uint8Array, data: Uint8Array): SymResult {
  const bs = cipher.blockSize;
  const fb = iv.slice();
  const ks = new Uint8Array(bs);
  const out = new Uint8Array(data.length);
  for (let off = 0; off < data.length; off += bs) {
    cipher.encryptBlock(fb, ks);
    const n = Math.min(bs, data.length - off);
    for (let j = 0; j < n; j++) {
      const c = data[off + j];
      out[off + j] = c ^ ks[j];
      fb[j] = c;
    }
    if (n < bs) fb.fill(0, n);
  }
  return { data: out, ivOut: fb };
}

// CBC (SP 800-38A 6.2; whole blocks only).
function cbcEncryptMode(cipher: BlockCipher, iv: Uint8Array, data: Uint8Array): SymResult {
  checkWholeBlocks(cipher, data, 'CBC');
  const bs = cipher.blockSize;
  const fb = iv.slice();
  const out = new Uint8Array(data.length);
  for (let off = 0; off < data.length; off += bs) {
    for (let j = 0; j < bs; j++) fb[j] ^= data[off + j];
    cipher.encryptBlock(fb, fb);
    out.set(fb, off);
  }
  return { data: out, ivOut: fb };
}

function cbcDecryptMode(cipher: BlockCipher, iv: Uint8Array, data: Uint8Array): SymResult {
  checkWholeBlocks(cipher, data, 'CBC');
  const bs = cipher.blockSize;
  const out = new Uint8Array(data.length);
  let prev = iv;
  let prevOff = 0;
  for (let off = 0; off < data.length; off += bs) {
    cipher.decryptBlock(data, out, off, off);
    for (let j = 0; j < bs; j++) out[off + j] ^= prev[prevOff + j];
    prev = data;
    prevOff = off;
  }
  return { data: out, ivOut: prev.slice(prevOff, prevOff + bs) };
}

// ECB (SP 800-38A 6.1; whole blocks only).
function ecbMode(cipher: BlockCipher, iv: Uint8Array, data: Uint8Array, decrypt: boolean): SymResult {
  checkWholeBlocks(cipher, data, 'ECB');
  const bs = cipher.blockSize;
  const out = new Uint8Array(data.length);
  for (let off = 0; off < data.length; off += bs) {
    if (decrypt) cipher.decryptBlock(data, out, off, off);
    else cipher.encryptBlock(data, out, off, off);
  }
  return { data: out, ivOut: iv.slice() };
}

function run(mode: number, cipher: BlockCipher, iv: Uint8Array, data: Uint8Array, decrypt: boolean): SymResult {
  if (mode === TPM_ALG_ECB) return ecbMode(cipher, iv, data, decrypt);
  if (!isSymMode(mode)) {
    throw new CryptoError('mode', 'not a block cipher mode: 0x' + mode.toString(16).padStart(4, '0'));
  }
  checkIv(cipher, iv);
  if (data.length === 0) return { data: new Uint8Array(0), ivOut: iv.slice() };
  switch (mode) {
    case TPM_ALG_CTR:
      return ctrMode(cipher, iv, data);
    case TPM_ALG_OFB:
      return ofbMode(cipher, iv, data);
    case TPM_ALG_CBC:
      return decrypt ? cbcDecryptMode(cipher, iv, data) : cbcEncryptMode(cipher, iv, data);
    default:
      return decrypt ? cfbDecryptMode(cipher, iv, data) : cfbEncryptMode(cipher, iv, data);
  }
}

/**
 * Encrypt `data` in `mode` (TPM_ALG_CTR/OFB/CBC/CFB/ECB), as TPM2_EncryptDecrypt does.
 * The IV must be one block (ignored and returned unchanged for ECB). Throws CryptoError
 * ('size' for CBC/ECB data that is not whole blocks, 'iv', 'mode').
 */
export function encrypt(mode: number, cipher: BlockCipher, iv: Uint8Array, data: Uint8Array): SymResult {
  return run(mode, cipher, iv, data, false);
}

/** Decrypt counterpart of `encrypt` (same ivOut rules). */
export function decrypt(mode: number, cipher: BlockCipher, iv: Uint8Array, data: Uint8Array): SymResult {
  return run(mode, cipher, iv, data, true);
}

/** Unambiguous aliases of encrypt/decrypt for code that also imports asymmetric encryption. */
export const symEncrypt = encrypt;
export const symDecrypt = decrypt;

/**
 * CFB encryption as used for parameter encryption and sensitive-area protection
 * (Part 1 "Parameter Encryption" / "Symmetric Encryption"); iv defaults to all zeros.
 */
export function cfbEncrypt(cipher: BlockCipher, iv: Uint8Array | undefined, data: Uint8Array): Uint8Array {
  return run(TPM_ALG_CFB, cipher, iv ?? new Uint8Array(cipher.blockSize), data, false).data;
}

/** CFB decryption counterpart of cfbEncrypt; iv defaults to all zeros. */
export function cfbDecrypt(cipher: BlockCipher, iv: Uint8Array | undefined, data: Uint8Array): Uint8Array {
  return run(TPM_ALG_CFB, cipher, iv ?? new Uint8Array(cipher.blockSize), data, true).data;
}

/**
 * XOR obfuscation (Part 1 "XOR Obfuscation"): data XOR KDFa(hash, key, "XOR", contextU, contextV,
 * 8 * data.length). Its own inverse.
 */
export function xorObfuscate(
  hash: HashAlgorithm,
  key: Uint8Array,
  contextU: Uint8Array,
  contextV: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  const mask = kdfa(hash, key, 'XOR', contextU, contextV, data.length * 8);
  for (let i = 0; i < data.length; i++) mask[i] ^= data[i];
  return mask;
}
