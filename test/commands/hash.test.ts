/**
 * TPM2_Hash and the hash/event sequences (Part 3 "TPM2_Hash", "Hash/HMAC/Event Sequences"),
 * both profiles, against node:crypto.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../src/client/client.js';
import { inProcess } from '../../src/client/transport.js';
import { TPM_ALG, TPM_CAP, TPM_CC, TPM_RC, TPM_RH, TPM_ST } from '../../src/gen/constants.js';
import type { TPML_HANDLE } from '../../src/gen/types.js';
import { createTpm } from '../../src/tpm/engine.js';
import { decodeSnapshot } from '../../src/tpm/state/snapshot.js';
import type { TpmState } from '../../src/tpm/state/types.js';
import { hex, rcOf, startedTpm, toHex } from '../helpers/tpm.js';

const P1 = TPM_RC.P | 0x100;
const P2 = TPM_RC.P | 0x200;
const S1 = TPM_RC.S | 0x100;
const S2 = TPM_RC.S | 0x200;
const EMPTY = new Uint8Array(0);
const GENERATED = hex('ff544347');

const NODE_NAME: Record<number, string> = {
  [TPM_ALG.SHA1]: 'sha1',
  [TPM_ALG.SHA256]: 'sha256',
  [TPM_ALG.SHA384]: 'sha384',
  [TPM_ALG.SHA512]: 'sha512',
  [TPM_ALG.SM3_256]: 'sm3',
};
const PROFILE_HASHES = {
  tpm2: [TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512, TPM_ALG.SM3_256],
  tcm2: [TPM_ALG.SM3_256],
} as const;

const nodeDigest = (alg: number, ...parts: Uint8Array[]) => {
  const h = createHash(NODE_NAME[alg]);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff);
const NULL_TICKET = { tag: TPM_ST.HASHCHECK, hierarchy: TPM_RH.NULL, digest: EMPTY };

/** The ticket Part 2 "TPMT_TK_HASHCHECK" defines, from the proof in the TPM's own snapshot. */
function expectedTicket(state: TpmState, contextHash: string, hierarchy: number, hashAlg: number, digest: Uint8Array): string {
  const proofs = state.persistent.hierarchyProof;
  const proof = hierarchy === TPM_RH.OWNER ? proofs.owner : hierarchy === TPM_RH.ENDORSEMENT ? proofs.endorsement : proofs.platform;
  const head = Buffer.alloc(4);
  head.writeUInt16BE(TPM_ST.HASHCHECK, 0);
  head.writeUInt16BE(hashAlg, 2);
  return createHmac(contextHash, proof).update(head).update(digest).digest('hex');
}

async function sequence(client: Client, hashAlg: number, chunks: Uint8Array[], last: Uint8Array, hierarchy: number = TPM_RH.NULL) {
  const { sequenceHandle } = await client.run('HashSequenceStart', { auth: EMPTY, hashAlg });
  for (const buffer of chunks) await client.run('SequenceUpdate', { sequenceHandle, buffer });
  return client.run('SequenceComplete', { sequenceHandle, buffer: last, hierarchy });
}

const loadedObjects = async (client: Client) =>
  ((await client.run('GetCapability', { capability: TPM_CAP.HANDLES, property: 0x80000000, propertyCount: 64 })).capabilityData.data as TPML_HANDLE).handle;

