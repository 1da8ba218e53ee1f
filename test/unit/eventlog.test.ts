/**
 * TCG PC Client crypto-agile event logs (src/attest/eventlog.ts): the Spec ID header against the
 * go-attestation byte example, writer/parser round trips, strict parser errors, replay against
 * values computed here with node:crypto (SHA and SM3), and the UEFI event-data builders.
 */
import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  createEventLogWriter,
  crc32,
  devicePath,
  devicePathFile,
  EFI_GUID,
  efiSignatureList,
  encodeEventLog,
  EV_EFI_ACTION,
  EV_EFI_BOOT_SERVICES_APPLICATION,
  EV_EFI_GPT_EVENT,
  EV_EFI_HCRTM_EVENT,
  EV_EFI_PLATFORM_FIRMWARE_BLOB2,
  EV_EFI_VARIABLE_DRIVER_CONFIG,
  EV_IPL,
  EV_NO_ACTION,
  EV_S_CRTM_VERSION,
  EV_SEPARATOR,
  EventLogError,
  eventLogPcrs,
  eventTypeName,
  guidBytes,
  guidString,
  iplData,
  parseEfiSignatureLists,
  parseEventLog,
  parseUefiGptData,
  parseUefiImageLoadEvent,
  parseUefiVariableData,
  PCR_USAGE,
  replayEventLog,
  separatorData,
  startupLocalityData,
  uefiGptData,
  uefiImageLoadEvent,
  uefiPlatformFirmwareBlob2,
  uefiVariableData,
  type EventLog,
} from '../../src/attest/eventlog.js';
import { TPM_ALG } from '../../src/gen/constants.js';
import { hex, toHex } from '../helpers/tpm.js';

const { SHA1, SHA256, SHA384, SM3_256 } = TPM_ALG;
const NODE: Record<number, string> = { [SHA1]: 'sha1', [SHA256]: 'sha256', [SHA384]: 'sha384', [SM3_256]: 'sm3' };
const SIZE: Record<number, number> = { [SHA1]: 20, [SHA256]: 32, [SHA384]: 48, [SM3_256]: 32 };
const H = (alg: number, ...parts: Uint8Array[]) => {
  const h = createHash(NODE[alg]);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const text = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const u32le = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return new Uint8Array(b);
};

/** A small log over the given banks: firmware, separators, an EV_IPL string, an EV_NO_ACTION in the middle. */
function sampleLog(banks: number[], startupLocality?: number) {
  const w = createEventLogWriter(banks, { startupLocality });
  w.measure(0, EV_S_CRTM_VERSION, text('v1\0'));
  w.measure(0, EV_EFI_PLATFORM_FIRMWARE_BLOB2, uefiPlatformFirmwareBlob2('DXEFV', 0x900000, 5), text('blob!'));
  w.measure(7, EV_EFI_VARIABLE_DRIVER_CONFIG, uefiVariableData(EFI_GUID.globalVariable, 'SecureBoot', Uint8Array.of(1)));
  w.noAction(text('not extended'), 3);
  for (let pcr = 0; pcr < 8; pcr++) w.measure(pcr, EV_SEPARATOR, separatorData());
  w.measure(8, EV_IPL, iplData('kernel_cmdline: /vmlinuz ro'), text('/vmlinuz ro'));
  w.measure(17, EV_IPL, text('drtm'));
  return w;
}

describe('Spec ID header', () => {
  it('matches the go-attestation example for SHA-1, SHA-256, SHA-384 (platform class 0, 2.0, UINT64)', () => {
    // go-attestation testdata (ubuntu_2104_shielded_vm_no_secure_boot_eventlog): errata 0.
    const example = hex(
      '00000000 03000000' + '00'.repeat(20) + '29000000' + Buffer.from('Spec ID Event03\0').toString('hex') + '00000000 00 02 00 02 03000000 0400 1400 0b00 2000 0c00 3000 00',
    );
    expect(toHex(createEventLogWriter([SHA384, SHA1, SHA256], { specErrata: 0 }).bytes())).toBe(toHex(example));
    // By default errata 2 (PFP 1.05), the only difference.
    const bytes = createEventLogWriter([SHA384, SHA1, SHA256]).bytes();
    expect(bytes.length).toBe(32 + 0x29);
    expect(bytes[32 + 22]).toBe(2);
    bytes[32 + 22] = 0;
    expect(toHex(bytes)).toBe(toHex(example));
  });

  it('lists SM3 (0x0012, 32 octets) and every bank in algorithm order', () => {
    const log = parseEventLog(createEventLogWriter([SM3_256, SHA256]).bytes());
    expect(log.specId.algorithms).toEqual([
      { algorithmId: SHA256, digestSize: 32 },
      { algorithmId: SM3_256, digestSize: 32 },
    ]);
    expect(log.events).toEqual([]);
  });

  it('refuses an empty bank list and unknown hashes', () => {
    expect(() => createEventLogWriter([])).toThrow(/at least one PCR bank/);
    expect(() => createEventLogWriter([0x27])).toThrow(/no hash/);
  });
});

