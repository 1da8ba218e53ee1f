import type { Tpm } from '../tpm/engine.js';
import type { Conn, Logger } from './connection.js';

/** What the protocol handlers of one server share: the (replaceable) TPM and the server's controls. */
export interface TpmHost {
  /** The TPM now served (swtpm SET_STATEBLOB replaces it). */
  readonly tpm: Tpm;
  readonly logger: Logger;
  /** Largest variable-length field or TPM command accepted from the wire. */
  readonly maxMessage: number;
  /** _TPM_Hash_Start (also sets the TPM-established flag). */
  hashStart(): void;
  /** The platform's "force failure mode" test signal. */
  forceFailureMode(): void;
  /** A client asked the server to exit (mssim TPM_STOP, swtpm CMD_SHUTDOWN). */
  stop(from: Conn): void;
}