describe('TPM2_Hash', () => {
  for (const profile of ['tpm2', 'tcm2'] as const) {
    it(`${profile}: digests as node:crypto for every implemented hash`, async () => {
      const { client } = await startedTpm({ profile });
      for (const alg of PROFILE_HASHES[profile]) {
        for (const data of [EMPTY, hex('616263'), bytes(1024)]) {
          const r = await client.run('Hash', { data, hashAlg: alg, hierarchy: TPM_RH.NULL });
          expect(toHex(r.outHash)).toBe(toHex(nodeDigest(alg, data)));
          expect(r.validation).toEqual(NULL_TICKET);
        }
      }
    });

    it(`${profile}: a ticket for a hierarchy is HMAC(proof, TPM_ST_HASHCHECK ‖ hashAlg ‖ digest)`, async () => {
      const { tpm, client } = await startedTpm({ profile });
      const state = decodeSnapshot<{ state: TpmState }>(tpm.snapshot()).state;
      const contextHash = profile === 'tpm2' ? 'sha512' : 'sm3';
      const alg = profile === 'tpm2' ? TPM_ALG.SHA256 : TPM_ALG.SM3_256;
      const seen = new Set<string>();
      for (const hierarchy of [TPM_RH.OWNER, TPM_RH.ENDORSEMENT, TPM_RH.PLATFORM]) {
        const data = bytes(100);
        const r = await client.run('Hash', { data, hashAlg: alg, hierarchy });
        expect(r.validation.tag).toBe(TPM_ST.HASHCHECK);
        expect(r.validation.hierarchy).toBe(hierarchy);
        expect(toHex(r.validation.digest)).toBe(expectedTicket(state, contextHash, hierarchy, alg, r.outHash));
        seen.add(toHex(r.validation.digest));
      }
      expect(seen.size).toBe(3);
    });
  }

  it('gives no ticket for data that begins with TPM_GENERATED_VALUE; short data gets one', async () => {
    const { client } = await startedTpm();
    const generated = await client.run('Hash', { data: Uint8Array.of(...GENERATED, 1, 2, 3), hashAlg: TPM_ALG.SHA256, hierarchy: TPM_RH.OWNER });
    expect(generated.validation).toEqual(NULL_TICKET);
    const exact = await client.run('Hash', { data: GENERATED, hashAlg: TPM_ALG.SHA256, hierarchy: TPM_RH.OWNER });
    expect(exact.validation).toEqual(NULL_TICKET);
    const short = await client.run('Hash', { data: GENERATED.subarray(0, 3), hashAlg: TPM_ALG.SHA256, hierarchy: TPM_RH.OWNER });
    expect(short.validation.hierarchy).toBe(TPM_RH.OWNER);
    expect(short.validation.digest.length).toBe(64);
  });

  it('tickets are deterministic with a seed and differ between TPMs', async () => {
    const run = async (seed: string) =>
      (await (await startedTpm({ seed })).client.run('Hash', { data: bytes(10), hashAlg: TPM_ALG.SHA1, hierarchy: TPM_RH.ENDORSEMENT })).validation.digest;
    expect(toHex(await run('a'))).toBe(toHex(await run('a')));
    expect(toHex(await run('a'))).not.toBe(toHex(await run('b')));
  });

  it('refuses TPM_ALG_NULL and unimplemented hashes (TPM_RC_HASH, parameter 2) and oversized data (TPM_RC_SIZE, parameter 1)', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    expect(await rcOf(client.run('Hash', { data: EMPTY, hashAlg: TPM_ALG.NULL, hierarchy: TPM_RH.NULL }))).toBe(TPM_RC.HASH | P2);
    expect(await rcOf(client.run('Hash', { data: EMPTY, hashAlg: TPM_ALG.SHA256, hierarchy: TPM_RH.NULL }))).toBe(TPM_RC.HASH | P2);
    expect(await rcOf(client.run('Hash', { data: new Uint8Array(1025), hashAlg: TPM_ALG.SM3_256, hierarchy: TPM_RH.NULL }))).toBe(TPM_RC.SIZE | P1);
    expect(await rcOf(client.run('Hash', { data: EMPTY, hashAlg: TPM_ALG.SM3_256, hierarchy: TPM_RH.LOCKOUT }))).toBe(TPM_RC.VALUE | TPM_RC.P | 0x300);
  });
});

