/** TPM2_GetCapability and TPM2_TestParms (Part 3 "Capability Commands"), both profiles. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import { TPM_ALG, TPM_CAP, TPM_CC, TPM_ECC, TPM_PT, TPM_PT_PCR, TPM_RC, TPM_RH, TPMA_CC } from '../../src/gen/constants.js';
import type {
  TPML_ALG_PROPERTY,
  TPML_CC,
  TPML_CCA,
  TPML_ECC_CURVE,
  TPML_HANDLE,
  TPML_PCR_SELECTION,
  TPML_TAGGED_PCR_PROPERTY,
  TPML_TAGGED_POLICY,
  TPML_TAGGED_TPM_PROPERTY,
  TPMT_PUBLIC_PARMS,
} from '../../src/gen/types.js';
import { rcOf, startedTpm, toHex } from '../helpers/tpm.js';

const P1 = TPM_RC.P | 0x100;
const P2 = TPM_RC.P | 0x200;

async function getCap<T>(client: Client, capability: number, property: number, propertyCount: number): Promise<{ more: number; data: T }> {
  const r = await client.run('GetCapability', { capability, property, propertyCount });
  expect(r.capabilityData.capability).toBe(capability);
  return { more: r.moreData, data: r.capabilityData.data as T };
}

const props = async (client: Client, property: number, count: number) => {
  const r = await getCap<TPML_TAGGED_TPM_PROPERTY>(client, TPM_CAP.TPM_PROPERTIES, property, count);
  return { more: r.more, map: new Map(r.data.tpmProperty.map((p) => [p.property, p.value])), list: r.data.tpmProperty };
};

/** Four big-endian octets of each value as text, zeros dropped (TPM_PT_VENDOR_STRING_n). */
const text = (...words: number[]) =>
  words
    .flatMap((w) => [w >>> 24, (w >>> 16) & 0xff, (w >>> 8) & 0xff, w & 0xff])
    .filter((b) => b !== 0)
    .map((b) => String.fromCharCode(b))
    .join('');

/** swtpm 0.7.1 (libtpms 0.9.2) answers captured by tpm2-tools: TPMA_ALGORITHM and TPMA_CC by id. */
function swtpmCapabilities(): { algs: Map<number, number>; commands: Map<number, number> } {
  const file = join(import.meta.dirname, '..', 'vectors', 'transcripts', 'tpm2-tools-5.4-swtpm.jsonl.gz');
  const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n');
  const algs = new Map<number, number>();
  const commands = new Map<number, number>();
  for (const line of lines) {
    const o = JSON.parse(line) as { cc: string; command: string; response: string };
    if (o.cc !== '0x17a' || !o.response.startsWith('8001') || o.response.slice(12, 20) !== '00000000') continue;
    const b = Buffer.from(o.response, 'hex');
    const cap = b.readUInt32BE(11);
    const n = b.readUInt32BE(15);
    for (let i = 0; i < n; i++) {
      if (cap === TPM_CAP.ALGS) algs.set(b.readUInt16BE(19 + 6 * i), b.readUInt32BE(21 + 6 * i));
      if (cap === TPM_CAP.COMMANDS) {
        const a = b.readUInt32BE(19 + 4 * i);
        commands.set(a & 0xffff, a);
      }
    }
  }
  return { algs, commands };
}

const TPM2_ALGS = [
  TPM_ALG.RSA, TPM_ALG.SHA1, TPM_ALG.HMAC, TPM_ALG.AES, TPM_ALG.MGF1, TPM_ALG.KEYEDHASH, TPM_ALG.XOR, TPM_ALG.SHA256,
  TPM_ALG.SHA384, TPM_ALG.SHA512, TPM_ALG.SM3_256, TPM_ALG.SM4, TPM_ALG.RSASSA, TPM_ALG.RSAES, TPM_ALG.RSAPSS,
  TPM_ALG.OAEP, TPM_ALG.ECDSA, TPM_ALG.ECDH, TPM_ALG.ECDAA, TPM_ALG.SM2, TPM_ALG.ECSCHNORR, TPM_ALG.KDF1_SP800_56A,
  TPM_ALG.KDF2, TPM_ALG.KDF1_SP800_108, TPM_ALG.ECC, TPM_ALG.SYMCIPHER, TPM_ALG.CTR, TPM_ALG.OFB, TPM_ALG.CBC, TPM_ALG.CFB, TPM_ALG.ECB,
];
const TCM2_ALGS = [
  TPM_ALG.HMAC, TPM_ALG.KEYEDHASH, TPM_ALG.XOR, TPM_ALG.SM3_256, TPM_ALG.SM4, TPM_ALG.ECDH, TPM_ALG.SM2,
  TPM_ALG.KDF1_SP800_56A, TPM_ALG.KDF2, TPM_ALG.KDF1_SP800_108, TPM_ALG.ECC, TPM_ALG.SYMCIPHER, TPM_ALG.CTR, TPM_ALG.OFB,
  TPM_ALG.CBC, TPM_ALG.CFB, TPM_ALG.ECB,
];