describe('writer and parser', () => {
  for (const banks of [[SHA1, SHA256], [SM3_256], [SHA1, SHA256, SHA384, SM3_256]]) {
    it(`round trips a log over banks ${banks.map((b) => NODE[b]).join('+')}`, () => {
      const w = sampleLog(banks, 3);
      const bytes = w.bytes();
      const parsed = parseEventLog(bytes);
      expect(encodeEventLog(parsed)).toEqual(bytes);
      expect(parsed.events.map((e) => [e.pcr, e.type])).toEqual(w.events.map((e) => [e.pcr, e.type]));
      // Each event carries one digest per bank, in Spec ID order, of the measured content.
      const ipl = parsed.events.find((e) => e.pcr === 8)!;
      expect(ipl.digests.map((d) => d.hashAlg)).toEqual([...banks].sort((a, b) => a - b));
      for (const d of ipl.digests) expect(toHex(d.digest)).toBe(toHex(H(d.hashAlg, text('/vmlinuz ro'))));
      // eventNum counts as tpm2_eventlog does (0 is the Spec ID header); offsets point at each event.
      parsed.events.forEach((e, i) => {
        expect(e.eventNum).toBe(i + 1);
        expect(toHex(bytes.subarray(e.offset, e.offset + 8))).toBe(toHex(new Uint8Array([...u32le(e.pcr), ...u32le(e.type)])));
      });
      // EV_NO_ACTION events carry zero digests.
      for (const e of parsed.events.filter((x) => x.type === EV_NO_ACTION)) for (const d of e.digests) expect(d.digest.every((b) => b === 0)).toBe(true);
    });
  }

  it('record() takes explicit digests and insists on one per bank', () => {
    const w = createEventLogWriter([SHA1, SHA256]);
    const d1 = new Uint8Array(20).fill(1);
    const d2 = new Uint8Array(32).fill(2);
    w.record(4, EV_EFI_BOOT_SERVICES_APPLICATION, new Uint8Array(32), { [SHA1]: d1, [SHA256]: d2 });
    expect(parseEventLog(w.bytes()).events[0].digests).toEqual([
      { hashAlg: SHA1, digest: d1 },
      { hashAlg: SHA256, digest: d2 },
    ]);
    expect(() => w.record(4, EV_IPL, new Uint8Array(0), { [SHA1]: d1 })).toThrow(/no digest for bank 0xb/);
    expect(() => encodeEventLog({ specId: w.specId, events: [{ pcr: 0, type: EV_IPL, data: new Uint8Array(0), digests: [{ hashAlg: SHA1, digest: d2 }] }] })).toThrow(/32-octet digest/);
  });

  it('names event types and PCRs', () => {
    expect(eventTypeName(EV_EFI_GPT_EVENT)).toBe('EV_EFI_GPT_EVENT');
    expect(eventTypeName(0x1234)).toBe('0x00001234');
    expect(PCR_USAGE[7]).toMatch(/Secure Boot/);
    expect(PCR_USAGE[10]).toMatch(/IMA/);
    expect(eventLogPcrs(sampleLog([SHA256]).log())).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 17]);
  });
});

