// AES-128/192/256 (FIPS 197) as a BlockCipher over @noble/ciphers' single-block core.
//
// @noble/ciphers 2.4.0 exposes its round functions as `unsafe.encrypt/decrypt(xk, s0..s3)`
// operating on the block as four little-endian 32-bit words, with key schedules from
// `unsafe.expandKeyLE` / `expandKeyDecLE`. Feeding the words directly (instead of
// `unsafe.encryptBlock`, which needs an aligned 16-byte array, or `ecb(key).encrypt`, which
// re-expands the key and allocates per call) is the fastest correct route (measured in
// bench/crypto-sym.bench.ts). `unsafe` is underscore-grade API: noble is pinned in package.json
// and FIPS-197 / SP 800-38A vectors plus cross-checks against OpenSSL in the tests guard it.
import { unsafe } from '@noble/ciphers/aes.js';
import type { BlockCipher } from './symmetric.js';
import { TPM_ALG } from '../gen/constants.js';

/** TPM_ALG_AES (TPM 2.0 Part 2 "TPM_ALG_ID"). */
export const TPM_ALG_AES = TPM_ALG.AES;

type RoundFn = (xk: Uint32Array, s0: number, s1: number, s2: number, s3: number) => {
  s0: number;
  s1: number;
  s2: number;
  s3: number;
};
const encryptWords = unsafe.encrypt as unknown as RoundFn;
const decryptWords = unsafe.decrypt as unknown as RoundFn;

function run(fn: RoundFn, xk: Uint32Array, inp: Uint8Array, i: number, out: Uint8Array, o: number): void {
  const r = fn(
    xk,
    inp[i] | (inp[i + 1] << 8) | (inp[i + 2] << 16) | (inp[i + 3] << 24),
    inp[i + 4] | (inp[i + 5] << 8) | (inp[i + 6] << 16) | (inp[i + 7] << 24),
    inp[i + 8] | (inp[i + 9] << 8) | (inp[i + 10] << 16) | (inp[i + 11] << 24),
    inp[i + 12] | (inp[i + 13] << 8) | (inp[i + 14] << 16) | (inp[i + 15] << 24),
  );
  const { s0, s1, s2, s3 } = r;
  out[o] = s0;
  out[o + 1] = s0 >>> 8;
  out[o + 2] = s0 >>> 16;
  out[o + 3] = s0 >>> 24;
  out[o + 4] = s1;
  out[o + 5] = s1 >>> 8;
  out[o + 6] = s1 >>> 16;
  out[o + 7] = s1 >>> 24;
  out[o + 8] = s2;
  out[o + 9] = s2 >>> 8;
  out[o + 10] = s2 >>> 16;
  out[o + 11] = s2 >>> 24;
  out[o + 12] = s3;
  out[o + 13] = s3 >>> 8;
  out[o + 14] = s3 >>> 16;
  out[o + 15] = s3 >>> 24;
}

/** AES with a fixed key as a BlockCipher. The decryption schedule is built on first use. */
export class AesCipher implements BlockCipher {
  readonly alg = TPM_ALG_AES;
  readonly keyBits: number;
  readonly blockSize = 16;
  private readonly key: Uint8Array;
  private readonly encKeys: Uint32Array;
  private decKeys: Uint32Array | undefined;

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
      throw new RangeError('AES key must be 16, 24 or 32 bytes, got ' + key.length);
    }
    this.keyBits = key.length * 8;
    this.key = key.slice();
    this.encKeys = unsafe.expandKeyLE(this.key) as Uint32Array;
  }

  encryptBlock(inp: Uint8Array, out: Uint8Array = new Uint8Array(16), inOff = 0, outOff = 0): Uint8Array {
    run(encryptWords, this.encKeys, inp, inOff, out, outOff);
    return out;
  }

  decryptBlock(inp: Uint8Array, out: Uint8Array = new Uint8Array(16), inOff = 0, outOff = 0): Uint8Array {
    if (this.decKeys === undefined) this.decKeys = unsafe.expandKeyDecLE(this.key) as Uint32Array;
    run(decryptWords, this.decKeys, inp, inOff, out, outOff);
    return out;
  }
}

/** AES BlockCipher for a 16-, 24- or 32-byte key. */
export function aes(key: Uint8Array): BlockCipher {
  return new AesCipher(key);
}