describe('TPM2_GetCapability(TPM_CAP_ALGS)', () => {
  it('lists the profile algorithms in order with the TPMA_ALGORITHM swtpm reports', async () => {
    const swtpm = swtpmCapabilities().algs;
    for (const [profile, expected] of [['tpm2', TPM2_ALGS], ['tcm2', TCM2_ALGS]] as const) {
      const { client } = await startedTpm({ profile });
      const r = await getCap<TPML_ALG_PROPERTY>(client, TPM_CAP.ALGS, 0, 1000);
      expect(r.more).toBe(0);
      expect(r.data.algProperties.map((a) => a.alg)).toEqual(expected);
      for (const a of r.data.algProperties) {
        // swtpm 0.7.1 has no SM3/SM4; their classes are the registry's hash and symmetric.
        const want = swtpm.get(a.alg) ?? (a.alg === TPM_ALG.SM3_256 ? 0x4 : a.alg === TPM_ALG.SM4 ? 0x2 : undefined);
        expect([a.alg, a.algProperties]).toEqual([a.alg, want]);
      }
    }
  });

  it('pages from the requested algorithm with moreData', async () => {
    const { client } = await startedTpm();
    const a = await getCap<TPML_ALG_PROPERTY>(client, TPM_CAP.ALGS, TPM_ALG.SHA256, 3);
    expect(a.data.algProperties.map((x) => x.alg)).toEqual([TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512]);
    expect(a.more).toBe(1);
    const last = await getCap<TPML_ALG_PROPERTY>(client, TPM_CAP.ALGS, TPM_ALG.CFB, 2);
    expect(last.data.algProperties.map((x) => x.alg)).toEqual([TPM_ALG.CFB, TPM_ALG.ECB]);
    expect(last.more).toBe(0);
    const none = await getCap<TPML_ALG_PROPERTY>(client, TPM_CAP.ALGS, 0, 0);
    expect([none.data.algProperties.length, none.more]).toEqual([0, 1]);
    const beyond = await getCap<TPML_ALG_PROPERTY>(client, TPM_CAP.ALGS, 0xffff, 10);
    expect([beyond.data.algProperties.length, beyond.more]).toEqual([0, 0]);
  });
});

describe('TPM2_GetCapability(TPM_CAP_HANDLES)', () => {
  it('lists PCR handles from the requested one', async () => {
    const { client } = await startedTpm();
    const all = await getCap<TPML_HANDLE>(client, TPM_CAP.HANDLES, 0, 254);
    expect(all.data.handle).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(all.more).toBe(0);
    const part = await getCap<TPML_HANDLE>(client, TPM_CAP.HANDLES, 5, 3);
    expect([part.data.handle, part.more]).toEqual([[5, 6, 7], 1]);
  });

  it('lists the permanent handles (as swtpm)', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const r = await getCap<TPML_HANDLE>(client, TPM_CAP.HANDLES, TPM_RH.FIRST, 254);
    expect(r.data.handle).toEqual([0x40000001, 0x40000007, 0x40000009, 0x4000000a, 0x4000000b, 0x4000000c, 0x4000000d]);
    const from = await getCap<TPML_HANDLE>(client, TPM_CAP.HANDLES, TPM_RH.LOCKOUT, 2);
    expect([from.data.handle, from.more]).toEqual([[TPM_RH.LOCKOUT, TPM_RH.ENDORSEMENT], 1]);
  });

  it('lists loaded transient objects (sequences); NV, session and persistent ranges are empty', async () => {
    const { client } = await startedTpm();
    const empty = await getCap<TPML_HANDLE>(client, TPM_CAP.HANDLES, 0x80000000, 254);
    expect([empty.data.handle, empty.more]).toEqual([[], 0]);
    const a = await client.run('HashSequenceStart', { auth: new Uint8Array(0), hashAlg: TPM_ALG.SHA256 });
    const b = await client.run('HashSequenceStart', { auth: new Uint8Array(0), hashAlg: TPM_ALG.NULL });
    const r = await getCap<TPML_HANDLE>(client, TPM_CAP.HANDLES, 0x80000000, 254);
    expect(r.data.handle).toEqual([a.sequenceHandle, b.sequenceHandle]);
    expect((await getCap<TPML_HANDLE>(client, TPM_CAP.HANDLES, 0x80000000, 1)).more).toBe(1);
    for (const start of [0x01000000, 0x02000000, 0x03000000, 0x81000000]) {
      const x = await getCap<TPML_HANDLE>(client, TPM_CAP.HANDLES, start, 254);
      expect([x.data.handle, x.more]).toEqual([[], 0]);
    }
  });

  it('refuses a handle type without handles: TPM_RC_HANDLE on parameter 2', async () => {
    const { client } = await startedTpm();
    for (const start of [0x11000000, 0x90000000, 0xff000000]) {
      expect(await rcOf(client.run('GetCapability', { capability: TPM_CAP.HANDLES, property: start, propertyCount: 1 }))).toBe(TPM_RC.HANDLE | P2);
    }
  });
});

