/** Why a crypto operation was refused; the emulator maps these to TPM_RC codes. */
export type CryptoErrorReason =
  | 'size' // a length is wrong, e.g. CBC/ECB data not whole blocks: TPM_RC_SIZE
  | 'iv' // IV length is not the block size: TPM_RC_SIZE (on ivIn)
  | 'key-size' // key length not valid for the algorithm: TPM_RC_KEY_SIZE
  | 'mode' // not a block cipher mode: TPM_RC_MODE
  | 'algorithm' // not a supported block cipher: TPM_RC_SYMMETRIC
  // Reasons raised by the asymmetric modules (ecc.ts, sm2.ts, rsa.ts):
  | 'value' // TPM_RC_VALUE
  | 'scheme' // TPM_RC_SCHEME
  | 'signature' // TPM_RC_SIGNATURE
  | 'key' // TPM_RC_KEY
  | 'point'; // TPM_RC_ECC_POINT

export class CryptoError extends Error {
  constructor(
    readonly reason: CryptoErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'CryptoError';
  }
}
