import type { ExecuteOptions, Tpm } from '../tpm/engine.js';

/** Carries command octets to a TPM and its response back (go-tpm's transport.TPM shape). */
export interface Transport {
  send(command: Uint8Array): Promise<Uint8Array>;
  close?(): Promise<void>;
}

/** A transport to a TPM running in the same program. */
export function inProcess(tpm: Tpm, options: ExecuteOptions = {}): Transport {
  return {
    send: async (command) => tpm.execute(command, options),
  };
}
