/**
 * Linux IMA measurement lists (src/attest/ima.ts): ima-ng/ima-sig/ima-buf template data as the
 * kernel lays it out, template hashes, ASCII and binary formats (and per-bank variants) with
 * round trips and parser errors, boot_aggregate, ToMToU violations, PCR 10 replay. Expected
 * values are built here by hand with node:crypto (SHA-1/256 and SM3).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  formatImaAscii,
  formatImaBinary,
  imaAlgorithmName,
  imaBootAggregate,
  imaBootAggregateBank,
  imaBootAggregateEntry,
  imaEntry,
  ImaParseError,
  imaTemplateData,
  imaTemplateDigest,
  imaTemplateHashMismatches,
  imaViolation,
  isImaViolation,
  parseImaAscii,
  parseImaBinary,
  replayIma,
  type ImaEntry,
} from '../../src/attest/ima.js';
import { TPM_ALG } from '../../src/gen/constants.js';
import { toHex } from '../helpers/tpm.js';

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
const cat = (...p: Uint8Array[]) => new Uint8Array(Buffer.concat(p));
/** A template field as the kernel hashes and lists it: u32 length (LE) ‖ octets. */
const field = (b: Uint8Array) => cat(u32le(b.length), b);

const bash = text('#!/bin/bash contents');
const bashSha256 = H(SHA256, bash);

describe('ima-ng template', () => {
  it('d-ng is "<algo>:" NUL digest, n-ng is name NUL, each with a u32 little-endian length', () => {
    const e = imaEntry({ name: '/usr/bin/bash', content: bash });
    const data = cat(field(cat(text('sha256:'), Uint8Array.of(0), bashSha256)), field(text('/usr/bin/bash\0')));
    expect(toHex(imaTemplateData(e))).toBe(toHex(data));
    expect(e.algorithm).toBe('sha256');
    expect(e.pcr).toBe(10);
    expect(toHex(e.digest)).toBe(toHex(bashSha256));
    // The log's template hash is SHA-1 of the template data; banks get their own hash of it.
    expect(toHex(e.templateHash)).toBe(toHex(H(SHA1, data)));
    for (const alg of [SHA1, SHA256, SHA384, SM3_256]) expect(toHex(imaTemplateDigest(e, alg))).toBe(toHex(H(alg, data)));
  });

  it('SM3 file digests are "sm3:"; older kernels\' "sm3-256:" parses too', () => {
    const e = imaEntry({ name: '/bin/sh', content: bash, algorithm: SM3_256 });
    expect(e.algorithm).toBe('sm3');
    expect(toHex(e.digest)).toBe(toHex(H(SM3_256, bash)));
    expect(imaAlgorithmName(SM3_256)).toBe('sm3');
    const line = `10 ${toHex(e.templateHash)} ima-ng sm3-256:${toHex(e.digest)} /bin/sh\n`;
    const [old] = parseImaAscii(line);
    expect(old.algorithm).toBe('sm3-256');
    expect(toHex(imaTemplateData(old))).toBe(toHex(cat(field(cat(text('sm3-256:'), Uint8Array.of(0), e.digest)), field(text('/bin/sh\0')))));
  });

  it('ima-sig adds the signature field (empty: length 0); ima-buf the buffer, its digest over the buffer', () => {
    const sig = Uint8Array.of(0x03, 0x02, 0x04, 0xaa, 0xbb);
    const signed = imaEntry({ template: 'ima-sig', name: '/usr/bin/ls', digest: bashSha256, signature: sig });
    expect(toHex(imaTemplateData(signed))).toBe(toHex(cat(field(cat(text('sha256:'), Uint8Array.of(0), bashSha256)), field(text('/usr/bin/ls\0')), field(sig))));
    const unsigned = imaEntry({ template: 'ima-sig', name: '/usr/bin/ls', digest: bashSha256 });
    expect(toHex(imaTemplateData(unsigned)).endsWith('00000000')).toBe(true);
    const buf = text('BOOT_IMAGE=/vmlinuz ro');
    const b = imaEntry({ template: 'ima-buf', name: 'kexec-cmdline', buffer: buf });
    expect(toHex(b.digest)).toBe(toHex(H(SHA256, buf)));
    expect(toHex(imaTemplateData(b))).toBe(toHex(cat(field(cat(text('sha256:'), Uint8Array.of(0), H(SHA256, buf))), field(text('kexec-cmdline\0')), field(buf))));
  });

  it('refuses a digest of the wrong size, an unknown algorithm, a missing digest', () => {
    expect(() => imaEntry({ name: 'x', digest: new Uint8Array(20) })).toThrow(/sha256 digest of "x" must be 32 octets/);
    expect(() => imaEntry({ name: 'x', digest: new Uint8Array(16), algorithm: 'md5' })).toThrow(/unknown hash algorithm "md5"/);
    expect(() => imaEntry({ name: 'x' })).toThrow(/needs a digest or content/);
  });
});