describe('TPM2_GetCapability(TPM_CAP_COMMANDS, PP_COMMANDS, AUDIT_COMMANDS)', () => {
  it('gives TPMA_CC for every enabled command, in order, as swtpm for the same commands', async () => {
    const swtpm = swtpmCapabilities().commands;
    const { tpm, client } = await startedTpm();
    const r = await getCap<TPML_CCA>(client, TPM_CAP.COMMANDS, TPM_CC.FIRST, 254);
    expect(r.more).toBe(0);
    const codes = r.data.commandAttributes.map((a) => a & TPMA_CC.commandIndex);
    expect(codes).toEqual([...tpm.profile.commands.keys()].sort((a, b) => a - b));
    for (const name of ['Startup', 'Shutdown', 'SelfTest', 'GetCapability', 'GetRandom', 'HashSequenceStart', 'SequenceComplete', 'EventSequenceComplete', 'Hash'] as const) {
      expect(codes).toContain(TPM_CC[name]);
    }
    for (const a of r.data.commandAttributes) {
      const expected = swtpm.get(a & 0xffff);
      if (expected !== undefined) expect(a.toString(16)).toBe(expected.toString(16));
    }
    // Hand-checked: EventSequenceComplete has 2 handles, NV and flushed; HashSequenceStart a response handle.
    const attr = (cc: number) => r.data.commandAttributes.find((a) => (a & 0xffff) === cc)!;
    expect(attr(TPM_CC.EventSequenceComplete)).toBe(0x185 | TPMA_CC.nv | TPMA_CC.flushed | (2 << TPMA_CC.cHandles_SHIFT));
    expect(attr(TPM_CC.HashSequenceStart)).toBe(0x186 | TPMA_CC.rHandle);
    const total = (await props(client, TPM_PT.TOTAL_COMMANDS, 1)).map.get(TPM_PT.TOTAL_COMMANDS);
    expect(total).toBe(codes.length);
  });

  it('pages commands from the requested code', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const r = await getCap<TPML_CCA>(client, TPM_CAP.COMMANDS, TPM_CC.GetCapability, 2);
    expect(r.data.commandAttributes.map((a) => a & 0xffff)[0]).toBe(TPM_CC.GetCapability);
    expect(r.data.commandAttributes.length).toBe(2);
    expect(r.more).toBe(1);
    const vendor = await getCap<TPML_CCA>(client, TPM_CAP.COMMANDS, 0x20000000, 10);
    expect([vendor.data.commandAttributes, vendor.more]).toEqual([[], 0]);
  });

  it('lists PP_Commands as needing physical presence, and SetCommandCodeAuditStatus as audited (as manufactured)', async () => {
    const { client } = await startedTpm();
    const pp = await getCap<TPML_CC>(client, TPM_CAP.PP_COMMANDS, 0, 254);
    expect([pp.data.commandCodes, pp.more]).toEqual([[TPM_CC.PP_Commands], 0]);
    const audit = await getCap<TPML_CC>(client, TPM_CAP.AUDIT_COMMANDS, 0, 254);
    expect([audit.data.commandCodes, audit.more]).toEqual([[TPM_CC.SetCommandCodeAuditStatus], 0]);
  });
});

