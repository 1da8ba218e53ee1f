/**
 * Response codes as handlers raise them: `throw tpmError(TPM_RC.VALUE).at('inPublic')`. The
 * dispatcher turns the field into the format-one handle, parameter or session number
 * (TPM 2.0 Part 2 "TPM_RC": RC_FMT1, TPM_RC_H, TPM_RC_P, TPM_RC_S, TPM_RC_1..TPM_RC_F).
 */
import { TPM_RC } from '../gen/constants.js';

export class TpmFault extends Error {
  readonly rc: number;
  /** The handle or parameter the code applies to, by its name in the declaration. */
  field?: string;
  /** Or a session by its position (1-based) in the authorization area. */
  session?: number;
  constructor(rc: number, message?: string) {
    super(message ?? `TPM_RC 0x${rc.toString(16).padStart(3, '0')}`);
    this.name = 'TpmFault';
    this.rc = rc;
  }
  /** Names the handle or parameter the code applies to. */
  at(field: string): this {
    this.field = field;
    return this;
  }
  /** Names the session (1-based) the code applies to. */
  atSession(n: number): this {
    this.session = n;
    return this;
  }
}

export function tpmError(rc: number, message?: string): TpmFault {
  return new TpmFault(rc, message);
}

/** Format-one codes (RC_FMT1 set) can carry a handle, parameter or session number. */
export function isFormatOne(rc: number): boolean {
  return (rc & TPM_RC.RC_FMT1) !== 0;
}

/** The code with a parameter number (1-15) added. */
export function withParameter(rc: number, n: number): number {
  return isFormatOne(rc) && n >= 1 && n <= 15 ? rc | TPM_RC.P | (n << 8) : rc;
}

/** The code with a handle number (1-7) added. */
export function withHandle(rc: number, n: number): number {
  return isFormatOne(rc) && n >= 1 && n <= 7 ? rc | TPM_RC.H | (n << 8) : rc;
}

/** The code with a session number (1-7) added. */
export function withSession(rc: number, n: number): number {
  return isFormatOne(rc) && n >= 1 && n <= 7 ? rc | TPM_RC.S | (n << 8) : rc;
}