describe('replay', () => {
  /** Replay computed here: H(old ‖ digest) with node:crypto, from each PCR's reset value. */
  function expectedReplay(log: EventLog, alg: number, locality = 0): string[] {
    const pcrs = Array.from({ length: 24 }, (_, i) => {
      const v = new Uint8Array(SIZE[alg]);
      if (i >= 17 && i <= 22) v.fill(0xff);
      if (i === 0) v[v.length - 1] = locality;
      return v;
    });
    for (const e of log.events) {
      if (e.type === EV_NO_ACTION) continue;
      const d = e.digests.find((x) => x.hashAlg === alg)!;
      pcrs[e.pcr] = H(alg, pcrs[e.pcr], d.digest);
    }
    return pcrs.map(toHex);
  }

  for (const banks of [[SHA1, SHA256], [SM3_256], [SHA256, SHA384, SM3_256]]) {
    it(`every PCR of every bank (${banks.map((b) => NODE[b]).join('+')}), EV_NO_ACTION skipped, DRTM PCRs from 0xFF…`, () => {
      const w = sampleLog(banks);
      const replay = replayEventLog(w.bytes());
      expect(Object.keys(replay).map(Number).sort((a, b) => a - b)).toEqual([...banks].sort((a, b) => a - b));
      for (const alg of banks) expect(replay[alg].map(toHex)).toEqual(expectedReplay(w.log(), alg));
    });
  }

  it('a StartupLocality event sets PCR 0 to 0…0 ‖ locality before its first extension', () => {
    const w = sampleLog([SHA256, SM3_256], 3);
    expect(toHex(w.events[0].data)).toBe(toHex(new Uint8Array([...text('StartupLocality\0'), 3])));
    const replay = replayEventLog(w.log());
    for (const alg of [SHA256, SM3_256]) expect(replay[alg].map(toHex)).toEqual(expectedReplay(w.log(), alg, 3));
    // Without any PCR 0 event PCR 0 stays at its initial value with the locality.
    const only = createEventLogWriter([SHA256], { startupLocality: 3 });
    expect(toHex(replayEventLog(only.log())[SHA256][0])).toBe('00'.repeat(31) + '03');
  });

  it('an H-CRTM event starts PCR 0 at locality 4; either after PCR 0 was extended is refused', () => {
    const w = createEventLogWriter([SHA256]);
    w.measure(0, EV_EFI_HCRTM_EVENT, text('HCRTM'));
    const start = new Uint8Array(32);
    start[31] = 4;
    expect(toHex(replayEventLog(w.log())[SHA256][0])).toBe(toHex(H(SHA256, start, H(SHA256, text('HCRTM')))));
    const late = createEventLogWriter([SHA256]);
    late.measure(0, EV_SEPARATOR, separatorData());
    late.noAction(startupLocalityData(3));
    expect(() => replayEventLog(late.bytes())).toThrow(/event 2 at offset .*StartupLocality event after PCR 0 was extended/);
  });

  it('events without a digest of a bank leave that bank alone', () => {
    const w = createEventLogWriter([SHA1, SHA256]);
    w.measure(5, EV_EFI_ACTION, text('x'));
    const log = w.log();
    log.events.push({ pcr: 5, type: EV_EFI_ACTION, data: text('y'), digests: [{ hashAlg: SHA256, digest: H(SHA256, text('y')) }] });
    const replay = replayEventLog(parseEventLog(encodeEventLog(log)));
    expect(toHex(replay[SHA1][5])).toBe(toHex(H(SHA1, new Uint8Array(20), H(SHA1, text('x')))));
    expect(toHex(replay[SHA256][5])).toBe(toHex(H(SHA256, H(SHA256, new Uint8Array(32), H(SHA256, text('x'))), H(SHA256, text('y')))));
  });
});