describe('boot_aggregate', () => {
  const pcrs = (alg: number) => Array.from({ length: 24 }, (_, i) => H(alg, text(`pcr ${i}`)));

  it('SHA-1: H(PCR0..7); other banks: H(PCR0..9)', () => {
    const p1 = pcrs(SHA1);
    expect(toHex(imaBootAggregate(SHA1, p1))).toBe(toHex(H(SHA1, ...p1.slice(0, 8))));
    for (const alg of [SHA256, SM3_256]) {
      const p = pcrs(alg);
      expect(toHex(imaBootAggregate(alg, p))).toBe(toHex(H(alg, ...p.slice(0, 10))));
    }
    expect(() => imaBootAggregate(SHA256, pcrs(SHA256).slice(0, 8))).toThrow(/PCR 8/);
  });

  it('bank choice: the IMA hash bank, else SHA-256, else SHA-1', () => {
    expect(imaBootAggregateBank([SHA1, SHA256], SHA256)).toBe(SHA256);
    expect(imaBootAggregateBank([SHA1, SHA256], SM3_256)).toBe(SHA256);
    expect(imaBootAggregateBank([SHA1], SHA256)).toBe(SHA1);
    expect(imaBootAggregateBank([SM3_256], SM3_256)).toBe(SM3_256);
    expect(imaBootAggregateBank([SM3_256], SHA256)).toBeUndefined();
  });

  it('the entry: "sha256:" or "sm3:" aggregate named boot_aggregate; zero digest when no bank fits', () => {
    const e = imaBootAggregateEntry({ [SHA1]: pcrs(SHA1), [SHA256]: pcrs(SHA256) }, SHA256);
    expect([e.name, e.algorithm, toHex(e.digest)]).toEqual(['boot_aggregate', 'sha256', toHex(H(SHA256, ...pcrs(SHA256).slice(0, 10)))]);
    const s = imaBootAggregateEntry({ [SM3_256]: pcrs(SM3_256) }, SM3_256);
    expect([s.algorithm, toHex(s.digest)]).toEqual(['sm3', toHex(H(SM3_256, ...pcrs(SM3_256).slice(0, 10)))]);
    const only1 = imaBootAggregateEntry({ [SHA1]: pcrs(SHA1) }, SHA256);
    expect([only1.algorithm, toHex(only1.digest)]).toEqual(['sha1', toHex(H(SHA1, ...pcrs(SHA1).slice(0, 8)))]);
    const none = imaBootAggregateEntry({ [SM3_256]: pcrs(SM3_256) }, SHA256);
    expect([none.algorithm, toHex(none.digest)]).toEqual(['sha256', '00'.repeat(32)]);
  });
});

describe('violations (ToMToU / open-writers)', () => {
  it('zero digest in d-ng and in the log; PCRs are extended with 0xFF…', () => {
    const v = imaViolation('/var/log/app.log');
    expect(isImaViolation(v)).toBe(true);
    expect(toHex(v.templateHash)).toBe('00'.repeat(20));
    expect(toHex(imaTemplateData(v))).toBe(toHex(cat(field(cat(text('sha256:'), Uint8Array.of(0), new Uint8Array(32))), field(text('/var/log/app.log\0')))));
    expect(formatImaAscii([v])).toBe(`10 ${'00'.repeat(20)} ima-ng sha256:${'00'.repeat(32)} /var/log/app.log\n`);
    for (const alg of [SHA1, SHA256, SM3_256]) expect(toHex(imaTemplateDigest(v, alg))).toBe('ff'.repeat(SIZE[alg]));
    expect(imaTemplateHashMismatches([v])).toEqual([]);
  });
});

