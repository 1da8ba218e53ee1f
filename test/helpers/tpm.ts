/** A seeded TPM with a typed client over the in-process transport. */
import { createClient, type Client } from '../../src/client/client.js';
import { TpmError } from '../../src/client/errors.js';
import { inProcess } from '../../src/client/transport.js';
import { createTpm, type Tpm, type TpmOptions } from '../../src/tpm/engine.js';

export interface TestTpm {
  tpm: Tpm;
  client: Client;
  /** The fake clock's reading in ms; advance it with `tick`. */
  tick(ms: number): void;
}

export function testTpm(options: TpmOptions = {}): TestTpm {
  let now = 1_000;
  const tpm = createTpm({ seed: 'vtpm test seed', clock: { now: () => now }, ...options });
  return { tpm, client: createClient(inProcess(tpm)), tick: (ms) => (now += ms) };
}

/** A started TPM (Startup(CLEAR) done). */
export async function startedTpm(options: TpmOptions = {}): Promise<TestTpm> {
  const t = testTpm(options);
  await t.client.startup();
  return t;
}

/** The response code a rejected promise carries. */
export async function rcOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TpmError) return e.rc;
    throw e;
  }
  throw new Error('expected the TPM to refuse the command');
}

export const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g) ?? [], (b) => parseInt(b, 16));
export const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