describe('strict parser', () => {
  const good = sampleLog([SHA1, SHA256]).bytes();
  const headerSize = 32 + 16 + 8 + 4 + 8 + 1; // TCG_PCR_EVENT + Spec ID with two algorithms
  const mutate = (at: number, bytes: number[]) => {
    const b = good.slice();
    b.set(bytes, at);
    return b;
  };
  const error = (bytes: Uint8Array): EventLogError => {
    try {
      parseEventLog(bytes);
    } catch (e) {
      if (e instanceof EventLogError) return e;
      throw e;
    }
    throw new Error('parsed');
  };

  it('every truncation inside an event is an EventLogError naming the event and offset', () => {
    const boundaries = new Set([headerSize, ...parseEventLog(good).events.map((e) => e.offset), good.length]);
    for (let n = 0; n < good.length; n++) {
      if (boundaries.has(n)) {
        expect(() => parseEventLog(good.subarray(0, n))).not.toThrow();
        continue;
      }
      const e = error(good.subarray(0, n));
      expect(e.message).toMatch(n === 0 ? /empty log/ : /truncated/);
      expect(e.offset).toBeLessThanOrEqual(n);
      expect(e.message).toContain(`event ${e.eventNum} at offset ${e.offset}`);
    }
  });

  it('the first event must be the Spec ID event on PCR 0 with a zero digest', () => {
    expect(error(mutate(0, [1])).message).toMatch(/event 0 at offset 0 .*first event must be on PCR 0/);
    expect(error(mutate(4, [4])).message).toMatch(/must be EV_NO_ACTION, not EV_SEPARATOR/);
    expect(error(mutate(12, [1])).message).toMatch(/offset 8 .*all-zero digest/);
    expect(error(mutate(32, [...text('Spec ID Event00')])).message).toMatch(/"Spec ID Event00".*not supported/);
    expect(error(mutate(32, [...text('Spec ID Event02')])).message).toMatch(/not "Spec ID Event03"/);
    expect(error(mutate(32 + 21, [1])).message).toMatch(/version 1\.0, expected 2\.0/);
    expect(error(mutate(32 + 23, [3])).message).toMatch(/uintnSize 3/);
    expect(error(mutate(32 + 24, [0])).message).toMatch(/numberOfAlgorithms is 0/);
    expect(error(mutate(32 + 30, [0x21])).message).toMatch(/algorithm 0x4 has digest size 20, not 33/);
    expect(error(mutate(32 + 32, [0x04, 0x00, 0x14, 0x00])).message).toMatch(/offset 64 .*algorithm 0x4 listed twice/);
    // eventDataSize disagreeing with the Spec ID contents
    expect(error(mutate(28, [0x2a])).message).toMatch(/eventDataSize 42 but the Spec ID event is 37 octets/);
  });

  it('events must use the Spec ID algorithms, each once, and at most as many digests', () => {
    const first = headerSize;
    expect(error(mutate(first + 8, [3])).message).toMatch(/event 1 at offset 77 .*DigestCount 3 exceeds the 2 algorithms/);
    expect(error(mutate(first + 12, [0x0c])).message).toMatch(/digest algorithm 0xc is not in the Spec ID event/);
    expect(error(mutate(first + 12 + 22, [0x04])).message).toMatch(/digest algorithm 0x4 appears twice/);
    expect(error(mutate(first, [32])).message).toMatch(/PCRIndex 32 out of range/);
    // An EventSize running past the end.
    const sizeAt = first + 12 + 22 + 34;
    expect(error(mutate(sizeAt, [0xff, 0xff])).message).toMatch(/event 1 at offset .*truncated: event data/);
  });

  it('unknown algorithms listed in the Spec ID event parse with their declared size but are not replayed', () => {
    // SHA3-256 (0x27) is not implemented: replace the SHA-1 bank's id and keep its 20-octet size.
    const b = mutate(32 + 28, [0x27, 0x00]);
    for (const e of parseEventLog(good).events) b.set([0x27, 0x00], e.offset + 12);
    const log = parseEventLog(b);
    expect(log.specId.algorithms[0]).toEqual({ algorithmId: 0x27, digestSize: 20 });
    expect(Object.keys(replayEventLog(log)).map(Number)).toEqual([SHA256]);
  });
});

