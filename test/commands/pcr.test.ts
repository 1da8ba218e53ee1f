/**
 * Part 3 "Integrity Collection (PCR)": PCR_Extend, PCR_Event, PCR_Read, PCR_Reset, PCR_Allocate,
 * PCR_SetAuthValue, PCR_SetAuthPolicy, through the typed client on seeded TPMs of both profiles.
 * Expected values are computed here with node:crypto (SHA and SM3), independently of the emulator.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../src/client/client.js';
import { inProcess } from '../../src/client/transport.js';
import { TPM_ALG, TPM_RC, TPM_RH } from '../../src/gen/constants.js';
import type { TPMS_PCR_SELECTION, TPMT_HA } from '../../src/gen/types.js';
import type { Tpm } from '../../src/tpm/engine.js';
import { decodeSnapshot } from '../../src/tpm/state/snapshot.js';
import { hex, rcOf, startedTpm, testTpm, toHex } from '../helpers/tpm.js';

const { SHA1, SHA256, SHA384, SHA512, SM3_256, SHA3_256 } = TPM_ALG;
/** Format-one numbers: parameter n, session 1. */
const P = (n: number) => TPM_RC.P | (n << 8);
const S1 = TPM_RC.S | 0x100;

const NODE_HASH: Record<number, string> = { [SHA1]: 'sha1', [SHA256]: 'sha256', [SHA384]: 'sha384', [SHA512]: 'sha512', [SM3_256]: 'sm3' };
const SIZE: Record<number, number> = { [SHA1]: 20, [SHA256]: 32, [SHA384]: 48, [SHA512]: 64, [SM3_256]: 32 };

/** H(parts), by node:crypto. */
function H(alg: number, ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(NODE_HASH[alg]);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}
const zeros = (alg: number) => new Uint8Array(SIZE[alg]);
const ones = (alg: number) => new Uint8Array(SIZE[alg]).fill(0xff);
const text = (s: string) => new TextEncoder().encode(s);
const ALL = Array.from({ length: 24 }, (_, i) => i);

/** A pcrSelect bitmap (PCR_SELECT_MAX = 3 octets for 24 PCRs). */
function sel(pcrs: readonly number[]): Uint8Array {
  const b = new Uint8Array(3);
  for (const p of pcrs) b[p >> 3] |= 1 << (p & 7);
  return b;
}
function pcrsOf(select: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < select.length * 8; i++) if ((select[i >> 3] >> (i & 7)) & 1) out.push(i);
  return out;
}

/** A client whose commands arrive at this locality. */
const at = (tpm: Tpm, locality: number): Client => createClient(inProcess(tpm, { locality }));

const selection = (hash: number, pcrs: readonly number[]): TPMS_PCR_SELECTION => ({ hash, pcrSelect: sel(pcrs) });
const readSel = (client: Client, pcrSelections: TPMS_PCR_SELECTION[]) => client.run('PCR_Read', { pcrSelectionIn: { pcrSelections } });

async function readPcr(client: Client, hash: number, pcr: number): Promise<string | undefined> {
  const r = await readSel(client, [selection(hash, [pcr])]);
  const d = r.pcrValues.digests[0];
  return d && toHex(d);
}

/** Every PCR of a bank by repeated PCR_Read (index = PCR; undefined = not allocated). */
async function readBank(client: Client, hash: number): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = new Array(24).fill(undefined);
  let want = [...ALL];
  while (want.length) {
    const r = await readSel(client, [selection(hash, want)]);
    const got = pcrsOf(r.pcrSelectionOut.pcrSelections[0].pcrSelect);
    if (got.length === 0) break;
    got.forEach((pcr, k) => (out[pcr] = toHex(r.pcrValues.digests[k])));
    want = want.filter((p) => !got.includes(p));
  }
  return out;
}

const counter = async (client: Client) => (await readSel(client, [])).pcrUpdateCounter;
const digestsFor = (banks: readonly number[], data: string): TPMT_HA[] => banks.map((hashAlg) => ({ hashAlg, digest: H(hashAlg, text(data)) }));
/** The whole TPM state (not the DRBG), to show a rejected command changed nothing. */
const stateOf = (tpm: Tpm) => decodeSnapshot<{ state: unknown }>(tpm.snapshot()).state;
const initial = (hash: number, pcr: number) => toHex(pcr >= 17 && pcr <= 22 ? ones(hash) : zeros(hash));

/**
 * PC Client PCR attributes (PC Client PTP "PCR Attributes", as the TCG reference platform
 * declares them): the localities that may extend and reset each PCR. PCR 17-19 are reset only
 * from locality 4, which TPM2_PCR_Reset never accepts on a TPM with a DRTM PCR.
 */
const EXTEND_LOCALITIES = (pcr: number): number[] =>
  pcr <= 16 || pcr === 23 ? [0, 1, 2, 3, 4] : pcr <= 18 ? [2, 3, 4] : pcr === 19 ? [2, 3] : pcr === 20 ? [1, 2, 3] : [2];
const RESET_LOCALITIES = (pcr: number): number[] => (pcr === 16 || pcr === 23 ? [0, 1, 2, 3] : pcr >= 20 && pcr <= 22 ? [2] : []);

