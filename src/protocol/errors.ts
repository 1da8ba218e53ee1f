/**
 * Failures of the shared key-protection and signature code (keys.ts, signature.ts,
 * protection.ts, credential.ts), carrying the response code the TPM returns for them.
 *
 * `rc` is a base TPM_RC without handle, parameter or session number (TPM_RC.INTEGRITY,
 * TPM_RC.SIZE, ...); `field`, when set, names the Part 3 parameter of the command the code
 * belongs to ('secret', 'credentialBlob', 'inPrivate', 'inSymSeed', 'encryptionKey'), so an
 * emulator handler can rethrow it as `tpmError(e.rc).at(e.field ?? default)`. Host-side callers
 * treat it as a plain Error. Malformed input is never reported any other way: CryptoError
 * (src/crypto) and WireError (src/wire) raised underneath are converted with `asProtocolError`.
 */
import { CryptoError } from '../crypto/errors.js';
import { TPM_RC } from '../gen/constants.js';
import { WireError } from '../wire/errors.js';

export class ProtocolError extends Error {
  readonly rc: number;
  field?: string;
  constructor(rc: number, message?: string, field?: string) {
    super(message ?? `TPM_RC 0x${rc.toString(16).padStart(3, '0')}`);
    this.name = 'ProtocolError';
    this.rc = rc;
    if (field !== undefined) this.field = field;
  }
  /** Names the command parameter the code applies to (kept if one is already set). */
  at(field: string): this {
    this.field ??= field;
    return this;
  }
}

export function protocolError(rc: number, message?: string, field?: string): ProtocolError {
  return new ProtocolError(rc, message, field);
}

/** The TPM_RC for a CryptoError reason (see src/crypto/errors.ts). */
export function rcOfCryptoError(e: CryptoError): number {
  switch (e.reason) {
    case 'size':
    case 'iv':
      return TPM_RC.SIZE;
    case 'key-size':
      return TPM_RC.KEY_SIZE;
    case 'mode':
      return TPM_RC.MODE;
    case 'algorithm':
      return TPM_RC.SYMMETRIC;
    case 'value':
      return TPM_RC.VALUE;
    case 'scheme':
      return TPM_RC.SCHEME;
    case 'signature':
      return TPM_RC.SIGNATURE;
    case 'key':
      return TPM_RC.KEY;
    case 'point':
      return TPM_RC.ECC_POINT;
  }
}

/**
 * ProtocolError for e: itself, a CryptoError or WireError converted (keeping the message), or
 * undefined for anything else (a programming error, to be rethrown as is).
 */
export function asProtocolError(e: unknown): ProtocolError | undefined {
  if (e instanceof ProtocolError) return e;
  if (e instanceof CryptoError) return new ProtocolError(rcOfCryptoError(e), e.message);
  if (e instanceof WireError) return new ProtocolError(e.rc, e.message);
  return undefined;
}

/** Runs fn; CryptoError/WireError become ProtocolError (with `field` if given). */
export function guard<T>(fn: () => T, field?: string): T {
  try {
    return fn();
  } catch (e) {
    const p = asProtocolError(e);
    if (p === undefined) throw e;
    if (field !== undefined) p.at(field);
    throw p;
  }
}
