/**
 * swtpm (libtpms, built on the TCG reference) as an oracle for the object checks: the same
 * mutated templates go to CreatePrimary, and the same keys to Create/Load, on vtpm and swtpm;
 * both must accept or both refuse with the same response code (handle/parameter number
 * included). Templates start from valid ones (ECC, keyed hash, symmetric; RSA rarely, since key
 * generation is slow) and get attribute bits flipped and schemes, symmetric definitions,
 * authPolicy sizes and curves swapped, as fast-check chooses with a fixed seed.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../src/client/client.js';
import { inProcess } from '../../src/client/transport.js';
import { eccKeyTemplate, keyedHashTemplate, rsaKeyTemplate, sealedDataTemplate, srkTemplate, symCipherTemplate } from '../../src/client/templates.js';
import { TPM_ALG, TPM_ECC, TPM_RH } from '../../src/gen/constants.js';
import type { TPMT_PUBLIC } from '../../src/gen/types.js';
import { tcpTransport } from '../../src/node/tcp-transport.js';
import { createTpm } from '../../src/tpm/engine.js';
import { HAVE_SWTPM, startSwtpm, type Swtpm } from './tools.js';

const EMPTY = new Uint8Array(0);
const encoder: Client = createClient(inProcess(createTpm({ seed: 'encoder' })));
const rcOf = (r: Uint8Array) => new DataView(r.buffer, r.byteOffset).getUint32(6);
const handleOf = (r: Uint8Array) => new DataView(r.buffer, r.byteOffset).getUint32(10);

const BASES: TPMT_PUBLIC[] = [
  srkTemplate({ alg: 'ecc-p256', unique: 'empty' }),
  eccKeyTemplate({ usage: 'sign', curve: TPM_ECC.NIST_P256 }),
  eccKeyTemplate({ usage: 'decrypt', curve: TPM_ECC.NIST_P384, scheme: TPM_ALG.ECDH }),
  keyedHashTemplate(),
  sealedDataTemplate(),
  symCipherTemplate({ algorithm: TPM_ALG.AES, keyBits: 128, mode: TPM_ALG.CFB }),
  symCipherTemplate({ algorithm: TPM_ALG.AES, keyBits: 256, mode: TPM_ALG.NULL }),
];
const RSA_BASES: TPMT_PUBLIC[] = [srkTemplate({ alg: 'rsa2048', unique: 'empty' }), rsaKeyTemplate({ usage: 'sign' })];

/** Attribute bits worth flipping (TPMA_OBJECT bits defined in Part 2). */
const BITS = [0x2, 0x4, 0x10, 0x20, 0x40, 0x80, 0x400, 0x800, 0x10000, 0x20000, 0x40000];

type Mutation =
  | { kind: 'flip'; bit: number }
  | { kind: 'scheme'; scheme: number }
  | { kind: 'symmetric'; algorithm: number }
  | { kind: 'policy'; size: number }
  | { kind: 'nameAlg'; alg: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom(...BITS).map((bit) => ({ kind: 'flip' as const, bit })),
  fc.constantFrom(TPM_ALG.NULL, TPM_ALG.ECDSA, TPM_ALG.ECDH, TPM_ALG.RSASSA, TPM_ALG.OAEP, TPM_ALG.HMAC, TPM_ALG.XOR, TPM_ALG.ECSCHNORR).map((scheme) => ({ kind: 'scheme' as const, scheme })),
  fc.constantFrom(TPM_ALG.NULL, TPM_ALG.AES).map((algorithm) => ({ kind: 'symmetric' as const, algorithm })),
  fc.constantFrom(0, 20, 32, 48).map((size) => ({ kind: 'policy' as const, size })),
  fc.constantFrom(TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA1).map((alg) => ({ kind: 'nameAlg' as const, alg })),
);

function apply(base: TPMT_PUBLIC, mutations: Mutation[]): TPMT_PUBLIC {
  const t = structuredClone(base);
  const parms = t.parameters as { scheme?: { scheme: number; details: unknown }; symmetric?: { algorithm: number; keyBits: number | null; mode: number | null } };
  for (const m of mutations) {
    if (m.kind === 'flip') t.objectAttributes ^= m.bit;
    else if (m.kind === 'policy') t.authPolicy = new Uint8Array(m.size).fill(1);
    else if (m.kind === 'nameAlg') t.nameAlg = m.alg;
    else if (m.kind === 'scheme' && parms.scheme && (t.type === TPM_ALG.KEYEDHASH) === (m.scheme === TPM_ALG.HMAC || m.scheme === TPM_ALG.XOR || m.scheme === TPM_ALG.NULL) ) {
      const hashAlg = TPM_ALG.SHA256;
      const details = m.scheme === TPM_ALG.NULL ? null : m.scheme === TPM_ALG.XOR ? { hashAlg, kdf: TPM_ALG.KDF1_SP800_108 } : { hashAlg };
      parms.scheme = { scheme: m.scheme, details };
    } else if (m.kind === 'symmetric' && parms.symmetric) {
      parms.symmetric = m.algorithm === TPM_ALG.NULL ? { algorithm: TPM_ALG.NULL, keyBits: null, mode: null } : { algorithm: TPM_ALG.AES, keyBits: 128, mode: TPM_ALG.CFB };
    }
  }
  return t;
}