describe('UEFI event data', () => {
  it('EFI_GUID is mixed-endian: the first three fields little-endian', () => {
    const g = guidBytes(EFI_GUID.globalVariable);
    expect(toHex(g)).toBe('61dfe48bca93d211aa0d00e098032b8c');
    expect(guidString(g)).toBe(EFI_GUID.globalVariable);
    expect(() => guidBytes('not-a-guid')).toThrow(/not a GUID/);
  });

  it('UEFI_VARIABLE_DATA: GUID, UINT64 name length (code units), UINT64 data length, UTF-16LE name, data', () => {
    const v = uefiVariableData(EFI_GUID.imageSecurityDatabase, 'db', Uint8Array.of(0xaa, 0xbb, 0xcc));
    expect(toHex(v)).toBe(toHex(guidBytes(EFI_GUID.imageSecurityDatabase)) + '0200000000000000' + '0300000000000000' + '64006200' + 'aabbcc');
    expect(parseUefiVariableData(v)).toEqual({ guid: EFI_GUID.imageSecurityDatabase, name: 'db', data: Uint8Array.of(0xaa, 0xbb, 0xcc) });
    expect(() => parseUefiVariableData(v.subarray(0, v.length - 1))).toThrow(/do not match/);
  });

  it('UEFI_IMAGE_LOAD_EVENT with a file device path', () => {
    const dp = devicePath(devicePathFile('\\EFI\\a.efi'));
    expect(toHex(dp)).toBe('0404' + '1a00' + toHex(Buffer.from('\\EFI\\a.efi\0', 'utf16le')) + '7fff0400');
    const e = uefiImageLoadEvent({ location: 0x7e000018n, length: 4096, devicePath: dp });
    expect(toHex(e.subarray(0, 32))).toBe('1800007e00000000' + '0010000000000000' + '0000000000000000' + '1e00000000000000');
    expect(parseUefiImageLoadEvent(e)).toEqual({ imageLocationInMemory: 0x7e000018n, imageLengthInMemory: 4096n, imageLinkTimeAddress: 0n, devicePath: dp });
  });

  it('UEFI_PLATFORM_FIRMWARE_BLOB2: description size, description, base, length', () => {
    expect(toHex(uefiPlatformFirmwareBlob2('PEIFV', 0x820000, 0xe0000))).toBe('05' + toHex(text('PEIFV')) + '0000820000000000' + '00000e0000000000');
  });

  it('EFI_SIGNATURE_LIST round trip; entries of one list share one size', () => {
    const list = efiSignatureList(EFI_GUID.certSha256, [
      { owner: EFI_GUID.microsoft, data: new Uint8Array(32).fill(1) },
      { owner: EFI_GUID.microsoft, data: new Uint8Array(32).fill(2) },
    ]);
    expect(list.length).toBe(28 + 2 * 48);
    expect(toHex(list.subarray(16, 28))).toBe('7c000000' + '00000000' + '30000000');
    expect(parseEfiSignatureLists(list)).toEqual([
      { type: EFI_GUID.certSha256, entries: [{ owner: EFI_GUID.microsoft, data: new Uint8Array(32).fill(1) }, { owner: EFI_GUID.microsoft, data: new Uint8Array(32).fill(2) }] },
    ]);
    expect(() => efiSignatureList(EFI_GUID.certX509, [{ owner: EFI_GUID.microsoft, data: new Uint8Array(3) }, { owner: EFI_GUID.microsoft, data: new Uint8Array(4) }])).toThrow(/one size/);
  });

  it('UEFI_GPT_DATA: a valid primary header (CRC-32 of header and 128-entry array), then the partitions in use', () => {
    const disk = {
      diskGuid: '11111111-2222-3333-4444-555555555555',
      sectors: 2097152,
      partitions: [
        { typeGuid: EFI_GUID.espPartition, uniqueGuid: '66666666-7777-8888-9999-aaaaaaaaaaaa', startLba: 2048, endLba: 206847, name: 'EFI System Partition' },
        { typeGuid: EFI_GUID.linuxFilesystemPartition, uniqueGuid: 'bbbbbbbb-cccc-dddd-eeee-ffffffffffff', startLba: 206848, endLba: 2097118, name: 'root' },
      ],
    };
    const g = uefiGptData(disk);
    expect(g.length).toBe(92 + 8 + 2 * 128);
    const b = Buffer.from(g);
    expect(b.subarray(0, 8).toString()).toBe('EFI PART');
    expect(b.readUInt32LE(12)).toBe(92);
    // Header CRC computed over the header with its CRC field zeroed (node:zlib as the oracle).
    const header = Buffer.from(b.subarray(0, 92));
    const crc = header.readUInt32LE(16);
    header.writeUInt32LE(0, 16);
    expect(crc).toBe(zlibCrc32(header));
    const array = Buffer.alloc(128 * 128);
    b.copy(array, 0, 100, 100 + 256);
    expect(b.readUInt32LE(88)).toBe(zlibCrc32(array));
    expect(crc32(text('123456789'))).toBe(0xcbf43926);
    expect(b.readBigUInt64LE(32)).toBe(2097151n); // AlternateLBA
    const parsed = parseUefiGptData(g);
    expect(parsed.diskGuid).toBe(disk.diskGuid);
    expect(parsed.partitions.map((p) => [p.typeGuid, p.uniqueGuid, p.startLba, p.endLba, p.name])).toEqual(
      disk.partitions.map((p) => [p.typeGuid, p.uniqueGuid, BigInt(p.startLba), BigInt(p.endLba), p.name]),
    );
  });

  it('EV_IPL strings end with NUL; separators are UINT32 0; StartupLocality is signature ‖ locality', () => {
    expect(toHex(iplData('grub_cmd: ls'))).toBe(toHex(text('grub_cmd: ls\0')));
    expect(toHex(separatorData())).toBe('00000000');
    expect(toHex(startupLocalityData(3))).toBe(toHex(text('StartupLocality\0')) + '03');
    expect(() => startupLocalityData(5)).toThrow(RangeError);
  });
});