describe('TPM2_GetCapability(TPM_CAP_PCRS)', () => {
  it('reports every implemented bank with its allocation', async () => {
    const tpm2 = await startedTpm();
    const r = await getCap<TPML_PCR_SELECTION>(tpm2.client, TPM_CAP.PCRS, 0, 1);
    expect(r.more).toBe(0);
    expect(r.data.pcrSelections.map((s) => [s.hash, toHex(s.pcrSelect)])).toEqual([
      [TPM_ALG.SHA1, 'ffffff'],
      [TPM_ALG.SHA256, 'ffffff'],
      [TPM_ALG.SHA384, '000000'],
      [TPM_ALG.SHA512, '000000'],
      [TPM_ALG.SM3_256, '000000'],
    ]);
    const tcm2 = await startedTpm({ profile: 'tcm2' });
    const t = await getCap<TPML_PCR_SELECTION>(tcm2.client, TPM_CAP.PCRS, 0, 8);
    expect(t.data.pcrSelections.map((s) => [s.hash, toHex(s.pcrSelect)])).toEqual([[TPM_ALG.SM3_256, 'ffffff']]);
  });

  it('propertyCount 0 gives no list and moreData YES; property other than 0 is TPM_RC_VALUE on parameter 2', async () => {
    const { client } = await startedTpm();
    const r = await getCap<TPML_PCR_SELECTION>(client, TPM_CAP.PCRS, 0, 0);
    expect([r.data.pcrSelections, r.more]).toEqual([[], 1]);
    expect(await rcOf(client.run('GetCapability', { capability: TPM_CAP.PCRS, property: 1, propertyCount: 1 }))).toBe(TPM_RC.VALUE | P2);
  });
});