const PROFILES = [
  { profile: 'tpm2', banks: [SHA1, SHA256], implemented: [SHA1, SHA256, SHA384, SHA512, SM3_256], foreign: SHA3_256 },
  { profile: 'tcm2', banks: [SM3_256], implemented: [SM3_256], foreign: SHA256 },
] as const;

describe.each(PROFILES)('PCRs, profile $profile', ({ profile, banks, implemented, foreign }) => {
  const last = banks[banks.length - 1];

  describe('initial values and PCR_Read', () => {
    it('after Startup(CLEAR) at locality 0: PCR 0-16 and 23 are zero, 17-22 all ones, in each allocated bank', async () => {
      const { client } = await startedTpm({ profile });
      for (const hash of banks) expect(await readBank(client, hash)).toEqual(ALL.map((pcr) => initial(hash, pcr)));
      for (const hash of implemented.filter((h) => !(banks as readonly number[]).includes(h))) {
        expect(await readBank(client, hash)).toEqual(new Array(24).fill(undefined));
      }
    });

    it('Startup at locality 3 puts 3 in the last octet of PCR 0', async () => {
      const { tpm } = testTpm({ profile });
      await at(tpm, 3).startup();
      const client = at(tpm, 0);
      for (const hash of banks) {
        const expected = zeros(hash);
        expected[expected.length - 1] = 3;
        expect(await readPcr(client, hash, 0)).toBe(toHex(expected));
        expect(await readPcr(client, hash, 1)).toBe(toHex(zeros(hash)));
      }
    });

    it('answers at most eight digests; pcrSelectionOut says which, and asking again reads the rest', async () => {
      const { client } = await startedTpm({ profile });
      await client.run('PCR_Extend', { pcrHandle: 3, digests: { digests: digestsFor(banks, 'three') } });
      const requested = implemented.slice(0, 4);
      let want = requested.map((hash) => selection(hash, ALL));
      const got = new Map<number, (string | undefined)[]>(requested.map((h) => [h, new Array(24).fill(undefined)]));
      let calls = 0;
      for (;;) {
        const r = await readSel(client, want);
        const out = r.pcrSelectionOut.pcrSelections;
        // The same banks, in the same order, with the same select sizes.
        expect(out.map((s) => [s.hash, s.pcrSelect.length])).toEqual(want.map((s) => [s.hash, 3]));
        const returned = out.flatMap((s) => pcrsOf(s.pcrSelect).map((pcr) => [s.hash, pcr] as const));
        if (returned.length === 0) break;
        calls++;
        expect(r.pcrValues.digests.length).toBe(returned.length);
        expect(returned.length).toBeLessThanOrEqual(8);
        returned.forEach(([hash, pcr], k) => {
          expect(pcrsOf(want.find((s) => s.hash === hash)!.pcrSelect)).toContain(pcr);
          got.get(hash)![pcr] = toHex(r.pcrValues.digests[k]);
        });
        want = want.map((s) => ({ hash: s.hash, pcrSelect: sel(pcrsOf(s.pcrSelect).filter((p) => !returned.some(([h, q]) => h === s.hash && q === p))) }));
      }
      expect(calls).toBe((24 * banks.length) / 8);
      for (const hash of requested) {
        const expected = ALL.map((pcr) => {
          if (!(banks as readonly number[]).includes(hash)) return undefined;
          return pcr === 3 ? toHex(H(hash, zeros(hash), H(hash, text('three')))) : initial(hash, pcr);
        });
        expect(got.get(hash)).toEqual(expected);
      }
    });

    it('the first reply to a full request is PCR 0-7 of the first bank; other banks are listed with nothing selected', async () => {
      const { client } = await startedTpm({ profile });
      const r = await readSel(client, banks.map((h) => selection(h, ALL)));
      expect(r.pcrSelectionOut.pcrSelections.map((s) => [s.hash, toHex(s.pcrSelect)])).toEqual(banks.map((h, i) => [h, i === 0 ? 'ff0000' : '000000']));
      expect(r.pcrValues.digests.map((d) => d.length)).toEqual(new Array(8).fill(SIZE[banks[0]]));
    });

    it('a hash the TPM does not implement in the selection: TPM_RC_HASH on parameter 1', async () => {
      const { client } = await startedTpm({ profile });
      expect(await rcOf(readSel(client, [selection(foreign, [0])]))).toBe(TPM_RC.HASH | P(1));
    });
  });

  describe('PCR_Extend', () => {
    it('PCR := H(PCR ‖ digest) in each bank (known answers by node:crypto), chained', async () => {
      const { client } = await startedTpm({ profile });
      await client.run('PCR_Extend', { pcrHandle: 8, digests: { digests: digestsFor(banks, 'first') } });
      await client.run('PCR_Extend', { pcrHandle: 8, digests: { digests: digestsFor(banks, 'second') } });
      for (const hash of banks) {
        const once = H(hash, zeros(hash), H(hash, text('first')));
        expect(await readPcr(client, hash, 8)).toBe(toHex(H(hash, once, H(hash, text('second')))));
      }
      // A DRTM PCR starts at all ones: extending it hashes the ones.
      const l2 = at((await startedTpm({ profile })).tpm, 2);
      await l2.run('PCR_Extend', { pcrHandle: 17, digests: { digests: digestsFor(banks, 'drtm') } });
      for (const hash of banks) expect(await readPcr(l2, hash, 17)).toBe(toHex(H(hash, ones(hash), H(hash, text('drtm')))));
    });

    it('fixed known answers: H(00..00 ‖ 01..01) for every allocated bank', async () => {
      // SHA-1, SHA-256 and SM3 of the zero PCR followed by a digest of 01 octets (Python hashlib).
      const KAT: Record<number, string> = {
        [SHA1]: 'c3ad7f64b8d976aaf2b3a9c98f7ee5631cde7125',
        [SHA256]: '5c85955f709283ecce2b74f1b1552918819f390911816e7bb466805a38ab87f3',
        [SM3_256]: '6a5d17e2c8bf92d4d99b338d553558820603cfe492189dfacd4ec72ed91eb3ed',
      };
      const { client } = await startedTpm({ profile });
      const digests = banks.map((hashAlg) => ({ hashAlg, digest: new Uint8Array(SIZE[hashAlg]).fill(1) }));
      await client.run('PCR_Extend', { pcrHandle: 23, digests: { digests } });
      for (const hash of banks) {
        expect(await readPcr(client, hash, 23)).toBe(KAT[hash]);
        expect(KAT[hash]).toBe(toHex(H(hash, zeros(hash), new Uint8Array(SIZE[hash]).fill(1))));
      }
    });

    it('a hash the TPM does not implement: TPM_RC_HASH on parameter 1, and nothing is extended', async () => {
      const { tpm, client } = await startedTpm({ profile });
      const before = stateOf(tpm);
      // (TCM 2.0's lists hold one digest: HASH_COUNT is 1.)
      const good = implemented.length > 1 ? [{ hashAlg: banks[0], digest: H(banks[0], text('x')) }] : [];
      const digests = [...good, { hashAlg: foreign, digest: new Uint8Array(32) }];
      expect(await rcOf(client.run('PCR_Extend', { pcrHandle: 8, digests: { digests } }))).toBe(TPM_RC.HASH | P(1));
      expect(stateOf(tpm)).toEqual(before);
    });

    it('TPM_RH_NULL: succeeds and changes nothing', async () => {
      const { tpm, client } = await startedTpm({ profile });
      const before = stateOf(tpm);
      await client.run('PCR_Extend', { pcrHandle: TPM_RH.NULL, digests: { digests: digestsFor(banks, 'null') } });
      expect(stateOf(tpm)).toEqual(before);
    });

    it('pcrUpdateCounter: +1 for each bank an extend changes; PCR 20-22 (no-increment group) leave it', async () => {
      const { tpm, client } = await startedTpm({ profile });
      const c0 = await counter(client);
      await client.run('PCR_Extend', { pcrHandle: 8, digests: { digests: digestsFor(banks, 'a') } });
      expect(await counter(client)).toBe(c0 + banks.length);
      await client.run('PCR_Extend', { pcrHandle: 8, digests: { digests: [] } });
      expect(await counter(client)).toBe(c0 + banks.length);
      const l2 = at(tpm, 2);
      await l2.run('PCR_Extend', { pcrHandle: 21, digests: { digests: digestsFor(banks, 'b') } });
      expect(await readPcr(client, banks[0], 21)).toBe(toHex(H(banks[0], ones(banks[0]), H(banks[0], text('b')))));
      expect(await counter(client)).toBe(c0 + banks.length);
      // PCR_Reset counts once, whatever the number of banks.
      await client.run('PCR_Reset', { pcrHandle: 16 });
      expect(await counter(client)).toBe(c0 + banks.length + 1);
      await l2.run('PCR_Reset', { pcrHandle: 20 });
      expect(await counter(client)).toBe(c0 + banks.length + 1);
    });

    it('every PCR and locality of the PC Client table: allowed, or TPM_RC_LOCALITY', async () => {
      const { tpm } = await startedTpm({ profile });
      const clients = [0, 1, 2, 3, 4].map((l) => at(tpm, l));
      const seen: string[] = [];
      for (const pcr of ALL) {
        for (let loc = 0; loc <= 4; loc++) {
          const p = clients[loc].run('PCR_Extend', { pcrHandle: pcr, digests: { digests: digestsFor(banks, 'l') } });
          const allowed = EXTEND_LOCALITIES(pcr).includes(loc);
          if (allowed) await p;
          else expect(await rcOf(p)).toBe(TPM_RC.LOCALITY);
          const e = clients[loc].run('PCR_Event', { pcrHandle: pcr, eventData: text('l') });
          if (allowed) await e;
          else expect(await rcOf(e)).toBe(TPM_RC.LOCALITY);
          if (allowed) seen.push(`${pcr}@${loc}`);
        }
      }
      expect(seen.length).toBe(18 * 5 + 3 + 3 + 2 + 3 + 1 + 1);
    });

    it('PCR 20 with an authValue: a wrong password is TPM_RC_BAD_AUTH on session 1, the PCR unchanged', async () => {
      const { tpm, client } = await startedTpm({ profile });
      await client.run('PCR_SetAuthValue', { pcrHandle: 20, auth: text('pcr secret') });
      const l2 = at(tpm, 2);
      const digests = { digests: digestsFor(banks, 'authorized') };
      const before = stateOf(tpm);
      expect(await rcOf(l2.run('PCR_Extend', { pcrHandle: 20, digests }, { auth: { pcrHandle: 'wrong' } }))).toBe(TPM_RC.BAD_AUTH | S1);
      expect(await rcOf(l2.run('PCR_Extend', { pcrHandle: 20, digests }))).toBe(TPM_RC.BAD_AUTH | S1);
      expect(stateOf(tpm)).toEqual(before);
      await l2.run('PCR_Extend', { pcrHandle: 20, digests }, { auth: { pcrHandle: 'pcr secret' } });
      expect(await readPcr(client, banks[0], 20)).toBe(toHex(H(banks[0], ones(banks[0]), H(banks[0], text('authorized')))));
      // The whole group (PCR 20-22) shares the authValue; PCR 16 is in no group.
      expect(await rcOf(l2.run('PCR_Event', { pcrHandle: 21, eventData: text('e') }))).toBe(TPM_RC.BAD_AUTH | S1);
      await l2.run('PCR_Event', { pcrHandle: 21, eventData: text('e') }, { auth: { pcrHandle: 'pcr secret' } });
      await client.run('PCR_Extend', { pcrHandle: 16, digests });
    });
  });

  describe('PCR_Event', () => {
    it('returns the digest of eventData for every implemented hash and extends the allocated banks', async () => {
      const { client } = await startedTpm({ profile });
      const data = text('boot event');
      const c0 = await counter(client);
      const r = await client.run('PCR_Event', { pcrHandle: 9, eventData: data });
      expect(r.digests.digests.map((d) => d.hashAlg)).toEqual([...implemented]);
      for (const d of r.digests.digests) expect(toHex(d.digest!)).toBe(toHex(H(d.hashAlg, data)));
      for (const hash of banks) expect(await readPcr(client, hash, 9)).toBe(toHex(H(hash, zeros(hash), H(hash, data))));
      expect(await counter(client)).toBe(c0 + banks.length);
    });

    it('TPM_RH_NULL: the digests, and no PCR changes', async () => {
      const { tpm, client } = await startedTpm({ profile });
      const before = stateOf(tpm);
      const r = await client.run('PCR_Event', { pcrHandle: TPM_RH.NULL, eventData: new Uint8Array(0) });
      expect(r.digests.digests.map((d) => toHex(d.digest!))).toEqual(implemented.map((h) => toHex(H(h))));
      expect(stateOf(tpm)).toEqual(before);
    });

    it('eventData of 1024 octets is accepted; 1025 is TPM_RC_SIZE on parameter 1', async () => {
      const { client } = await startedTpm({ profile });
      await client.run('PCR_Event', { pcrHandle: 10, eventData: new Uint8Array(1024).fill(7) });
      expect(await rcOf(client.run('PCR_Event', { pcrHandle: 10, eventData: new Uint8Array(1025) }))).toBe(TPM_RC.SIZE | P(1));
    });
  });

  describe('PCR_Reset', () => {
    it('every PCR and locality of the PC Client table: reset to zero in every bank, or TPM_RC_LOCALITY', async () => {
      const { tpm } = await startedTpm({ profile });
      const clients = [0, 1, 2, 3, 4].map((l) => at(tpm, l));
      for (const pcr of ALL) {
        for (let loc = 0; loc <= 4; loc++) {
          const allowed = RESET_LOCALITIES(pcr).includes(loc);
          const extendFrom = EXTEND_LOCALITIES(pcr)[0];
          await clients[extendFrom].run('PCR_Extend', { pcrHandle: pcr, digests: { digests: digestsFor(banks, 'r') } }, { auth: {} });
          const p = clients[loc].run('PCR_Reset', { pcrHandle: pcr });
          if (!allowed) {
            expect(await rcOf(p)).toBe(TPM_RC.LOCALITY);
            continue;
          }
          await p;
          for (const hash of banks) expect(await readPcr(clients[0], hash, pcr)).toBe(toHex(zeros(hash)));
        }
      }
    });

    it('DRTM PCRs reset to zero, not to their all-ones Startup value; PCR 17 is not reset even from locality 4', async () => {
      const { tpm, client } = await startedTpm({ profile });
      for (const pcr of [20, 21, 22]) {
        await at(tpm, 2).run('PCR_Reset', { pcrHandle: pcr });
        for (const hash of banks) expect(await readPcr(client, hash, pcr)).toBe(toHex(zeros(hash)));
      }
      expect(await rcOf(at(tpm, 4).run('PCR_Reset', { pcrHandle: 17 }))).toBe(TPM_RC.LOCALITY);
      expect(await rcOf(at(tpm, 4).run('PCR_Reset', { pcrHandle: 20 }))).toBe(TPM_RC.LOCALITY);
      expect(await readPcr(client, banks[0], 17)).toBe(toHex(ones(banks[0])));
    });
  });

  describe('rejected commands', () => {
    it('leave PCR values, pcrUpdateCounter and all other state unchanged', async () => {
      const { tpm, client } = await startedTpm({ profile });
      await client.run('PCR_Extend', { pcrHandle: 5, digests: { digests: digestsFor(banks, 'before') } });
      await client.run('PCR_SetAuthValue', { pcrHandle: 22, auth: text('k') });
      const before = stateOf(tpm);
      const refusals: [() => Promise<unknown>, number][] = [
        [() => client.run('PCR_Extend', { pcrHandle: 17, digests: { digests: digestsFor(banks, 'x') } }), TPM_RC.LOCALITY],
        [() => client.run('PCR_Event', { pcrHandle: 21, eventData: text('x') }, { auth: { pcrHandle: 'k' } }), TPM_RC.LOCALITY],
        [() => client.run('PCR_Reset', { pcrHandle: 0 }), TPM_RC.LOCALITY],
        [() => client.run('PCR_Reset', { pcrHandle: 19 }), TPM_RC.LOCALITY],
        [() => client.run('PCR_Extend', { pcrHandle: 5, digests: { digests: [{ hashAlg: foreign, digest: new Uint8Array(32) }] } }), TPM_RC.HASH | P(1)],
        [() => at(tpm, 2).run('PCR_Extend', { pcrHandle: 22, digests: { digests: digestsFor(banks, 'x') } }, { auth: { pcrHandle: 'bad' } }), TPM_RC.BAD_AUTH | S1],
        [() => client.run('PCR_Allocate', { authHandle: TPM_RH.PLATFORM, pcrAllocation: { pcrSelections: banks.map((h) => selection(h, [])) } }), TPM_RC.PCR],
        [() => client.run('PCR_SetAuthValue', { pcrHandle: 3, auth: text('v') }), TPM_RC.VALUE],
        [() => client.run('PCR_SetAuthPolicy', { authHandle: TPM_RH.PLATFORM, authPolicy: new Uint8Array(5), hashAlg: last, pcrNum: 20 }), TPM_RC.SIZE | P(1)],
      ];
      for (const [run, rc] of refusals) expect(await rcOf(run())).toBe(rc);
      expect(stateOf(tpm)).toEqual(before);
    });
  });

  describe('PCR_SetAuthValue', () => {
    it('a PCR in no authorization group: TPM_RC_VALUE (no handle number, as the TCG reference)', async () => {
      const { client } = await startedTpm({ profile });
      for (const pcr of [0, 16, 17, 19, 23]) expect(await rcOf(client.run('PCR_SetAuthValue', { pcrHandle: pcr, auth: text('v') }))).toBe(TPM_RC.VALUE);
    });

    it('trailing zero octets are not significant; changing it again needs the current value', async () => {
      const { tpm, client } = await startedTpm({ profile });
      await client.run('PCR_SetAuthValue', { pcrHandle: 21, auth: Uint8Array.of(0x61, 0x62, 0, 0) });
      const l2 = at(tpm, 2);
      await l2.run('PCR_Extend', { pcrHandle: 21, digests: { digests: [] } }, { auth: { pcrHandle: 'ab' } });
      await l2.run('PCR_Extend', { pcrHandle: 21, digests: { digests: [] } }, { auth: { pcrHandle: Uint8Array.of(0x61, 0x62, 0) } });
      expect(await rcOf(client.run('PCR_SetAuthValue', { pcrHandle: 20, auth: text('new') }))).toBe(TPM_RC.BAD_AUTH | S1);
      await client.run('PCR_SetAuthValue', { pcrHandle: 20, auth: text('new') }, { auth: { pcrHandle: 'ab' } });
      await l2.run('PCR_Extend', { pcrHandle: 22, digests: { digests: [] } }, { auth: { pcrHandle: 'new' } });
    });

    it('survives Shutdown(STATE) and Startup(STATE); Startup(CLEAR) makes it empty again', async () => {
      const { tpm, client } = await startedTpm({ profile });
      await client.run('PCR_SetAuthValue', { pcrHandle: 20, auth: text('kept') });
      await client.shutdown('state');
      tpm.powerOff();
      tpm.powerOn();
      await client.startup('state');
      const l2 = at(tpm, 2);
      expect(await rcOf(l2.run('PCR_Reset', { pcrHandle: 20 }))).toBe(TPM_RC.BAD_AUTH | S1);
      await l2.run('PCR_Reset', { pcrHandle: 20 }, { auth: { pcrHandle: 'kept' } });
      await client.shutdown('state');
      tpm.reset();
      await client.startup('clear');
      await l2.run('PCR_Reset', { pcrHandle: 20 });
    });
  });

  describe('PCR_SetAuthPolicy', () => {
    type Persistent = { pcrPolicies: { hashAlg: number; digest: Uint8Array }[] };
    const policies = (tpm: Tpm) => decodeSnapshot<{ state: { persistent: Persistent } }>(tpm.snapshot()).state.persistent.pcrPolicies;

    it('sets the policy of the PCR 20-22 group; it is persistent (kept by Startup(CLEAR) and power cycles)', async () => {
      const { tpm, client } = await startedTpm({ profile });
      expect(policies(tpm)).toEqual([{ hashAlg: TPM_ALG.NULL, digest: new Uint8Array(0) }]);
      const digest = H(last, text('policy'));
      await client.run('PCR_SetAuthPolicy', { authHandle: TPM_RH.PLATFORM, authPolicy: digest, hashAlg: last, pcrNum: 22 });
      expect(policies(tpm)).toEqual([{ hashAlg: last, digest }]);
      await client.shutdown('clear');
      tpm.powerOff();
      tpm.powerOn();
      await client.startup('clear');
      expect(policies(tpm)).toEqual([{ hashAlg: last, digest }]);
      await client.run('PCR_SetAuthPolicy', { authHandle: TPM_RH.PLATFORM, authPolicy: new Uint8Array(0), hashAlg: TPM_ALG.NULL, pcrNum: 20 });
      expect(policies(tpm)).toEqual([{ hashAlg: TPM_ALG.NULL, digest: new Uint8Array(0) }]);
    });

    it('authPolicy not of the hash size: TPM_RC_SIZE on parameter 1 (checked first); a PCR in no policy group: TPM_RC_VALUE on parameter 3', async () => {
      const { client } = await startedTpm({ profile });
      const run = (authPolicy: Uint8Array, hashAlg: number, pcrNum: number) =>
        client.run('PCR_SetAuthPolicy', { authHandle: TPM_RH.PLATFORM, authPolicy, hashAlg, pcrNum });
      expect(await rcOf(run(new Uint8Array(20), last, 20))).toBe(TPM_RC.SIZE | P(1));
      expect(await rcOf(run(new Uint8Array(20), last, 0))).toBe(TPM_RC.SIZE | P(1));
      expect(await rcOf(run(new Uint8Array(1), TPM_ALG.NULL, 20))).toBe(TPM_RC.SIZE | P(1));
      expect(await rcOf(run(new Uint8Array(32), last, 16))).toBe(TPM_RC.VALUE | P(3));
      expect(await rcOf(run(new Uint8Array(32), foreign, 20))).toBe(TPM_RC.HASH | P(2));
    });

    it('needs platform authorization: a wrong password is TPM_RC_BAD_AUTH on session 1', async () => {
      const { client } = await startedTpm({ profile });
      const input = { authHandle: TPM_RH.PLATFORM, authPolicy: new Uint8Array(32), hashAlg: last, pcrNum: 20 };
      const p = client.run('PCR_SetAuthPolicy', input, { auth: { authHandle: 'x' } });
      expect(await rcOf(p)).toBe(TPM_RC.BAD_AUTH | S1);
    });
  });

  describe('PCR_Allocate', () => {
    const allocate = (client: Client, pcrSelections: TPMS_PCR_SELECTION[]) =>
      client.run('PCR_Allocate', { authHandle: TPM_RH.PLATFORM, pcrAllocation: { pcrSelections } });
    const sizeAvailable = 24 * implemented.reduce((n, h) => n + SIZE[h], 0);

    it('takes effect at the next TPM Reset, not before; until then Shutdown(STATE) is TPM_RC_TYPE', async () => {
      const { tpm, client } = await startedTpm({ profile });
      const without89 = ALL.filter((p) => p !== 8 && p !== 9);
      const r = await allocate(client, [selection(last, without89)]);
      const others = banks.filter((h) => h !== last).reduce((n, h) => n + 24 * SIZE[h], 0);
      expect(r).toEqual({ allocationSuccess: 1, maxPCR: 24, sizeNeeded: others + 22 * SIZE[last], sizeAvailable });
      // Not yet: PCR 8 is still there.
      await client.run('PCR_Extend', { pcrHandle: 8, digests: { digests: digestsFor(banks, 'now') } });
      expect(await readPcr(client, last, 8)).toBe(toHex(H(last, zeros(last), H(last, text('now')))));
      expect(await rcOf(client.shutdown('state'))).toBe(TPM_RC.TYPE | P(1));
      await client.shutdown('clear');
      tpm.powerOff();
      tpm.powerOn();
      await client.startup();
      const bank = await readBank(client, last);
      expect(bank).toEqual(ALL.map((pcr) => (pcr === 8 || pcr === 9 ? undefined : initial(last, pcr))));
      // An extend of the PCR where it is no longer allocated changes nothing and counts nothing.
      const c0 = await counter(client);
      await client.run('PCR_Extend', { pcrHandle: 8, digests: { digests: [{ hashAlg: last, digest: H(last, text('gone')) }] } });
      expect(await counter(client)).toBe(c0);
      expect(await readPcr(client, last, 8)).toBeUndefined();
      // PCR_Event still returns every implemented digest.
      expect((await client.run('PCR_Event', { pcrHandle: 9, eventData: text('e') })).digests.digests.length).toBe(implemented.length);
      // And Shutdown(STATE) is accepted again.
      await client.shutdown('state');
    });

    it('without power loss too: Startup(CLEAR) after Shutdown(CLEAR) is a TPM Reset', async () => {
      const { tpm, client } = await startedTpm({ profile });
      await allocate(client, [selection(last, ALL.filter((p) => p !== 12))]);
      await client.shutdown('clear');
      tpm.reset();
      await client.startup();
      expect(await readPcr(client, last, 12)).toBeUndefined();
      expect(await readPcr(client, last, 11)).toBe(toHex(zeros(last)));
    });

    it('an empty list changes no bank and succeeds; the last selection of a bank wins', async () => {
      const { tpm, client } = await startedTpm({ profile });
      const full = banks.reduce((n, h) => n + 24 * SIZE[h], 0);
      expect(await allocate(client, [])).toEqual({ allocationSuccess: 1, maxPCR: 24, sizeNeeded: full, sizeAvailable });
      const twice = [selection(last, [0, 17]), selection(last, ALL.filter((p) => p !== 1))];
      if (implemented.length === 1) {
        // A list longer than HASH_COUNT (1 on TCM 2.0) is TPM_RC_SIZE; the TPM keeps one entry per bank.
        expect(await rcOf(allocate(client, twice))).toBe(TPM_RC.SIZE | P(1));
        twice.shift();
      }
      const r = await allocate(client, twice);
      expect(r.sizeNeeded).toBe(full - SIZE[last]);
      await client.shutdown('clear');
      tpm.reset();
      await client.startup();
      expect((await readBank(client, last)).filter((v) => v !== undefined).length).toBe(23);
    });

    it('an allocation that leaves the H-CRTM PCR 0 or the DRTM PCR 17 in no bank: TPM_RC_PCR, nothing recorded', async () => {
      const { client } = await startedTpm({ profile });
      expect(await rcOf(allocate(client, banks.map((h) => selection(h, []))))).toBe(TPM_RC.PCR);
      expect(await rcOf(allocate(client, banks.map((h) => selection(h, ALL.filter((p) => p !== 17)))))).toBe(TPM_RC.PCR);
      expect(await rcOf(allocate(client, banks.map((h) => selection(h, ALL.filter((p) => p !== 0)))))).toBe(TPM_RC.PCR);
      // Nothing is pending: Shutdown(STATE) is still accepted.
      await client.shutdown('state');
    });

    it('a bank the profile does not implement: TPM_RC_HASH on parameter 1', async () => {
      const { client } = await startedTpm({ profile });
      expect(await rcOf(allocate(client, [selection(foreign, ALL)]))).toBe(TPM_RC.HASH | P(1));
    });

    it('needs platform authorization: a wrong password is TPM_RC_BAD_AUTH on session 1', async () => {
      const { client } = await startedTpm({ profile });
      const p = client.run('PCR_Allocate', { authHandle: TPM_RH.PLATFORM, pcrAllocation: { pcrSelections: [] } }, { auth: { authHandle: 'x' } });
      expect(await rcOf(p)).toBe(TPM_RC.BAD_AUTH | S1);
      expect(await rcOf(client.run('PCR_Allocate', { authHandle: TPM_RH.OWNER, pcrAllocation: { pcrSelections: [] } }))).toBe(TPM_RC.VALUE | TPM_RC.H | 0x100);
    });
  });

  describe('Startup and Shutdown', () => {
    /** Extends every PCR once from a locality that may, and returns the values. */
    async function extendAll(tpm: Tpm): Promise<Map<number, (string | undefined)[]>> {
      for (const pcr of ALL) {
        await at(tpm, EXTEND_LOCALITIES(pcr)[0]).run('PCR_Extend', { pcrHandle: pcr, digests: { digests: digestsFor(banks, `pcr ${pcr}`) } });
      }
      const client = at(tpm, 0);
      return new Map(await Promise.all(banks.map(async (h) => [h, await readBank(client, h)] as const)));
    }

    it('Shutdown(STATE), power cycle, Startup(STATE) (TPM Resume): PCR 0-15 kept, 16-23 back to their Startup values', async () => {
      const { tpm, client } = await startedTpm({ profile });
      const extended = await extendAll(tpm);
      const saved = await counter(client);
      await client.shutdown('state');
      tpm.powerOff();
      tpm.powerOn();
      await client.startup('state');
      for (const hash of banks) {
        expect(await readBank(client, hash)).toEqual(ALL.map((pcr) => (pcr <= 15 ? extended.get(hash)![pcr] : initial(hash, pcr))));
      }
      // PCR 16-19 and 23 changed (PCR 20-22 do not count): the counter goes on from the saved value.
      expect(await counter(client)).toBe(saved + 5);
    });

    it('Startup(CLEAR) after Shutdown(STATE) (TPM Restart): every PCR back to its Startup value', async () => {
      const { tpm, client } = await startedTpm({ profile });
      await extendAll(tpm);
      const saved = await counter(client);
      await client.shutdown('state');
      tpm.powerOff();
      tpm.powerOn();
      await client.startup('clear');
      for (const hash of banks) expect(await readBank(client, hash)).toEqual(ALL.map((pcr) => initial(hash, pcr)));
      expect(await counter(client)).toBe(saved + 21);
    });

    it('TPM Reset: pcrUpdateCounter starts at 21, one per PCR given its Startup value outside PCR 20-22 (as swtpm reports)', async () => {
      const { tpm, client } = await startedTpm({ profile });
      expect(await counter(client)).toBe(21);
      await extendAll(tpm);
      await client.shutdown('clear');
      tpm.powerOff();
      tpm.powerOn();
      await client.startup();
      expect(await counter(client)).toBe(21);
      for (const hash of banks) expect(await readBank(client, hash)).toEqual(ALL.map((pcr) => initial(hash, pcr)));
    });
  });
});

