import { RC_INFO } from '../gen/rc.js';

/** The parts of a response code (TPM 2.0 Part 2 "TPM_RC": format zero and format one). */
export interface DecodedRc {
  /** The code without handle/parameter/session numbers. */
  base: number;
  parameter?: number;
  handle?: number;
  session?: number;
}

export function decodeRc(rc: number): DecodedRc {
  if (rc & 0x080) {
    const base = rc & 0x0bf;
    const n = (rc >> 8) & 0xf;
    if (rc & 0x040) return { base, parameter: n };
    if (rc & 0x800) return { base, session: n & 0x7 };
    return n ? { base, handle: n } : { base };
  }
  return { base: rc };
}

/** A TPM answered with a response code other than TPM_RC_SUCCESS. */
export class TpmError extends Error {
  readonly rc: number;
  readonly base: number;
  /** 'TPM_RC_VALUE' */
  readonly code: string;
  readonly description: string;
  readonly parameter?: number;
  readonly handle?: number;
  readonly session?: number;
  readonly command: string;

  constructor(command: string, rc: number) {
    const d = decodeRc(rc);
    const info = RC_INFO[d.base];
    const code = info?.name ?? `0x${d.base.toString(16)}`;
    const where = d.parameter ? ` (parameter ${d.parameter})` : d.handle ? ` (handle ${d.handle})` : d.session ? ` (session ${d.session})` : '';
    super(`TPM2_${command}: ${code}${where}${info?.description ? `: ${info.description}` : ''} [0x${rc.toString(16).padStart(3, '0')}]`);
    this.name = 'TpmError';
    this.rc = rc;
    this.base = d.base;
    this.code = code;
    this.description = info?.description ?? '';
    this.parameter = d.parameter;
    this.handle = d.handle;
    this.session = d.session;
    this.command = command;
  }
}
