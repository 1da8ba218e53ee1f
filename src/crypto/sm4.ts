// SM4 block cipher (GB/T 32907-2016, identical to GM/T 0002-2012), 128-bit key and block,
// with the round function folded into four 256-entry T-tables.
import { hexToBytes } from './bytes.js';
import type { BlockCipher } from './symmetric.js';
import { TPM_ALG } from '../gen/constants.js';

/** TPM_ALG_SM4 (TPM 2.0 Part 2 "TPM_ALG_ID"). */
export const TPM_ALG_SM4 = TPM_ALG.SM4;

// GB/T 32907-2016 6.2 "Permutations": the S-box Sbox(), row-major.
const SBOX = /* @__PURE__ */ hexToBytes(
  'd690e9fecce13db716b614c228fb2c052b679a762abe04c3aa44132649860699' +
    '9c4250f491ef987a33540b43edcfac62e4b31ca9c908e89580df94fa758f3fa6' +
    '4707a7fcf37317ba83593c19e6854fa8686b81b27164da8bf8eb0f4b70569d35' +
    '1e240e5e6358d1a225227c3b01217887d40046579fd327524c3602e7a0c4c89e' +
    'eabf8ad240c738b5a3f7f2cef96115a1e0ae5da49b341a55ad933230f58cb1e3' +
    '1df6e22e8266ca60c02923ab0d534e6fd5db3745defd8e2f03ff6a726d6c5b51' +
    '8d1baf92bbddbc7f11d95c411f105ad80ac13188a5cd7bbd2d74d012b8e5b4b0' +
    '8969974a0c96777e65b9f109c56ec68418f07dec3adc4d2079ee5f3ed7cb3948',
);

// GB/T 32907-2016 7.3 "Key expansion": system parameter FK.
const FK = [0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc];

// 7.3: fixed parameters CK_i, byte j of CK_i is (4i + j) * 7 mod 256.
const CK = /* @__PURE__ */ (() => {
  const ck = new Int32Array(32);
  for (let i = 0; i < 32; i++) {
    let w = 0;
    for (let j = 0; j < 4; j++) w = (w << 8) | (((4 * i + j) * 7) & 0xff);
    ck[i] = w;
  }
  return ck;
})();

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));

// 6.2 "Synthetic permutation T": T(.) = L(tau(.)), L(B) = B ^ B<<<2 ^ B<<<10 ^ B<<<18 ^ B<<<24.
// Tk[x] = L(Sbox(x) placed in byte k), so T(A) = T0[a0] ^ T1[a1] ^ T2[a2] ^ T3[a3] (L is linear).
const [T0, T1, T2, T3] = /* @__PURE__ */ (() => {
  const t = [new Int32Array(256), new Int32Array(256), new Int32Array(256), new Int32Array(256)];
  for (let x = 0; x < 256; x++) {
    const b = SBOX[x] << 24;
    const l = b ^ rotl(b, 2) ^ rotl(b, 10) ^ rotl(b, 18) ^ rotl(b, 24);
    t[0][x] = l;
    t[1][x] = rotl(l, 24); // = L(Sbox(x) << 16)
    t[2][x] = rotl(l, 16);
    t[3][x] = rotl(l, 8);
  }
  return t;
})();

// Key schedule T'(.) = L'(tau(.)), L'(B) = B ^ B<<<13 ^ B<<<23 (7.3).
function tPrime(a: number): number {
  const b =
    (SBOX[a >>> 24] << 24) | (SBOX[(a >>> 16) & 0xff] << 16) | (SBOX[(a >>> 8) & 0xff] << 8) | SBOX[a & 0xff];
  return b ^ rotl(b, 13) ^ rotl(b, 23);
}

/** Round keys rk_0..rk_31 for a 16-byte key (GB/T 32907-2016 7.3 "Key expansion"). */
export function sm4ExpandKey(key: Uint8Array): Int32Array {
  if (key.length !== 16) throw new RangeError('SM4 key must be 16 bytes, got ' + key.length);
  const k = new Int32Array(36);
  for (let i = 0; i < 4; i++) {
    k[i] = ((key[4 * i] << 24) | (key[4 * i + 1] << 16) | (key[4 * i + 2] << 8) | key[4 * i + 3]) ^ FK[i];
  }
  for (let i = 0; i < 32; i++) k[i + 4] = k[i] ^ tPrime(k[i + 1] ^ k[i + 2] ^ k[i + 3] ^ CK[i]);
  return k.slice(4);
}

