/**
 * A value that could not be decoded or encoded. `rc` is the base response code the spec names
 * for the failure (TPM_RC_VALUE, TPM_RC_SIZE, TPM_RC_INSUFFICIENT...), without any handle,
 * parameter or session number; `path` names the failing field from the outermost value in.
 */
export class WireError extends Error {
  readonly rc: number;
  readonly path: string[];
  constructor(rc: number, detail: string, path: string[] = []) {
    super(detail);
    this.name = 'WireError';
    this.rc = rc;
    this.path = path;
  }
  /** The field path as text: `inPublic.publicArea.nameAlg`. */
  get field(): string {
    return this.path.join('.');
  }
  override toString(): string {
    const where = this.path.length ? ` at ${this.field}` : '';
    return `WireError(0x${this.rc.toString(16).padStart(3, '0')})${where}: ${this.message}`;
  }
}

/** Base response codes the codec itself produces (TPM 2.0 Part 2 "TPM_RC"). */
export const WIRE_RC = {
  VALUE: 0x084,
  SIZE: 0x095,
  TAG: 0x097,
  SELECTOR: 0x098,
  INSUFFICIENT: 0x09a,
  RESERVED_BITS: 0x0a1,
} as const;