describe('TPM2_GetCapability(TPM_CAP_TPM_PROPERTIES)', () => {
  it('reports the fixed properties of the tpm2 profile', async () => {
    const { client } = await startedTpm();
    const r = await props(client, TPM_PT.PT_FIXED, 127);
    expect(r.more).toBe(0);
    const keys = [...r.map.keys()];
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(keys[0]).toBe(TPM_PT.FAMILY_INDICATOR);
    expect(keys.at(-1)).toBe(TPM_PT.MAX_CAP_BUFFER);
    const v = (pt: number) => r.map.get(pt);
    expect(text(v(TPM_PT.FAMILY_INDICATOR)!)).toBe('2.0');
    expect([v(TPM_PT.LEVEL), v(TPM_PT.REVISION), v(TPM_PT.DAY_OF_YEAR), v(TPM_PT.YEAR)]).toEqual([0, 159, 312, 2019]);
    expect(text(v(TPM_PT.MANUFACTURER)!)).toBe('VTPM');
    expect(text(v(TPM_PT.VENDOR_STRING_1)!, v(TPM_PT.VENDOR_STRING_2)!, v(TPM_PT.VENDOR_STRING_3)!, v(TPM_PT.VENDOR_STRING_4)!)).toBe('vtpm TPM 2.0');
    expect(v(TPM_PT.VENDOR_STRING_4)).toBe(0);
    expect([v(TPM_PT.VENDOR_TPM_TYPE), v(TPM_PT.FIRMWARE_VERSION_1), v(TPM_PT.FIRMWARE_VERSION_2)]).toEqual([1, 0x20261123, 0x00010000]);
    expect(v(TPM_PT.INPUT_BUFFER)).toBe(1024);
    expect([v(TPM_PT.HR_TRANSIENT_MIN), v(TPM_PT.HR_PERSISTENT_MIN), v(TPM_PT.HR_LOADED_MIN), v(TPM_PT.ACTIVE_SESSIONS_MAX)]).toEqual([64, 7, 64, 128]);
    expect([v(TPM_PT.PCR_COUNT), v(TPM_PT.PCR_SELECT_MIN)]).toEqual([24, 3]);
    expect([v(TPM_PT.CONTEXT_GAP_MAX), v(TPM_PT.NV_COUNTERS_MAX), v(TPM_PT.NV_INDEX_MAX), v(TPM_PT.MEMORY)]).toEqual([0xffff, 0, 2048, 6]);
    expect([v(TPM_PT.CLOCK_UPDATE), v(TPM_PT.CONTEXT_HASH), v(TPM_PT.CONTEXT_SYM), v(TPM_PT.CONTEXT_SYM_SIZE)]).toEqual([4096, TPM_ALG.SHA512, TPM_ALG.AES, 256]);
    expect([v(TPM_PT.ORDERLY_COUNT), v(TPM_PT.MAX_COMMAND_SIZE), v(TPM_PT.MAX_RESPONSE_SIZE), v(TPM_PT.MAX_DIGEST)]).toEqual([255, 4096, 4096, 64]);
    expect([v(TPM_PT.MAX_OBJECT_CONTEXT), v(TPM_PT.MAX_SESSION_CONTEXT)]).toEqual([2186, 2186]);
    expect([v(TPM_PT.PS_FAMILY_INDICATOR), v(TPM_PT.PS_LEVEL), v(TPM_PT.PS_REVISION), v(TPM_PT.PS_DAY_OF_YEAR), v(TPM_PT.PS_YEAR)]).toEqual([1, 0, 0x105, 0, 0]);
    expect(v(TPM_PT.SPLIT_MAX)).toBe(128); // TPM2_Commit: the commit array (COMMIT_ARRAY_BITS)
    expect(v(TPM_PT.LIBRARY_COMMANDS)).toBe(v(TPM_PT.TOTAL_COMMANDS));
    expect([v(TPM_PT.VENDOR_COMMANDS), v(TPM_PT.NV_BUFFER_MAX), v(TPM_PT.MODES), v(TPM_PT.MAX_CAP_BUFFER)]).toEqual([0, 1024, 0, 1024]);
    // Every PT_FIXED constant that the generated table knows is reported (0x115 is reserved).
    const fixed = Object.values(TPM_PT).filter((p) => p > TPM_PT.PT_FIXED && p < TPM_PT.PT_VAR);
    expect(keys).toEqual([TPM_PT.PT_FIXED, ...new Set(fixed)].sort((a, b) => a - b));
  });

  it('reports the TCM profile: SM3 context hash, SM4 context cipher, VTCM vendor', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const { map: v } = await props(client, TPM_PT.PT_FIXED, 127);
    expect(text(v.get(TPM_PT.MANUFACTURER)!)).toBe('VTCM');
    expect(text(v.get(TPM_PT.VENDOR_STRING_1)!, v.get(TPM_PT.VENDOR_STRING_2)!, v.get(TPM_PT.VENDOR_STRING_3)!)).toBe('vtpm TCM 2.0');
    expect([v.get(TPM_PT.CONTEXT_HASH), v.get(TPM_PT.CONTEXT_SYM), v.get(TPM_PT.CONTEXT_SYM_SIZE), v.get(TPM_PT.MAX_DIGEST)]).toEqual([TPM_ALG.SM3_256, TPM_ALG.SM4, 128, 32]);
    const { map: w } = await props(client, TPM_PT.PT_VAR, 127);
    expect(w.get(TPM_PT.LOADED_CURVES)).toBe(1);
  });

  it('reports the variable properties from the state', async () => {
    const { client } = await startedTpm({ profile: 'pc-client' });
    const r = await props(client, TPM_PT.PT_VAR, 127);
    expect(r.more).toBe(0);
    expect(r.list.map((p) => p.property)).toEqual(Array.from({ length: 0x15 }, (_, i) => TPM_PT.PT_VAR + i));
    const v = (pt: number) => r.map.get(pt);
    expect(v(TPM_PT.PERMANENT)).toBe(0x400); // tpmGeneratedEPS, no authValues set
    expect(v(TPM_PT.STARTUP_CLEAR)! & 0xf).toBe(0xf); // all hierarchies enabled
    expect([v(TPM_PT.HR_LOADED_AVAIL), v(TPM_PT.HR_ACTIVE_AVAIL), v(TPM_PT.HR_TRANSIENT_AVAIL)]).toEqual([3, 64, 3]);
    expect([v(TPM_PT.LOADED_CURVES), v(TPM_PT.MAX_AUTH_FAIL), v(TPM_PT.LOCKOUT_INTERVAL), v(TPM_PT.LOCKOUT_RECOVERY)]).toEqual([4, 3, 1000, 1000]);
    await client.run('HashSequenceStart', { auth: new Uint8Array(0), hashAlg: TPM_ALG.SHA1 });
    expect((await props(client, TPM_PT.HR_TRANSIENT_AVAIL, 1)).list).toEqual([{ property: TPM_PT.HR_TRANSIENT_AVAIL, value: 2 }]);
  });

  it('pages within a group: from the requested property, count, moreData; never across groups', async () => {
    const { client } = await startedTpm();
    const a = await props(client, TPM_PT.MANUFACTURER, 5);
    expect([[...a.map.keys()], a.more]).toEqual([[0x105, 0x106, 0x107, 0x108, 0x109], 1]);
    const end = await props(client, TPM_PT.MAX_CAP_BUFFER, 10);
    expect([[...end.map.keys()], end.more]).toEqual([[TPM_PT.MAX_CAP_BUFFER], 0]);
    const fromZero = await props(client, 0, 1);
    expect([[...fromZero.map.keys()], fromZero.more]).toEqual([[TPM_PT.FAMILY_INDICATOR], 1]);
    const gap = await props(client, 0x115, 1); // reserved value: the next defined property
    expect([...gap.map.keys()]).toEqual([TPM_PT.NV_COUNTERS_MAX]);
    const afterFixed = await props(client, 0x12f, 10);
    expect([afterFixed.list, afterFixed.more]).toEqual([[], 0]);
    const lastVar = await props(client, TPM_PT.AUDIT_COUNTER_1, 10);
    expect([[...lastVar.map.keys()], lastVar.more]).toEqual([[TPM_PT.AUDIT_COUNTER_1], 0]);
    const beyond = await props(client, 0x300, 10);
    expect([beyond.list, beyond.more]).toEqual([[], 0]);
    const zero = await props(client, TPM_PT.PT_FIXED, 0);
    expect([zero.list, zero.more]).toEqual([[], 1]);
  });
});