describe('replay', () => {
  const list: ImaEntry[] = [
    imaBootAggregateEntry({ [SHA256]: Array.from({ length: 10 }, () => new Uint8Array(32)) }, SHA256),
    imaEntry({ name: '/usr/bin/bash', content: bash }),
    imaViolation('/tmp/racy'),
    imaEntry({ template: 'ima-sig', name: '/usr/bin/ls', digest: bashSha256, signature: Uint8Array.of(1, 2) }),
    imaEntry({ name: '/etc/hosts', content: text('127.0.0.1 localhost'), algorithm: 'sm3' }),
    imaEntry({ name: '/not/pcr10', content: text('x'), pcr: 11 }),
  ];

  it('per bank: running = H(running ‖ H_bank(template data)), 0xFF… for violations, other PCRs skipped', () => {
    for (const alg of [SHA1, SHA256, SM3_256]) {
      let running = new Uint8Array(SIZE[alg]);
      for (const e of list.slice(0, 5)) {
        const d = e.name === '/tmp/racy' ? new Uint8Array(SIZE[alg]).fill(0xff) : H(alg, imaTemplateData(e));
        running = H(alg, running, d);
      }
      expect(toHex(replayIma(list, [alg])[alg])).toBe(toHex(running));
    }
    const start = new Uint8Array(32).fill(7);
    expect(toHex(replayIma(list.slice(1, 2), [SHA256], { initial: { [SHA256]: start } })[SHA256])).toBe(toHex(H(SHA256, start, H(SHA256, imaTemplateData(list[1])))));
    expect(toHex(replayIma(list, [SHA256], { pcr: 11 })[SHA256])).toBe(toHex(H(SHA256, new Uint8Array(32), H(SHA256, imaTemplateData(list[5])))));
  });

  describe('ASCII list', () => {
    it('"%2d <sha1 template hash> <template> <algo>:<hex> <name> [hex]"', () => {
      const ascii = formatImaAscii(list);
      const lines = ascii.split('\n');
      expect(lines[1]).toBe(`10 ${toHex(H(SHA1, imaTemplateData(list[1])))} ima-ng sha256:${toHex(bashSha256)} /usr/bin/bash`);
      expect(lines[3]).toBe(`10 ${toHex(list[3].templateHash)} ima-sig sha256:${toHex(bashSha256)} /usr/bin/ls 0102`);
      expect(lines[4]).toMatch(/^10 [0-9a-f]{40} ima-ng sm3:[0-9a-f]{64} \/etc\/hosts$/);
      expect(lines[5].startsWith('11 ')).toBe(true);
      expect(lines[6]).toBe('');
      // An unsigned ima-sig entry keeps the separator before its empty last field.
      expect(formatImaAscii([imaEntry({ template: 'ima-sig', name: '/a b', digest: bashSha256 })])).toMatch(/ \/a b \n$/);
    });

    it('round trips, names with spaces included', () => {
      const withSpaces = [...list, imaEntry({ name: '/home/u/My Documents/a.txt', content: bash }), imaEntry({ template: 'ima-sig', name: '/a b', digest: bashSha256 })];
      const parsed = parseImaAscii(formatImaAscii(withSpaces));
      expect(parsed).toEqual(withSpaces);
      expect(imaTemplateHashMismatches(parsed)).toEqual([]);
    });

    it('per-bank lists show that bank\'s template digests (zeros for violations)', () => {
      const ascii = formatImaAscii(list, { bank: SHA256 });
      expect(ascii.split('\n')[1]).toBe(`10 ${toHex(H(SHA256, imaTemplateData(list[1])))} ima-ng sha256:${toHex(bashSha256)} /usr/bin/bash`);
      expect(ascii.split('\n')[2].split(' ')[1]).toBe('00'.repeat(32));
      const parsed = parseImaAscii(ascii, { bank: SHA256 });
      expect(parsed.map((e) => e.templateHashAlg)).toEqual(list.map(() => SHA256));
      expect(imaTemplateHashMismatches(parsed)).toEqual([]);
      expect(toHex(replayIma(parsed, [SHA256])[SHA256])).toBe(toHex(replayIma(list, [SHA256])[SHA256]));
      expect(formatImaAscii(parsed, { bank: SHA256 })).toBe(ascii);
      expect(formatImaAscii(parsed)).toBe(formatImaAscii(list));
    });

    it('parser errors name the line', () => {
      const good = formatImaAscii(list.slice(0, 2));
      const bad = (s: string) => {
        try {
          parseImaAscii(s);
        } catch (e) {
          expect(e).toBeInstanceOf(ImaParseError);
          return (e as Error).message;
        }
        throw new Error('parsed');
      };
      expect(bad(good + 'garbage\n')).toMatch(/line 3: not "<pcr> <template-hash> <template> <fields>"/);
      expect(bad(good.replace('ima-ng', 'ima'))).toMatch(/line 1: unsupported template "ima"/);
      expect(bad(good.replace('sha256:', 'md9:'))).toMatch(/line 1: unknown digest algorithm "md9"/);
      expect(bad(good.replace(/sha256:([0-9a-f]{2})/, 'sha256:'))).toMatch(/line 1: sha256 digest must be 64 hex digits/);
      expect(bad(good.replace(/^10 ([0-9a-f]{2})/, '10 '))).toMatch(/line 1: template hash must be 40 hex digits/);
      expect(bad(`10 ${'00'.repeat(20)} ima-sig sha256:${'00'.repeat(32)} /x zz\n`)).toMatch(/ima-sig last field is not hex/);
      // A tampered template hash parses; imaTemplateHashMismatches finds it.
      const tampered = parseImaAscii(good.replace(/\n10 (.)/, (_, c) => `\n10 ${c === '0' ? '1' : '0'}`));
      expect(imaTemplateHashMismatches(tampered)).toEqual([1]);
      expect(() => formatImaAscii([imaEntry({ name: 'a\nb', content: bash })])).toThrow(/line break/);
    });
  });

  describe('binary list', () => {
    it('u32 PCR ‖ template digest ‖ u32 name length ‖ name ‖ u32 data length ‖ data, little-endian', () => {
      const bin = formatImaBinary([list[1]]);
      const data = imaTemplateData(list[1]);
      expect(toHex(bin)).toBe(toHex(cat(u32le(10), H(SHA1, data), u32le(6), text('ima-ng'), u32le(data.length), data)));
    });

    it('round trips (legacy SHA-1 and per-bank SM3 layout)', () => {
      expect(parseImaBinary(formatImaBinary(list))).toEqual(list);
      const sm3 = formatImaBinary(list, { bank: SM3_256 });
      expect(sm3.length).toBe(formatImaBinary(list).length + 12 * list.length);
      const parsed = parseImaBinary(sm3, { bank: SM3_256 });
      expect(imaTemplateHashMismatches(parsed)).toEqual([]);
      expect(toHex(parsed[1].templateHash)).toBe(toHex(H(SM3_256, imaTemplateData(list[1]))));
      expect(toHex(replayIma(parsed, [SM3_256, SHA1])[SM3_256])).toBe(toHex(replayIma(list, [SM3_256])[SM3_256]));
      expect(formatImaAscii(parsed)).toBe(formatImaAscii(list));
    });

    it('parser errors name the entry and offset; every truncation is refused', () => {
      const bin = formatImaBinary(list.slice(0, 3));
      const ends = new Set<number>([0]);
      let off = 0;
      for (const e of list.slice(0, 3)) ends.add((off += formatImaBinary([e]).length));
      for (let n = 1; n < bin.length; n++) {
        if (ends.has(n)) expect(parseImaBinary(bin.subarray(0, n)).length).toBeGreaterThan(0);
        else expect(() => parseImaBinary(bin.subarray(0, n))).toThrow(ImaParseError);
      }
      const one = formatImaBinary([list[1]]);
      const b = one.slice();
      b.set(text('ima-xx'), 28);
      expect(() => parseImaBinary(b)).toThrow(/entry 1 at offset 0: unsupported template "ima-xx"/);
      const c = one.slice();
      c.set(u32le(1000), 38); // first field length overruns the template data
      expect(() => parseImaBinary(c)).toThrow(/entry 1 at offset 38: field of 1000 octets overruns/);
    });
  });
});