const createPrimary = (t: TPMT_PUBLIC, data = EMPTY) =>
  encoder.encode('CreatePrimary', { primaryHandle: TPM_RH.OWNER, inSensitive: { sensitive: { userAuth: EMPTY, data } }, inPublic: { publicArea: t }, outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } });
const flush = (h: number) => encoder.encode('FlushContext', { flushHandle: h });

describe.skipIf(!HAVE_SWTPM)('vtpm and swtpm agree on object checks (CreatePrimary, Create)', () => {
  let swtpm: Swtpm;
  let sw: ReturnType<typeof tcpTransport>;
  const vtpm = createTpm({ seed: 'oracle objects' });
  const local = async (b: Uint8Array) => vtpm.execute(b);
  beforeAll(async () => {
    swtpm = await startSwtpm();
    sw = tcpTransport({ protocol: 'swtpm', port: swtpm.port });
    vtpm.execute(Uint8Array.from([0x80, 0x01, 0, 0, 0, 12, 0, 0, 1, 0x44, 0, 0]));
  });
  afterAll(async () => {
    await sw?.close?.();
    await swtpm?.stop();
  });

  /** Sends to both; returns both response codes, flushing whatever was created. */
  async function both(bytes: Uint8Array): Promise<[number, number]> {
    const [a, b] = [await local(bytes), await sw.send(bytes)];
    if (rcOf(a) === 0 && a.length > 14) await local(flush(handleOf(a)));
    if (rcOf(b) === 0 && b.length > 14) await sw.send(flush(handleOf(b)));
    return [rcOf(a), rcOf(b)];
  }

  it('CreatePrimary of mutated templates: the same response code', async () => {
    const disagreements: string[] = [];
    const seen = new Set<number>();
    const samples = fc.sample(fc.tuple(fc.constantFrom(...BASES), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean()), { numRuns: 1500, seed: 2026 });
    for (const [base, mutations, withData] of samples) {
      const t = apply(base, mutations);
      let bytes: Uint8Array;
      try {
        bytes = createPrimary(t, withData ? Uint8Array.of(1, 2, 3, 4) : EMPTY);
      } catch {
        continue; // a combination the marshalling cannot express
      }
      const [v, s] = await both(bytes);
      seen.add(v);
      if (v !== s) disagreements.push(`${JSON.stringify(mutations)} on type 0x${base.type.toString(16)} data=${withData}: vtpm 0x${v.toString(16)} swtpm 0x${s.toString(16)}`);
    }
    expect(disagreements).toEqual([]);
    // The sample exercises many rules: successes and a spread of distinct codes.
    expect(seen.has(0)).toBe(true);
    expect(seen.size).toBeGreaterThanOrEqual(5);
  });

  it('RSA templates (fewer: key generation is slow)', async () => {
    const disagreements: string[] = [];
    const samples = fc.sample(fc.tuple(fc.constantFrom(...RSA_BASES), fc.array(mutation, { minLength: 1, maxLength: 2 })), { numRuns: 25, seed: 7 });
    for (const [base, mutations] of samples) {
      let bytes: Uint8Array;
      try {
        bytes = createPrimary(apply(base, mutations));
      } catch {
        continue;
      }
      const [v, s] = await both(bytes);
      if (v !== s) disagreements.push(`${JSON.stringify(mutations)}: vtpm 0x${v.toString(16)} swtpm 0x${s.toString(16)}`);
    }
    expect(disagreements).toEqual([]);
  }, 120_000);

  it('Create under an ECC storage key, with mutated templates: the same response code', async () => {
    const srk = createPrimary(srkTemplate({ alg: 'ecc-p256', unique: 'empty' }));
    const [a, b] = [await local(srk), await sw.send(srk)];
    expect([rcOf(a), rcOf(b)]).toEqual([0, 0]);
    const [pa, pb] = [handleOf(a), handleOf(b)];
    const disagreements: string[] = [];
    const seen = new Set<number>();
    const samples = fc.sample(fc.tuple(fc.constantFrom(...BASES), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean()), { numRuns: 600, seed: 11 });
    for (const [base, mutations, withData] of samples) {
      const create = (parent: number) =>
        encoder.encode('Create', {
          parentHandle: parent,
          inSensitive: { sensitive: { userAuth: EMPTY, data: withData ? Uint8Array.of(9, 9, 9, 9) : EMPTY } },
          inPublic: { publicArea: apply(base, mutations) },
          outsideInfo: EMPTY,
          creationPCR: { pcrSelections: [] },
        });
      let ca: Uint8Array;
      let cb: Uint8Array;
      try {
        [ca, cb] = [create(pa), create(pb)];
      } catch {
        continue;
      }
      const [v, s] = [rcOf(await local(ca)), rcOf(await sw.send(cb))];
      seen.add(v);
      if (v !== s) disagreements.push(`${JSON.stringify(mutations)} on type 0x${base.type.toString(16)} data=${withData}: vtpm 0x${v.toString(16)} swtpm 0x${s.toString(16)}`);
    }
    expect(disagreements).toEqual([]);
    expect(seen.has(0)).toBe(true);
    expect(seen.size).toBeGreaterThanOrEqual(5);
  });
});