describe('TPM2_GetCapability(TPM_CAP_PCR_PROPERTIES)', () => {
  it('reports the PC Client PCR attributes', async () => {
    const { client } = await startedTpm();
    const r = await getCap<TPML_TAGGED_PCR_PROPERTY>(client, TPM_CAP.PCR_PROPERTIES, 0, 127);
    expect(r.more).toBe(0);
    expect(r.data.pcrProperty.map((p) => [p.tag, toHex(p.pcrSelect)])).toEqual([
      [TPM_PT_PCR.SAVE, 'ffff00'],
      [TPM_PT_PCR.EXTEND_L0, 'ffff81'],
      [TPM_PT_PCR.RESET_L0, '000081'],
      [TPM_PT_PCR.EXTEND_L1, 'ffff91'],
      [TPM_PT_PCR.RESET_L1, '000081'],
      [TPM_PT_PCR.EXTEND_L2, 'ffffff'],
      [TPM_PT_PCR.RESET_L2, '0000f1'],
      [TPM_PT_PCR.EXTEND_L3, 'ffff9f'],
      [TPM_PT_PCR.RESET_L3, '000081'],
      [TPM_PT_PCR.EXTEND_L4, 'ffff87'],
      [TPM_PT_PCR.RESET_L4, '00007e'],
      [TPM_PT_PCR.NO_INCREMENT, '000070'],
      [TPM_PT_PCR.DRTM_RESET, '00007e'],
      [TPM_PT_PCR.POLICY, '000070'],
      [TPM_PT_PCR.AUTH, '000070'],
    ]);
  });

  it('pages from the requested tag, skipping undefined tags', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const a = await getCap<TPML_TAGGED_PCR_PROPERTY>(client, TPM_CAP.PCR_PROPERTIES, 0x0b, 2);
    expect([a.data.pcrProperty.map((p) => p.tag), a.more]).toEqual([[TPM_PT_PCR.NO_INCREMENT, TPM_PT_PCR.DRTM_RESET], 1]);
    const b = await getCap<TPML_TAGGED_PCR_PROPERTY>(client, TPM_CAP.PCR_PROPERTIES, TPM_PT_PCR.AUTH, 5);
    expect([b.data.pcrProperty.map((p) => p.tag), b.more]).toEqual([[TPM_PT_PCR.AUTH], 0]);
    const c = await getCap<TPML_TAGGED_PCR_PROPERTY>(client, TPM_CAP.PCR_PROPERTIES, 0x15, 5);
    expect([c.data.pcrProperty, c.more]).toEqual([[], 0]);
  });
});

