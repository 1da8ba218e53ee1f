/**
 * Debian's tpm2-tools against the measured-boot event log (src/attest/measured-boot.ts) of a TPM
 * served by `vtpm serve`: tpm2_eventlog parses the log (no digest warnings) and its replayed
 * `pcrs:` equal the TPM's PCRs (sha1 and sha256 on tpm2, sm3_256 on tcm2); tpm2_checkquote -e
 * accepts a quote over PCRs 0-9 against the log and rejects it when one event digest is altered.
 *
 * tpm2-tools 5.4 notes: its replay extends EV_NO_ACTION events too (so the TPMs here start at
 * locality 0 and the log has no StartupLocality event), and tpm2_checkquote reads at most 64 KiB
 * of log. tpm2_createak cannot make SM2 keys, so on tcm2 the quoting key is a restricted SM2
 * primary in the owner hierarchy, quoted with --scheme sm2 and exported to openssl as a PEM
 * built here (tpm2_readpublic -f pem fails for SM2 keys).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEventLog, replayEventLog } from '../../src/attest/eventlog.js';
import { measureBoot, readPcrBanks, typicalLinuxVm, type BootMeasurement } from '../../src/attest/measured-boot.js';
import { createClient, type Client } from '../../src/client/client.js';
import { inProcess } from '../../src/client/transport.js';
import { TPM_ALG } from '../../src/gen/constants.js';
import { serve, type Server } from '../../src/node/server.js';
import { HAVE_OPENSSL, HAVE_TPM2_TOOLS, implemented, ok, tool } from './tools.js';

const work = mkdtempSync(join(tmpdir(), 'vtpm-interop-eventlog-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const path = (name: string) => join(work, name);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const TOOL_BANK: Record<number, string> = { [TPM_ALG.SHA1]: 'sha1', [TPM_ALG.SHA256]: 'sha256', [TPM_ALG.SM3_256]: 'sm3_256' };
const PCRS_0_9 = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** The `pcrs:` section of tpm2_eventlog's YAML: bank → PCR → lower-case hex. */
function yamlPcrs(yaml: string): Record<string, Record<number, string>> {
  const out: Record<string, Record<number, string>> = {};
  const section = yaml.slice(yaml.indexOf('\npcrs:\n') + 1);
  let bank = '';
  for (const line of section.split('\n').slice(1)) {
    const b = /^ {2}(\w+):$/.exec(line);
    if (b) {
      bank = b[1];
      out[bank] = {};
      continue;
    }
    const v = /^ {4}(\d+)\s*: 0x([0-9a-fA-F]+)$/.exec(line);
    if (v) out[bank][Number(v[1])] = v[2].toLowerCase();
  }
  return out;
}

/** A copy of the log with one octet of the `bank` digest of the first event on `pcr` flipped. */
function alterDigest(m: BootMeasurement, pcr: number, bank: number): Uint8Array {
  const bytes = m.eventLog.slice();
  const e = parseEventLog(bytes).events.find((x) => x.pcr === pcr && x.type !== 3)!;
  let off = e.offset + 12;
  for (const d of e.digests) {
    if (d.hashAlg === bank) {
      bytes[off + 2 + 5] ^= 0x01;
      return bytes;
    }
    off += 2 + d.digest.length;
  }
  throw new Error('no such digest');
}