// 7.1 "Encryption algorithm": 32 rounds X_{i+4} = X_i ^ T(X_{i+1} ^ X_{i+2} ^ X_{i+3} ^ rk_i),
// output the reverse transformation R(X32..X35) = (X35, X34, X33, X32).
// Decryption (7.2) is the same with the round keys in reverse order.
function crypt(rk: Int32Array, inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
  let x0 = (inp[inOff] << 24) | (inp[inOff + 1] << 16) | (inp[inOff + 2] << 8) | inp[inOff + 3];
  let x1 = (inp[inOff + 4] << 24) | (inp[inOff + 5] << 16) | (inp[inOff + 6] << 8) | inp[inOff + 7];
  let x2 = (inp[inOff + 8] << 24) | (inp[inOff + 9] << 16) | (inp[inOff + 10] << 8) | inp[inOff + 11];
  let x3 = (inp[inOff + 12] << 24) | (inp[inOff + 13] << 16) | (inp[inOff + 14] << 8) | inp[inOff + 15];
  for (let i = 0; i < 32; i += 4) {
    let a = x1 ^ x2 ^ x3 ^ rk[i];
    x0 ^= T0[a >>> 24] ^ T1[(a >>> 16) & 0xff] ^ T2[(a >>> 8) & 0xff] ^ T3[a & 0xff];
    a = x2 ^ x3 ^ x0 ^ rk[i + 1];
    x1 ^= T0[a >>> 24] ^ T1[(a >>> 16) & 0xff] ^ T2[(a >>> 8) & 0xff] ^ T3[a & 0xff];
    a = x3 ^ x0 ^ x1 ^ rk[i + 2];
    x2 ^= T0[a >>> 24] ^ T1[(a >>> 16) & 0xff] ^ T2[(a >>> 8) & 0xff] ^ T3[a & 0xff];
    a = x0 ^ x1 ^ x2 ^ rk[i + 3];
    x3 ^= T0[a >>> 24] ^ T1[(a >>> 16) & 0xff] ^ T2[(a >>> 8) & 0xff] ^ T3[a & 0xff];
  }
  out[outOff] = x3 >>> 24;
  out[outOff + 1] = x3 >>> 16;
  out[outOff + 2] = x3 >>> 8;
  out[outOff + 3] = x3;
  out[outOff + 4] = x2 >>> 24;
  out[outOff + 5] = x2 >>> 16;
  out[outOff + 6] = x2 >>> 8;
  out[outOff + 7] = x2;
  out[outOff + 8] = x1 >>> 24;
  out[outOff + 9] = x1 >>> 16;
  out[outOff + 10] = x1 >>> 8;
  out[outOff + 11] = x1;
  out[outOff + 12] = x0 >>> 24;
  out[outOff + 13] = x0 >>> 16;
  out[outOff + 14] = x0 >>> 8;
  out[outOff + 15] = x0;
}

/** SM4 with a fixed key as a BlockCipher. */
export class Sm4Cipher implements BlockCipher {
  readonly alg = TPM_ALG_SM4;
  readonly keyBits = 128;
  readonly blockSize = 16;
  private readonly encKeys: Int32Array;
  private readonly decKeys: Int32Array;

  constructor(key: Uint8Array) {
    this.encKeys = sm4ExpandKey(key);
    this.decKeys = this.encKeys.slice().reverse();
  }

  encryptBlock(inp: Uint8Array, out: Uint8Array = new Uint8Array(16), inOff = 0, outOff = 0): Uint8Array {
    crypt(this.encKeys, inp, inOff, out, outOff);
    return out;
  }

  decryptBlock(inp: Uint8Array, out: Uint8Array = new Uint8Array(16), inOff = 0, outOff = 0): Uint8Array {
    crypt(this.decKeys, inp, inOff, out, outOff);
    return out;
  }
}

/** SM4 BlockCipher for a 16-byte key. */
export function sm4(key: Uint8Array): BlockCipher {
  return new Sm4Cipher(key);
}