describe('TPM2_GetCapability(TPM_CAP_ECC_CURVES, AUTH_POLICIES, ACT)', () => {
  it('lists the profile curves', async () => {
    const a = await startedTpm();
    const r = await getCap<TPML_ECC_CURVE>(a.client, TPM_CAP.ECC_CURVES, 0, 508);
    expect([r.data.eccCurves, r.more]).toEqual([[TPM_ECC.NIST_P256, TPM_ECC.NIST_P384, TPM_ECC.NIST_P521, TPM_ECC.SM2_P256], 0]);
    const p = await getCap<TPML_ECC_CURVE>(a.client, TPM_CAP.ECC_CURVES, TPM_ECC.NIST_P384, 1);
    expect([p.data.eccCurves, p.more]).toEqual([[TPM_ECC.NIST_P384], 1]);
    const b = await startedTpm({ profile: 'tcm2' });
    expect((await getCap<TPML_ECC_CURVE>(b.client, TPM_CAP.ECC_CURVES, 0, 508)).data.eccCurves).toEqual([TPM_ECC.SM2_P256]);
  });

  it('reports the hierarchy policies as TPM_ALG_NULL', async () => {
    const { client } = await startedTpm();
    const r = await getCap<TPML_TAGGED_POLICY>(client, TPM_CAP.AUTH_POLICIES, TPM_RH.FIRST, 14);
    expect(r.more).toBe(0);
    expect(r.data.policies.map((p) => [p.handle, p.policyHash.hashAlg])).toEqual([
      [TPM_RH.OWNER, TPM_ALG.NULL],
      [TPM_RH.LOCKOUT, TPM_ALG.NULL],
      [TPM_RH.ENDORSEMENT, TPM_ALG.NULL],
      [TPM_RH.PLATFORM, TPM_ALG.NULL],
    ]);
    const from = await getCap<TPML_TAGGED_POLICY>(client, TPM_CAP.AUTH_POLICIES, TPM_RH.ENDORSEMENT, 1);
    expect([from.data.policies.map((p) => p.handle), from.more]).toEqual([[TPM_RH.ENDORSEMENT], 1]);
    expect(await rcOf(client.run('GetCapability', { capability: TPM_CAP.AUTH_POLICIES, property: 0x01000000, propertyCount: 1 }))).toBe(TPM_RC.VALUE | P2);
  });

  it('has no ACT; a property outside the ACT handles is TPM_RC_VALUE on parameter 2', async () => {
    const { client } = await startedTpm();
    const r = await client.run('GetCapability', { capability: TPM_CAP.ACT, property: TPM_RH.ACT_0, propertyCount: 16 });
    expect([r.moreData, r.capabilityData.data]).toEqual([0, { actData: [] }]);
    expect(await rcOf(client.run('GetCapability', { capability: TPM_CAP.ACT, property: 0, propertyCount: 1 }))).toBe(TPM_RC.VALUE | P2);
  });

  it('refuses an unknown capability: TPM_RC_VALUE on parameter 1', async () => {
    const { client } = await startedTpm();
    for (const capability of [0x0b, TPM_CAP.VENDOR_PROPERTY, 0xffffffff]) {
      expect(await rcOf(client.run('GetCapability', { capability, property: 0, propertyCount: 1 }))).toBe(TPM_RC.VALUE | P1);
    }
  });
});

const NULL_SYM = { algorithm: TPM_ALG.NULL, keyBits: null, mode: null };
const NULL_SCHEME = { scheme: TPM_ALG.NULL, details: null };
const rsa = (keyBits: number, symmetric: object = NULL_SYM, scheme: object = NULL_SCHEME): TPMT_PUBLIC_PARMS =>
  ({ type: TPM_ALG.RSA, parameters: { symmetric, scheme, keyBits, exponent: 0 } }) as TPMT_PUBLIC_PARMS;
const ecc = (curveID: number, scheme: object = NULL_SCHEME, symmetric: object = NULL_SYM): TPMT_PUBLIC_PARMS =>
  ({ type: TPM_ALG.ECC, parameters: { symmetric, scheme, curveID, kdf: NULL_SCHEME } }) as TPMT_PUBLIC_PARMS;
const symcipher = (algorithm: number, keyBits: number, mode: number): TPMT_PUBLIC_PARMS =>
  ({ type: TPM_ALG.SYMCIPHER, parameters: { sym: { algorithm, keyBits, mode } } }) as TPMT_PUBLIC_PARMS;
const keyedHash = (scheme: object): TPMT_PUBLIC_PARMS => ({ type: TPM_ALG.KEYEDHASH, parameters: { scheme } }) as TPMT_PUBLIC_PARMS;

