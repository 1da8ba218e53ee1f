/**
 * The _TPM_Hash_Start/_TPM_Hash_Data/_TPM_Hash_End event sequence (Part 1 "H-CRTM and DRTM"):
 * before Startup it measures the H-CRTM into PCR 0, after Startup it is a DRTM that resets the
 * dynamic PCRs and extends PCR 17. Expected values by node:crypto, on both profiles.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../src/client/client.js';
import { inProcess } from '../../src/client/transport.js';
import { TPM_ALG } from '../../src/gen/constants.js';
import type { TPMS_PCR_SELECTION } from '../../src/gen/types.js';
import type { Tpm } from '../../src/tpm/engine.js';
import { decodeSnapshot } from '../../src/tpm/state/snapshot.js';
import { startedTpm, testTpm, toHex } from '../helpers/tpm.js';

const { SHA1, SHA256, SM3_256 } = TPM_ALG;
const NODE_HASH: Record<number, string> = { [SHA1]: 'sha1', [SHA256]: 'sha256', [SM3_256]: 'sm3' };
const SIZE: Record<number, number> = { [SHA1]: 20, [SHA256]: 32, [SM3_256]: 32 };

function H(alg: number, ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(NODE_HASH[alg]);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}
const text = (s: string) => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const zeros = (alg: number) => new Uint8Array(SIZE[alg]);
const ones = (alg: number) => new Uint8Array(SIZE[alg]).fill(0xff);
/** 00..04: the H-CRTM PCR's value before its measurement is extended (Part 1 "H-CRTM"). */
const hcrtmStart = (alg: number) => {
  const v = zeros(alg);
  v[v.length - 1] = 4;
  return v;
};
const at = (tpm: Tpm, locality: number): Client => createClient(inProcess(tpm, { locality }));
const stateOf = (tpm: Tpm) => decodeSnapshot<{ state: unknown }>(tpm.snapshot()).state;

function sel(pcrs: readonly number[]): Uint8Array {
  const b = new Uint8Array(3);
  for (const p of pcrs) b[p >> 3] |= 1 << (p & 7);
  return b;
}
async function readPcr(client: Client, hash: number, pcr: number): Promise<string | undefined> {
  const pcrSelections: TPMS_PCR_SELECTION[] = [{ hash, pcrSelect: sel([pcr]) }];
  const d = (await client.run('PCR_Read', { pcrSelectionIn: { pcrSelections } })).pcrValues.digests[0];
  return d && toHex(d);
}
const clockInfo = async (client: Client) => (await client.run('ReadClock', {})).currentTime.clockInfo;

function measure(tpm: Tpm, ...chunks: Uint8Array[]): void {
  tpm.hashStart();
  for (const c of chunks) tpm.hashData(c);
  tpm.hashEnd();
}

const PROFILES = [
  { profile: 'tpm2', banks: [SHA1, SHA256] },
  { profile: 'tcm2', banks: [SM3_256] },
] as const;