describe('hash sequences', () => {
  for (const profile of ['tpm2', 'tcm2'] as const) {
    it(`${profile}: HashSequenceStart/SequenceUpdate/SequenceComplete digest as node:crypto`, async () => {
      const { client } = await startedTpm({ profile });
      for (const alg of PROFILE_HASHES[profile]) {
        const chunks = [bytes(1024, 1), bytes(1, 2), EMPTY, bytes(333, 3)];
        const last = bytes(64, 4);
        const r = await sequence(client, alg, chunks, last);
        expect(toHex(r.result)).toBe(toHex(nodeDigest(alg, ...chunks, last)));
        expect(r.validation).toEqual(NULL_TICKET);
        const none = await sequence(client, alg, [], EMPTY);
        expect(toHex(none.result)).toBe(toHex(nodeDigest(alg)));
      }
      expect(await loadedObjects(client)).toEqual([]);
    });
  }

  it('gives the same ticket as TPM2_Hash for the same data', async () => {
    const { client } = await startedTpm();
    const data = bytes(600);
    const viaHash = await client.run('Hash', { data, hashAlg: TPM_ALG.SHA384, hierarchy: TPM_RH.OWNER });
    const viaSeq = await sequence(client, TPM_ALG.SHA384, [data.subarray(0, 100), data.subarray(100, 400)], data.subarray(400), TPM_RH.OWNER);
    expect(toHex(viaSeq.result)).toBe(toHex(viaHash.outHash));
    expect(viaSeq.validation.hierarchy).toBe(TPM_RH.OWNER);
    expect(toHex(viaSeq.validation.digest)).toBe(toHex(viaHash.validation.digest));
  });

  it('decides the ticket on the first block, as the reference', async () => {
    const { client } = await startedTpm();
    const alg = TPM_ALG.SHA256;
    // The first block begins with TPM_GENERATED_VALUE.
    expect((await sequence(client, alg, [Uint8Array.of(...GENERATED, 0)], bytes(10), TPM_RH.OWNER)).validation).toEqual(NULL_TICKET);
    expect((await sequence(client, alg, [], Uint8Array.of(...GENERATED, 9), TPM_RH.OWNER)).validation).toEqual(NULL_TICKET);
    // A first block shorter than four octets is not safe either.
    expect((await sequence(client, alg, [bytes(3), bytes(100)], EMPTY, TPM_RH.OWNER)).validation).toEqual(NULL_TICKET);
    // The value later in the data does not matter.
    const later = await sequence(client, alg, [bytes(4)], GENERATED, TPM_RH.PLATFORM);
    expect(later.validation.hierarchy).toBe(TPM_RH.PLATFORM);
    expect(later.validation.digest.length).toBe(64);
  });

  it('checks the sequence auth (TPM_RC_BAD_AUTH on session 1) and flushes on completion', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const { sequenceHandle } = await client.run('HashSequenceStart', { auth: hex('736563726574'), hashAlg: TPM_ALG.SM3_256 });
    expect(await rcOf(client.run('SequenceUpdate', { sequenceHandle, buffer: bytes(5) }))).toBe(TPM_RC.BAD_AUTH | S1);
    expect(await rcOf(client.run('SequenceUpdate', { sequenceHandle, buffer: bytes(5) }, { auth: { sequenceHandle: 'wrong' } }))).toBe(TPM_RC.BAD_AUTH | S1);
    await client.run('SequenceUpdate', { sequenceHandle, buffer: bytes(5) }, { auth: { sequenceHandle: 'secret' } });
    expect(await rcOf(client.run('SequenceComplete', { sequenceHandle, buffer: EMPTY, hierarchy: TPM_RH.NULL }))).toBe(TPM_RC.BAD_AUTH | S1);
    // Trailing zero octets of an authValue do not count (Part 1 "Password Authorizations").
    const r = await client.run('SequenceComplete', { sequenceHandle, buffer: EMPTY, hierarchy: TPM_RH.NULL }, { auth: { sequenceHandle: hex('73656372657400') } });
    expect(toHex(r.result)).toBe(toHex(nodeDigest(TPM_ALG.SM3_256, bytes(5))));
    expect(await loadedObjects(client)).toEqual([]);
    expect(await rcOf(client.run('SequenceUpdate', { sequenceHandle, buffer: EMPTY }))).toBe(TPM_RC.REFERENCE_H0);
  });

  it('uses transient slots: TPM_RC_OBJECT_MEMORY when all are taken, a flushed slot is reused', async () => {
    const { client } = await startedTpm({ profile: 'pc-client' });
    const handles: number[] = [];
    for (let i = 0; i < 3; i++) handles.push((await client.run('HashSequenceStart', { auth: EMPTY, hashAlg: i === 1 ? TPM_ALG.NULL : TPM_ALG.SHA1 })).sequenceHandle);
    expect(handles).toEqual([0x80000000, 0x80000001, 0x80000002]);
    expect(await rcOf(client.run('HashSequenceStart', { auth: EMPTY, hashAlg: TPM_ALG.SHA256 }))).toBe(TPM_RC.OBJECT_MEMORY);
    await client.run('SequenceComplete', { sequenceHandle: handles[0], buffer: EMPTY, hierarchy: TPM_RH.NULL });
    expect((await client.run('HashSequenceStart', { auth: EMPTY, hashAlg: TPM_ALG.SHA256 })).sequenceHandle).toBe(0x80000000);
  });

  it('refuses the wrong kind of sequence: TPM_RC_MODE on the sequence handle', async () => {
    const { client } = await startedTpm();
    const event = (await client.run('HashSequenceStart', { auth: EMPTY, hashAlg: TPM_ALG.NULL })).sequenceHandle;
    const hash = (await client.run('HashSequenceStart', { auth: EMPTY, hashAlg: TPM_ALG.SHA256 })).sequenceHandle;
    expect(await rcOf(client.run('SequenceComplete', { sequenceHandle: event, buffer: EMPTY, hierarchy: TPM_RH.NULL }))).toBe(TPM_RC.MODE | 0x100);
    expect(await rcOf(client.run('EventSequenceComplete', { pcrHandle: TPM_RH.NULL, sequenceHandle: hash, buffer: EMPTY }))).toBe(TPM_RC.MODE | 0x200);
    // Both are still loaded.
    expect(await loadedObjects(client)).toEqual([event, hash]);
  });

  it('survive snapshot() and restore, in both TPMs independently', async () => {
    const { tpm, client } = await startedTpm({ profile: 'tcm2' });
    const hash = (await client.run('HashSequenceStart', { auth: hex('01'), hashAlg: TPM_ALG.SM3_256 })).sequenceHandle;
    const event = (await client.run('HashSequenceStart', { auth: EMPTY, hashAlg: TPM_ALG.NULL })).sequenceHandle;
    await client.run('SequenceUpdate', { sequenceHandle: hash, buffer: bytes(77) }, { auth: { sequenceHandle: hex('01') } });
    await client.run('SequenceUpdate', { sequenceHandle: event, buffer: bytes(99) });
    const copy = createClient(inProcess(createTpm({ profile: 'tcm2', snapshot: tpm.snapshot() })));
    for (const c of [copy, client]) {
      const r = await c.run('SequenceComplete', { sequenceHandle: hash, buffer: bytes(3), hierarchy: TPM_RH.NULL }, { auth: { sequenceHandle: hex('01') } });
      expect(toHex(r.result)).toBe(toHex(nodeDigest(TPM_ALG.SM3_256, bytes(77), bytes(3))));
      const e = await c.run('EventSequenceComplete', { pcrHandle: TPM_RH.NULL, sequenceHandle: event, buffer: EMPTY });
      expect(e.results.digests.map((d) => toHex(d.digest!))).toEqual([toHex(nodeDigest(TPM_ALG.SM3_256, bytes(99)))]);
    }
  });
});

