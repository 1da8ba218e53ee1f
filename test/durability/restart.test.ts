/**
 * `vtpm serve --state DIR` keeps what a TPM must keep across server restarts: NV indices and
 * counters, hierarchy seeds and proofs (seen through Hash tickets), authValues, Clock and the
 * reset counter.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../src/client/client.js';
import { TPM_ALG, TPM_RH, TPMA_NV } from '../../src/gen/constants.js';
import { tcpTransport } from '../../src/node/tcp-transport.js';
import { startCli } from '../node/cli-helpers.js';

const INDEX = 0x01500030;

async function withServer<T>(dir: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const s = await startCli(['serve', '--protocol', 'swtpm', '--port', '0', '--state', dir]);
  const c = createClient(tcpTransport({ protocol: 'swtpm', port: s.port }));
  try {
    return await fn(c);
  } finally {
    await c.close().catch(() => {});
    s.child.kill('SIGTERM');
    await s.exited;
  }
}

const ticket = async (c: Client) =>
  ((await c.run('Hash', { data: Uint8Array.of(1, 2, 3, 4, 5), hashAlg: TPM_ALG.SHA256, hierarchy: TPM_RH.OWNER } as never)) as { validation: { digest: Uint8Array } }).validation.digest;
const clock = async (c: Client) => ((await c.run('ReadClock', {} as never)) as { currentTime: { clockInfo: { clock: bigint; resetCount: number } } }).currentTime.clockInfo;

describe('vtpm serve --state across restarts', () => {
  it('keeps NV, counters, proofs, authValues, Clock and resetCount', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vtpm-restart-'));
    try {
      const before = await withServer(dir, async (c) => {
        await c.startup();
        await c.run('NV_DefineSpace', {
          authHandle: TPM_RH.OWNER,
          auth: new Uint8Array(0),
          publicInfo: { nvPublic: { nvIndex: INDEX, nameAlg: TPM_ALG.SHA256, attributes: TPMA_NV.OWNERWRITE | TPMA_NV.OWNERREAD | TPMA_NV.NO_DA | (1 << 4), authPolicy: new Uint8Array(0), dataSize: 8 } },
        } as never);
        for (let i = 0; i < 3; i++) await c.run('NV_Increment', { authHandle: TPM_RH.OWNER, nvIndex: INDEX } as never);
        await c.run('HierarchyChangeAuth', { authHandle: TPM_RH.OWNER, newAuth: new TextEncoder().encode('owner') } as never);
        const t = await ticket(c);
        await new Promise((r) => setTimeout(r, 20));
        const k = await clock(c);
        await c.shutdown('clear');
        return { t, k };
      });
      await withServer(dir, async (c) => {
        await c.startup();
        expect(await ticket(c)).toEqual(before.t);
        const k = await clock(c);
        expect(k.resetCount).toBe(before.k.resetCount + 1);
        expect(k.clock).toBeGreaterThanOrEqual(before.k.clock);
        const r = (await c.run('NV_Read', { authHandle: TPM_RH.OWNER, nvIndex: INDEX, size: 8, offset: 0 } as never, { auth: { authHandle: 'owner' } })) as { data: Uint8Array };
        expect(new DataView(r.data.buffer, r.data.byteOffset).getBigUint64(0)).toBe(3n);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
