/** The crypto registry a profile fills: only what it lists is reachable, by TPM_ALG_ID. */
import { describe, expect, it } from 'vitest';
import { createCryptoRegistry, SUPPORTED_ALGORITHMS } from '../../src/crypto/registry.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { TPM_ALG, TPM_ECC } from '../../src/gen/constants.js';

describe('createCryptoRegistry', () => {
  const tcmLike = createCryptoRegistry({
    algorithms: [TPM_ALG.SM3_256, TPM_ALG.SM4, TPM_ALG.SM2, TPM_ALG.ECC, TPM_ALG.HMAC, TPM_ALG.CFB, TPM_ALG.NULL],
    curves: [TPM_ECC.SM2_P256],
  });

  it('gives the listed hashes, ciphers and curves by id', () => {
    expect(tcmLike.hash(TPM_ALG.SM3_256)?.digest(new TextEncoder().encode('abc'))).toEqual(
      Uint8Array.from(Buffer.from('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0', 'hex')),
    );
    expect(tcmLike.hashes.map((h) => h.name)).toEqual(['sm3_256']);
    expect(tcmLike.cipher(TPM_ALG.SM4, new Uint8Array(16)).blockSize).toBe(16);
    expect(tcmLike.symmetricKeyBits(TPM_ALG.SM4)).toEqual([128]);
    expect(tcmLike.curve(TPM_ECC.SM2_P256)?.name).toMatch(/sm2/i);
  });

  it('hides what the profile does not list', () => {
    expect(tcmLike.hash(TPM_ALG.SHA256)).toBeUndefined();
    expect(tcmLike.curve(TPM_ECC.NIST_P256)).toBeUndefined();
    expect(tcmLike.symmetricKeyBits(TPM_ALG.AES)).toEqual([]);
    expect(() => tcmLike.cipher(TPM_ALG.AES, new Uint8Array(16))).toThrow(CryptoError);
    expect(tcmLike.implements(TPM_ALG.RSA)).toBe(false);
  });

  it('refuses algorithms it cannot perform', () => {
    expect(() => createCryptoRegistry({ algorithms: [TPM_ALG.CAMELLIA], curves: [] })).toThrow(/0x0026/);
    expect(() => createCryptoRegistry({ algorithms: [], curves: [TPM_ECC.BN_P256] })).toThrow(/0x0010/);
    expect(SUPPORTED_ALGORITHMS).toContain(TPM_ALG.SM2);
  });
});