describe('TPM2_TestParms', () => {
  it('accepts what the tpm2 profile implements', async () => {
    const { client } = await startedTpm();
    const ok: TPMT_PUBLIC_PARMS[] = [
      rsa(2048),
      rsa(4096, { algorithm: TPM_ALG.AES, keyBits: 128, mode: TPM_ALG.CFB }),
      rsa(3072, NULL_SYM, { scheme: TPM_ALG.RSAPSS, details: { hashAlg: TPM_ALG.SHA384 } }),
      ecc(TPM_ECC.NIST_P256, { scheme: TPM_ALG.ECDSA, details: { hashAlg: TPM_ALG.SHA256 } }),
      ecc(TPM_ECC.NIST_P384, { scheme: TPM_ALG.ECDAA, details: { hashAlg: TPM_ALG.SHA384, count: 0 } }),
      ecc(TPM_ECC.SM2_P256, { scheme: TPM_ALG.SM2, details: { hashAlg: TPM_ALG.SM3_256 } }, { algorithm: TPM_ALG.SM4, keyBits: 128, mode: TPM_ALG.CFB }),
      symcipher(TPM_ALG.AES, 256, TPM_ALG.CTR),
      symcipher(TPM_ALG.AES, 192, TPM_ALG.OFB),
      symcipher(TPM_ALG.SM4, 128, TPM_ALG.NULL),
      keyedHash({ scheme: TPM_ALG.HMAC, details: { hashAlg: TPM_ALG.SHA512 } }),
      keyedHash({ scheme: TPM_ALG.XOR, details: { hashAlg: TPM_ALG.SHA256, kdf: TPM_ALG.KDF1_SP800_108 } }),
    ];
    for (const parameters of ok) await client.run('TestParms', { parameters });
  });

  it('refuses RSA key sizes, curves, symmetric sizes and modes the profile lacks, on parameter 1', async () => {
    const { client } = await startedTpm();
    const cases: [TPMT_PUBLIC_PARMS, number][] = [
      [rsa(1536), TPM_RC.VALUE],
      [rsa(16384), TPM_RC.VALUE],
      [ecc(TPM_ECC.NIST_P192), TPM_RC.CURVE],
      [ecc(TPM_ECC.BN_P256), TPM_RC.CURVE],
      [symcipher(TPM_ALG.AES, 512, TPM_ALG.CFB), TPM_RC.VALUE],
      [symcipher(TPM_ALG.SM4, 256, TPM_ALG.CFB), TPM_RC.VALUE],
      [symcipher(TPM_ALG.AES, 128, TPM_ALG.CMAC), TPM_RC.MODE],
      [symcipher(TPM_ALG.CAMELLIA, 128, TPM_ALG.CFB), TPM_RC.SYMMETRIC],
      [symcipher(TPM_ALG.NULL, 0, TPM_ALG.NULL), TPM_RC.SYMMETRIC],
      [rsa(2048, NULL_SYM, { scheme: TPM_ALG.ECDSA, details: { hashAlg: TPM_ALG.SHA256 } }), TPM_RC.VALUE],
      [ecc(TPM_ECC.NIST_P256, { scheme: TPM_ALG.ECMQV, details: { hashAlg: TPM_ALG.SHA256 } }), TPM_RC.SCHEME],
      [keyedHash({ scheme: TPM_ALG.HMAC, details: { hashAlg: TPM_ALG.SHA3_256 } }), TPM_RC.HASH],
    ];
    for (const [parameters, rc] of cases) {
      expect([parameters, await rcOf(client.run('TestParms', { parameters }))]).toEqual([parameters, rc | P1]);
    }
  });

  it('on tcm2 refuses RSA (TPM_RC_TYPE), NIST curves, AES and SHA hashes', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    await client.run('TestParms', { parameters: ecc(TPM_ECC.SM2_P256, { scheme: TPM_ALG.SM2, details: { hashAlg: TPM_ALG.SM3_256 } }) });
    await client.run('TestParms', { parameters: symcipher(TPM_ALG.SM4, 128, TPM_ALG.CBC) });
    expect(await rcOf(client.run('TestParms', { parameters: rsa(2048) }))).toBe(TPM_RC.TYPE | P1);
    expect(await rcOf(client.run('TestParms', { parameters: ecc(TPM_ECC.NIST_P256) }))).toBe(TPM_RC.CURVE | P1);
    expect(await rcOf(client.run('TestParms', { parameters: symcipher(TPM_ALG.AES, 128, TPM_ALG.CFB) }))).toBe(TPM_RC.SYMMETRIC | P1);
    expect(await rcOf(client.run('TestParms', { parameters: keyedHash({ scheme: TPM_ALG.HMAC, details: { hashAlg: TPM_ALG.SHA256 } }) }))).toBe(TPM_RC.HASH | P1);
  });
});