describe('PCR_Allocate, tpm2: banks the profile implements but has not allocated', () => {
  it('adding SHA-384 changes only that bank; after the Reset its PCRs extend with known answers', async () => {
    const { tpm, client } = await startedTpm();
    const r = await client.run('PCR_Allocate', { authHandle: TPM_RH.PLATFORM, pcrAllocation: { pcrSelections: [selection(SHA384, ALL)] } });
    expect(r.sizeNeeded).toBe(24 * (20 + 32 + 48));
    // Not allocated yet: a SHA-384 digest is ignored.
    const before = stateOf(tpm);
    await client.run('PCR_Extend', { pcrHandle: 4, digests: { digests: [{ hashAlg: SHA384, digest: H(SHA384, text('x')) }] } });
    expect(stateOf(tpm)).toEqual(before);
    await client.shutdown('clear');
    tpm.reset();
    await client.startup();
    for (const hash of [SHA1, SHA256, SHA384]) expect(await readBank(client, hash)).toEqual(ALL.map((pcr) => initial(hash, pcr)));
    await client.run('PCR_Extend', { pcrHandle: 4, digests: { digests: digestsFor([SHA384, SHA1], 'y') } });
    expect(await readPcr(client, SHA384, 4)).toBe(toHex(H(SHA384, zeros(SHA384), H(SHA384, text('y')))));
    expect(await readPcr(client, SHA1, 4)).toBe(toHex(H(SHA1, zeros(SHA1), H(SHA1, text('y')))));
    expect(await readPcr(client, SHA256, 4)).toBe(toHex(zeros(SHA256)));
  });

  it('moving from SHA-1 to SHA-256 only: "sha1:none+sha256:all"', async () => {
    const { tpm, client } = await startedTpm();
    const r = await client.run('PCR_Allocate', { authHandle: TPM_RH.PLATFORM, pcrAllocation: { pcrSelections: [selection(SHA1, []), selection(SHA256, ALL)] } });
    expect(r).toEqual({ allocationSuccess: 1, maxPCR: 24, sizeNeeded: 24 * 32, sizeAvailable: 24 * (20 + 32 + 48 + 64 + 32) });
    await client.shutdown('clear');
    tpm.reset();
    await client.startup();
    expect(await readBank(client, SHA1)).toEqual(new Array(24).fill(undefined));
    expect((await readBank(client, SHA256)).every((v) => v !== undefined)).toBe(true);
  });

  it('a bank listed twice in PCR_Extend is extended twice', async () => {
    const { client } = await startedTpm();
    const d = H(SHA256, text('twice'));
    await client.run('PCR_Extend', { pcrHandle: 2, digests: { digests: [{ hashAlg: SHA256, digest: d }, { hashAlg: SHA256, digest: d }] } });
    expect(await readPcr(client, SHA256, 2)).toBe(toHex(H(SHA256, H(SHA256, zeros(SHA256), d), d)));
  });
});