describe.each(PROFILES)('_TPM_Hash_Start/Data/End, profile $profile', ({ profile, banks }) => {
  describe('H-CRTM (before Startup)', () => {
    it('PCR 0 = H(00..04 ‖ H(data)) in each bank; the other PCRs keep their Startup values', async () => {
      const { tpm, client } = testTpm({ profile });
      const part1 = text('H-CRTM code, ');
      const part2 = new Uint8Array(3000).map((_, i) => i & 0xff);
      measure(tpm, part1, part2);
      await client.startup();
      for (const hash of banks) {
        expect(await readPcr(client, hash, 0)).toBe(toHex(H(hash, hcrtmStart(hash), H(hash, concat(part1, part2)))));
        expect(await readPcr(client, hash, 1)).toBe(toHex(zeros(hash)));
        expect(await readPcr(client, hash, 17)).toBe(toHex(ones(hash)));
      }
    });

    it('the H-CRTM value does not depend on the Startup locality (00..04, not 00..03)', async () => {
      const { tpm } = testTpm({ profile });
      measure(tpm, text('crtm'));
      await at(tpm, 3).startup();
      for (const hash of banks) expect(await readPcr(at(tpm, 0), hash, 0)).toBe(toHex(H(hash, hcrtmStart(hash), H(hash, text('crtm')))));
    });

    it('an empty measurement is the digest of nothing', async () => {
      const { tpm, client } = testTpm({ profile });
      measure(tpm);
      await client.startup();
      for (const hash of banks) expect(await readPcr(client, hash, 0)).toBe(toHex(H(hash, hcrtmStart(hash), H(hash))));
    });

    it('is forgotten by a power cycle before Startup', async () => {
      const { tpm, client } = testTpm({ profile });
      measure(tpm, text('lost'));
      tpm.powerOff();
      tpm.powerOn();
      await client.startup();
      for (const hash of banks) expect(await readPcr(client, hash, 0)).toBe(toHex(zeros(hash)));
    });

    it('a TPM Resume restores PCR 0 from the saved state instead', async () => {
      const { tpm, client } = await startedTpm({ profile });
      await client.run('PCR_Extend', { pcrHandle: 0, digests: { digests: banks.map((hashAlg) => ({ hashAlg, digest: H(hashAlg, text('boot')) })) } });
      const saved = await readPcr(client, banks[0], 0);
      await client.shutdown('state');
      tpm.powerOff();
      tpm.powerOn();
      measure(tpm, text('crtm'));
      await client.startup('state');
      expect(await readPcr(client, banks[0], 0)).toBe(saved);
    });
  });

  describe('DRTM (after Startup)', () => {
    it('resets PCR 17-22 to zero and extends PCR 17 with H(data); other PCRs are untouched; restartCount + 1', async () => {
      const { tpm, client } = await startedTpm({ profile });
      // Give PCR 16-23 some history first.
      for (const pcr of [16, 17, 18, 19, 20, 21, 22, 23]) {
        const loc = pcr === 20 ? 1 : pcr >= 17 && pcr <= 22 ? 2 : 0;
        await at(tpm, loc).run('PCR_Event', { pcrHandle: pcr, eventData: text(`before ${pcr}`) });
      }
      const before = new Map<string, string | undefined>();
      for (const hash of banks) for (const pcr of [0, 16, 23]) before.set(`${hash}:${pcr}`, await readPcr(client, hash, pcr));
      const clock0 = await clockInfo(client);
      const counter0 = (await client.run('PCR_Read', { pcrSelectionIn: { pcrSelections: [] } })).pcrUpdateCounter;

      const chunks = [text('SINIT ACM'), new Uint8Array(70000).fill(0x5a), text('MLE')];
      measure(tpm, ...chunks);

      for (const hash of banks) {
        expect(await readPcr(client, hash, 17)).toBe(toHex(H(hash, zeros(hash), H(hash, concat(...chunks)))));
        for (const pcr of [18, 19, 20, 21, 22]) expect(await readPcr(client, hash, pcr)).toBe(toHex(zeros(hash)));
        for (const pcr of [0, 16, 23]) expect(await readPcr(client, hash, pcr)).toBe(before.get(`${hash}:${pcr}`));
      }
      const clock1 = await clockInfo(client);
      expect(clock1.restartCount).toBe(clock0.restartCount + 1);
      expect(clock1.resetCount).toBe(clock0.resetCount);
      // PCR 17 changed in each bank.
      expect((await client.run('PCR_Read', { pcrSelectionIn: { pcrSelections: [] } })).pcrUpdateCounter).toBe(counter0 + banks.length);
    });

    it('a second DRTM starts PCR 17 from zero again; locality 2 may extend it afterwards', async () => {
      const { tpm, client } = await startedTpm({ profile });
      measure(tpm, text('launch'));
      const first = await readPcr(client, banks[0], 17);
      await at(tpm, 2).run('PCR_Event', { pcrHandle: 17, eventData: text('after launch') });
      expect(await readPcr(client, banks[0], 17)).not.toBe(first);
      measure(tpm, text('launch'));
      expect(await readPcr(client, banks[0], 17)).toBe(first);
    });

    it('_TPM_Hash_Start during a sequence starts it over', async () => {
      const { tpm, client } = await startedTpm({ profile });
      tpm.hashStart();
      tpm.hashData(text('discarded'));
      tpm.hashStart();
      tpm.hashData(text('kept'));
      tpm.hashEnd();
      for (const hash of banks) expect(await readPcr(client, hash, 17)).toBe(toHex(H(hash, zeros(hash), H(hash, text('kept')))));
    });

    it('_TPM_Hash_Data or _TPM_Hash_End without _TPM_Hash_Start changes nothing', async () => {
      const { tpm } = await startedTpm({ profile });
      const before = stateOf(tpm);
      tpm.hashData(text('stray'));
      tpm.hashEnd();
      expect(stateOf(tpm)).toEqual(before);
    });
  });
});
