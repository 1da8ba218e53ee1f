/**
 * Crash safety (issue "durable state"): `vtpm serve --state DIR` is killed with SIGKILL at
 * random moments while a client increments an NV counter and rewrites an NV index; after each
 * restart the counter equals the last acknowledged value or one more, and the index holds the
 * last acknowledged write or the one in flight.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../src/client/client.js';
import { TPM_ALG, TPM_RH, TPMA_NV } from '../../src/gen/constants.js';
import { tcpTransport } from '../../src/node/tcp-transport.js';
import { createTpm } from '../../src/tpm/engine.js';
import { startCli } from '../node/cli-helpers.js';

const implemented = (...names: string[]) => {
  const enabled = new Set([...createTpm().profile.commands.values()].map((c) => c.name));
  return names.every((n) => enabled.has(n));
};

const COUNTER = 0x01500010;
const DATA = 0x01500011;
const NT_COUNTER = 1 << 4;
const rw = TPMA_NV.OWNERWRITE | TPMA_NV.OWNERREAD | TPMA_NV.NO_DA;
const pattern = (i: number) => Uint8Array.from({ length: 64 }, (_, k) => (i * 31 + k) & 0xff);

async function define(c: Client) {
  for (const [nvIndex, attributes, dataSize] of [
    [COUNTER, rw | NT_COUNTER, 8],
    [DATA, rw, 64],
  ] as const) {
    await c.run('NV_DefineSpace', {
      authHandle: TPM_RH.OWNER,
      auth: new Uint8Array(0),
      publicInfo: { nvPublic: { nvIndex, nameAlg: TPM_ALG.SHA256, attributes, authPolicy: new Uint8Array(0), dataSize } },
    } as never);
  }
}

async function readCounter(c: Client): Promise<bigint> {
  const r = (await c.run('NV_Read', { authHandle: TPM_RH.OWNER, nvIndex: COUNTER, size: 8, offset: 0 } as never)) as { data: Uint8Array };
  return new DataView(r.data.buffer, r.data.byteOffset).getBigUint64(0);
}

describe.skipIf(!implemented('NV_DefineSpace', 'NV_Increment', 'NV_Write', 'NV_Read'))('SIGKILL during NV writes', () => {
  it('restarts with the last acknowledged state, or the command in flight', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vtpm-crash-'));
    try {
      let acked = -1n; // counter value last acknowledged (-1: not yet written)
      let lastData = -1; // pattern index last acknowledged
      let defined = false;
      for (let round = 0; round < 12; round++) {
        const s = await startCli(['serve', '--protocol', 'swtpm', '--port', '0', '--state', dir, '--startup']);
        const c = createClient(tcpTransport({ protocol: 'swtpm', port: s.port }));
        if (!defined) {
          await define(c);
          defined = true;
        } else if (acked >= 0n) {
          const v = await readCounter(c);
          expect([acked, acked + 1n]).toContain(v);
          acked = v;
          const d = await c
            .run('NV_Read', { authHandle: TPM_RH.OWNER, nvIndex: DATA, size: 64, offset: 0 } as never)
            .then((r) => (r as { data: Uint8Array }).data)
            .catch((e) => {
              // Never written (the first write was the one in flight): TPM_RC_NV_UNINITIALIZED.
              if (lastData === -1) return undefined;
              throw e;
            });
          if (d) {
            const same = (i: number) => i >= 0 && d.every((b, k) => b === pattern(i)[k]);
            expect(same(lastData) || same(lastData + 1)).toBe(true);
            if (!same(lastData)) lastData += 1;
          }
        }
        // Work until killed at a random moment.
        const killAt = 40 + Math.floor(Math.random() * 160);
        const killer = setTimeout(() => s.child.kill('SIGKILL'), killAt);
        try {
          for (;;) {
            await c.run('NV_Increment', { authHandle: TPM_RH.OWNER, nvIndex: COUNTER } as never);
            acked = acked < 0n ? 1n : acked + 1n;
            await c.run('NV_Write', { authHandle: TPM_RH.OWNER, nvIndex: DATA, data: pattern(lastData + 1), offset: 0 } as never);
            lastData += 1;
          }
        } catch {
          // The server died under us: whatever was in flight may or may not have landed.
        } finally {
          clearTimeout(killer);
          await s.exited;
          await c.close().catch(() => {});
        }
      }
      expect(acked).toBeGreaterThan(0n);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