describe('PCR_Read against swtpm (tpm2-tools 5.4 transcript, test "attestation")', () => {
  it('the same selections come back for the same requests over four banks', async () => {
    const lines = gunzipSync(readFileSync(join(import.meta.dirname, '..', 'vectors', 'transcripts', 'tpm2-tools-5.4-swtpm.jsonl.gz')))
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { test: string; seq: number; cc: string; command: string; response: string })
      .filter((j) => j.test === 'attestation' && j.cc === '0x17e');
    expect(lines.length).toBeGreaterThanOrEqual(12);
    // swtpm had SHA-1, SHA-256, SHA-384 and SHA-512 allocated in full.
    const { tpm, client } = await startedTpm();
    await client.run('PCR_Allocate', { authHandle: TPM_RH.PLATFORM, pcrAllocation: { pcrSelections: [SHA1, SHA256, SHA384, SHA512].map((h) => selection(h, ALL)) } });
    await client.shutdown('clear');
    tpm.reset();
    await client.startup();
    for (const line of lines) {
      const ours = client.decode('PCR_Read', tpm.execute(hex(line.command)));
      const theirs = client.decode('PCR_Read', hex(line.response));
      expect(ours.pcrSelectionOut).toEqual(theirs.pcrSelectionOut);
      expect(ours.pcrValues.digests.map((d) => d.length)).toEqual(theirs.pcrValues.digests.map((d) => d.length));
    }
  });
});