/** An SPKI PEM for an SM2 public key from a TPM2B_PUBLIC (ECC, SM2 P-256) as tpm2_readpublic -o writes it. */
function sm2Pem(tpm2bPublic: Buffer): string {
  let o = 2 + 2 + 2 + 4; // size, type, nameAlg, objectAttributes
  o += 2 + tpm2bPublic.readUInt16BE(o); // authPolicy
  o += 2 + 4 + 2 + 2; // symmetric (NULL), scheme (SM2 + hash), curveID, kdf (NULL)
  const x = tpm2bPublic.subarray(o + 2, o + 2 + tpm2bPublic.readUInt16BE(o));
  o += 2 + x.length;
  const y = tpm2bPublic.subarray(o + 2, o + 2 + tpm2bPublic.readUInt16BE(o));
  // SEQUENCE { SEQUENCE { id-ecPublicKey, sm2p256v1 (1.2.156.10197.1.301) }, BIT STRING 04 ‖ x ‖ y }
  const spki = Buffer.concat([Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d03420004', 'hex'), x, y]);
  return `-----BEGIN PUBLIC KEY-----\n${spki.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PUBLIC KEY-----\n`;
}

const PROFILES = [
  { profile: 'tpm2', banks: [TPM_ALG.SHA1, TPM_ALG.SHA256], quoteHash: 'sha256' },
  { profile: 'tcm2', banks: [TPM_ALG.SM3_256], quoteHash: 'sm3_256' },
] as const;

describe.skipIf(!HAVE_TPM2_TOOLS || !HAVE_OPENSSL || !implemented('PCR_Extend', 'PCR_Read', 'Quote', 'CreatePrimary'))('tpm2-tools with the measured-boot event log', () => {
  describe.each(PROFILES)('profile $profile', ({ profile, banks, quoteHash }) => {
    let server: Server;
    let tcti: string;
    let client: Client;
    let boot: BootMeasurement;
    const p = (name: string) => path(`${profile}-${name}`);
    const run = (...args: string[]) => ok(tcti, args);

    beforeAll(async () => {
      server = await serve({ protocol: 'swtpm', port: 0, tpmOptions: { seed: `interop eventlog ${profile}`, profile }, logger: { warn: (m) => console.warn(m) } });
      tcti = `swtpm:host=127.0.0.1,port=${server.address.port}`;
      await run('tpm2_startup', '-c');
      client = createClient(inProcess(server.tpm));
      boot = await measureBoot(client, typicalLinuxVm());
      writeFileSync(p('log.bin'), boot.eventLog);
    });
    afterAll(async () => {
      await server?.close();
    });

    it('tpm2_eventlog --eventlog-version=2 parses the log; its pcrs: equal the TPM and replayEventLog', async () => {
      const r = await tool(tcti, ['tpm2_eventlog', '--eventlog-version=2', p('log.bin')]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      // Digests it can recompute (S-CRTM version, separators, UEFI variables, GPT, PCR 8 strings) all match.
      expect(r.stderr).not.toMatch(/does not match|unexpected/);
      expect(r.stdout).toMatch(/SpecID:\n\s+- Signature: Spec ID Event03/);
      expect(r.stdout).toContain('EventType: EV_EFI_GPT_EVENT');
      expect(r.stdout).toMatch(/UnicodeName: SecureBoot\n\s+VariableData:\n\s+Enabled: 'Yes'/);
      // (5.4 prints strings with their NUL as a quoted, escaped scalar.)
      expect(r.stdout).toMatch(/String: \|-\n\s+"kernel_cmdline: \/boot\/vmlinuz-6\.8\.0-45-generic root=UUID=[^"]*\\0"/);
      const fromTool = yamlPcrs(r.stdout);
      expect(Object.keys(fromTool)).toEqual(banks.map((b) => TOOL_BANK[b]));
      const measured = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 14];
      const tpm = await readPcrBanks(client, banks, measured);
      const replay = replayEventLog(boot.eventLog);
      for (const bank of banks) {
        expect(Object.keys(fromTool[TOOL_BANK[bank]]).map(Number)).toEqual(measured);
        for (const pcr of measured) {
          expect(fromTool[TOOL_BANK[bank]][pcr]).toBe(hex(tpm[bank][pcr]));
          expect(hex(replay[bank][pcr])).toBe(hex(tpm[bank][pcr]));
        }
      }
    });

    it('tpm2_checkquote -e accepts a quote over PCRs 0-9 checked against the log, and rejects an altered log', async () => {
      let pub: string;
      if (profile === 'tpm2') {
        await run('tpm2_createek', '-G', 'rsa', '-c', p('ek.ctx'));
        await run('tpm2_createak', '-C', p('ek.ctx'), '-G', 'rsa', '-g', 'sha256', '-s', 'rsassa', '-c', p('ak.ctx'), '-u', p('ak.pem'), '-f', 'pem');
        pub = p('ak.pem');
      } else {
        await run('tpm2_createprimary', '-C', 'o', '-G', 'ecc_sm2:sm2-sm3_256:null', '-g', 'sm3_256', '-a', 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign', '-c', p('ak.ctx'));
        await run('tpm2_readpublic', '-c', p('ak.ctx'), '-o', p('ak.tss'));
        writeFileSync(p('ak.pem'), sm2Pem(readFileSync(p('ak.tss'))));
        pub = p('ak.pem');
      }
      const selection = banks.map((b) => `${TOOL_BANK[b]}:${PCRS_0_9.join(',')}`).join('+');
      const nonce = 'c0ffee0123';
      await run(
        'tpm2_quote', '-c', p('ak.ctx'), '-l', selection, '-q', nonce, '-m', p('q.msg'), '-s', p('q.sig'), '-o', p('q.pcrs'), '-g', quoteHash,
        ...(profile === 'tcm2' ? ['--scheme', 'sm2'] : []),
      );
      const check = (log: string) => tool(tcti, ['tpm2_checkquote', '-u', pub, '-m', p('q.msg'), '-s', p('q.sig'), '-f', p('q.pcrs'), '-g', quoteHash, '-q', nonce, '-e', log]);
      const good = await check(p('log.bin'));
      expect(good.stderr).toBe('');
      expect(good.code).toBe(0);
      // One digest of one event altered (the kernel's PCR 9 event, or the GPT on PCR 5): the replay no longer matches.
      for (const [pcr, bank] of [[9, banks[banks.length - 1]], [5, banks[0]]] as const) {
        writeFileSync(p(`log-${pcr}.bin`), alterDigest(boot, pcr, bank));
        const bad = await check(p(`log-${pcr}.bin`));
        expect(bad.code).not.toBe(0);
        expect(bad.stderr).toContain(`PCR${pcr} mismatch`);
        expect(bad.stderr).toContain('Eventlog and quote PCR mismatch');
      }
      // Without -e the quote itself still verifies (the failure above came from the log).
      await run('tpm2_checkquote', '-u', pub, '-m', p('q.msg'), '-s', p('q.sig'), '-f', p('q.pcrs'), '-g', quoteHash, '-q', nonce);
    });
  });
});