describe('event sequences', () => {
  for (const profile of ['tpm2', 'tcm2'] as const) {
    it(`${profile}: EventSequenceComplete returns the digest in every implemented hash`, async () => {
      const { client } = await startedTpm({ profile });
      const { sequenceHandle } = await client.run('HashSequenceStart', { auth: EMPTY, hashAlg: TPM_ALG.NULL });
      const chunks = [bytes(1024, 5), bytes(17, 6)];
      for (const buffer of chunks) await client.run('SequenceUpdate', { sequenceHandle, buffer });
      const last = bytes(40, 7);
      const r = await client.run('EventSequenceComplete', { pcrHandle: TPM_RH.NULL, sequenceHandle, buffer: last });
      expect(r.results.digests.map((d) => [d.hashAlg, toHex(d.digest!)])).toEqual(
        PROFILE_HASHES[profile].map((alg) => [alg, toHex(nodeDigest(alg, ...chunks, last))]),
      );
      expect(await loadedObjects(client)).toEqual([]);
    });
  }

  it('extends the PCR in every allocated bank (checked with PCR_Read)', async () => {
    const { client } = await startedTpm();
    const read = async (pcr: number) => {
      const select = new Uint8Array(3);
      select[pcr >> 3] = 1 << (pcr & 7);
      const algs = [TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384];
      const r = await client.run('PCR_Read', { pcrSelectionIn: { pcrSelections: algs.map((hash) => ({ hash, pcrSelect: select })) } });
      const banks = r.pcrSelectionOut.pcrSelections.filter((s) => s.pcrSelect.some((b) => b !== 0)).map((s) => s.hash);
      return { counter: r.pcrUpdateCounter, banks, values: r.pcrValues.digests.map(toHex) };
    };
    const before = await read(16);
    expect(before.banks).toEqual([TPM_ALG.SHA1, TPM_ALG.SHA256]); // SHA-384 is not allocated
    const { sequenceHandle } = await client.run('HashSequenceStart', { auth: hex('aa'), hashAlg: TPM_ALG.NULL });
    await client.run('SequenceUpdate', { sequenceHandle, buffer: bytes(50) }, { auth: { sequenceHandle: hex('aa') } });
    expect(await rcOf(client.run('EventSequenceComplete', { pcrHandle: 16, sequenceHandle, buffer: EMPTY }))).toBe(TPM_RC.BAD_AUTH | S2);
    const r = await client.run('EventSequenceComplete', { pcrHandle: 16, sequenceHandle, buffer: EMPTY }, { auth: { sequenceHandle: hex('aa') } });
    const digest = (alg: number) => r.results.digests.find((d) => d.hashAlg === alg)!.digest!;
    const after = await read(16);
    expect(after.values).toEqual([
      toHex(nodeDigest(TPM_ALG.SHA1, new Uint8Array(20), digest(TPM_ALG.SHA1))),
      toHex(nodeDigest(TPM_ALG.SHA256, new Uint8Array(32), digest(TPM_ALG.SHA256))),
    ]);
    // One change per extended bank, as the reference's PCRExtend.
    expect(after.counter).toBe(before.counter + 2);
  });

  it('refuses a PCR that may not be extended from the locality: TPM_RC_LOCALITY, sequence kept', async () => {
    const { tpm, client } = await startedTpm({ profile: 'tcm2' });
    const { sequenceHandle } = await client.run('HashSequenceStart', { auth: EMPTY, hashAlg: TPM_ALG.NULL });
    // PCR 17 extends from localities 2-4 only.
    expect(await rcOf(client.run('EventSequenceComplete', { pcrHandle: 17, sequenceHandle, buffer: EMPTY }))).toBe(TPM_RC.LOCALITY);
    expect(await loadedObjects(client)).toEqual([sequenceHandle]);
    const loc3 = createClient(inProcess(tpm, { locality: 3 }));
    const r = await loc3.run('EventSequenceComplete', { pcrHandle: 17, sequenceHandle, buffer: bytes(8) });
    expect(r.results.digests.map((d) => d.hashAlg)).toEqual([TPM_ALG.SM3_256]);
    expect(TPM_CC.EventSequenceComplete).toBe(0x185);
  });
});
