/**
 * Measured boot and IMA against seeded TPMs (src/attest/measured-boot.ts): measureBoot extends
 * what its event log says (PCR_Read equals replayEventLog in every allocated bank — SHA-1 and
 * SHA-256 on the tpm2 profile, SM3 on tcm2), measureRuntime keeps PCR 10 equal to the IMA list's
 * replay, a changed kernel changes only PCRs 4 and 9, and the chain is deterministic.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  EV_EFI_BOOT_SERVICES_APPLICATION,
  EV_EFI_VARIABLE_AUTHORITY,
  EV_NO_ACTION,
  parseEventLog,
  parseUefiVariableData,
  replayEventLog,
  startupLocalityOf,
} from '../../src/attest/eventlog.js';
import { formatImaAscii, imaBootAggregate, imaTemplateHashMismatches, isImaViolation, parseImaAscii, replayIma, type ImaEntry } from '../../src/attest/ima.js';
import {
  allocatedBanks,
  bootEventLog,
  measureBoot,
  measureRuntime,
  readPcrBanks,
  standInBytes,
  typicalLinuxVm,
  typicalRuntimeEvents,
} from '../../src/attest/measured-boot.js';
import { createClient } from '../../src/client/client.js';
import { inProcess } from '../../src/client/transport.js';
import { TPM_ALG, TPM_RH } from '../../src/gen/constants.js';
import { startedTpm, testTpm, toHex } from '../helpers/tpm.js';

const { SHA1, SHA256, SM3_256 } = TPM_ALG;
const ALL = Array.from({ length: 24 }, (_, i) => i);
const PROFILES = [
  { profile: 'tpm2', banks: [SHA1, SHA256], imaAlg: 'sha256' },
  { profile: 'tcm2', banks: [SM3_256], imaAlg: 'sm3' },
] as const;
const NODE: Record<number, string> = { [SHA1]: 'sha1', [SHA256]: 'sha256', [SM3_256]: 'sm3' };
const H = (alg: number, ...parts: Uint8Array[]) => {
  const h = createHash(NODE[alg]);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const hexBanks = (v: { [alg: number]: Uint8Array[] }, banks: readonly number[]) => Object.fromEntries(banks.map((b) => [b, ALL.map((p) => toHex(v[b][p]))]));

describe.each(PROFILES)('measured boot, profile $profile', ({ profile, banks, imaAlg }) => {
  it('reads the allocated banks', async () => {
    const { client } = await startedTpm({ profile });
    expect(await allocatedBanks(client)).toEqual(banks);
  });

  it('PCR_Read equals replayEventLog for every bank and PCR; the log carries every bank', async () => {
    const { client } = await startedTpm({ profile });
    const m = await measureBoot(client, typicalLinuxVm());
    expect(m.banks).toEqual(banks);
    const log = parseEventLog(m.eventLog);
    expect(log.specId.algorithms.map((a) => a.algorithmId)).toEqual(banks);
    for (const e of log.events) expect(e.digests.map((d) => d.hashAlg)).toEqual(banks);
    const tpm = await readPcrBanks(client, banks, ALL);
    expect(hexBanks(replayEventLog(log), banks)).toEqual(hexBanks(tpm, banks));
    // Only the measured-boot PCRs moved; 17-22 keep their reset value.
    const untouched = ALL.filter((p) => ![0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 14].includes(p));
    for (const b of banks) for (const p of untouched) expect(toHex(tpm[b][p])).toBe((p >= 17 && p <= 22 ? 'ff' : '00').repeat(tpm[b][p].length));
    // The log stays below the 64 KiB tpm2_checkquote 5.4 reads.
    expect(m.eventLog.length).toBeLessThan(65535);
    expect(m.log.events.length).toBe(log.events.length);
  });

  it('records the events a measured-boot policy expects (Keylime example policy dispatch)', async () => {
    const log = bootEventLog(typicalLinuxVm(), banks).log();
    const kinds = log.events.map((e) => `${e.pcr}:${e.type.toString(16)}`);
    const apps = log.events.filter((e) => e.type === EV_EFI_BOOT_SERVICES_APPLICATION);
    expect(apps.map((e) => e.pcr)).toEqual([4, 4, 4]); // shim, grub, kernel
    const pcr8 = log.events.filter((e) => e.pcr === 8).map((e) => new TextDecoder().decode(e.data));
    expect(pcr8.every((s) => /^(grub_cmd|kernel_cmdline): .*\0$/.test(s))).toBe(true);
    expect(pcr8.some((s) => s.startsWith('kernel_cmdline: /boot/vmlinuz-6.8.0-45-generic root=UUID='))).toBe(true);
    const pcr9 = log.events.filter((e) => e.pcr === 9).map((e) => new TextDecoder().decode(e.data));
    expect(pcr9).toEqual(['(hd0,gpt2)/boot/grub/grub.cfg\0', '(hd0,gpt2)/boot/vmlinuz-6.8.0-45-generic\0', '(hd0,gpt2)/boot/initrd.img-6.8.0-45-generic\0']);
    expect(log.events.filter((e) => e.pcr === 14).map((e) => new TextDecoder().decode(e.data))).toEqual(['MokList\0', 'MokListX\0', 'MokListTrusted\0']);
    const authorities = log.events.filter((e) => e.type === EV_EFI_VARIABLE_AUTHORITY).map((e) => parseUefiVariableData(e.data).name);
    expect(authorities).toEqual(['db', 'SbatLevel', 'Shim']);
    for (let pcr = 0; pcr <= 7; pcr++) expect(kinds.filter((k) => k === `${pcr}:4`)).toHaveLength(1);
    expect(kinds.filter((k) => k === '5:80000007')).toHaveLength(2);
    expect(kinds.filter((k) => k === '5:80000006')).toHaveLength(1);
    // PCR 8 digests are over the text after the prefix, without the NUL (what tpm2_eventlog recomputes).
    const cmdline = log.events.find((e) => e.pcr === 8 && new TextDecoder().decode(e.data).startsWith('kernel_cmdline'))!;
    const textPart = cmdline.data.subarray('kernel_cmdline: '.length, cmdline.data.length - 1);
    for (const d of cmdline.digests) expect(toHex(d.digest)).toBe(toHex(H(d.hashAlg, textPart)));
    // PCR 9 and the kernel application hash the file octets (the Authenticode stand-in).
    const chain = typicalLinuxVm();
    const kernelFile = log.events.find((e) => e.pcr === 9 && new TextDecoder().decode(e.data).includes('vmlinuz'))!;
    for (const d of kernelFile.digests) expect(toHex(d.digest)).toBe(toHex(H(d.hashAlg, chain.kernel.content)));
    for (const d of apps[2].digests) expect(toHex(d.digest)).toBe(toHex(H(d.hashAlg, chain.kernel.content)));
  });

  it('a tampered kernel changes PCRs 4 and 9 only', async () => {
    const a = await startedTpm({ profile });
    const b = await startedTpm({ profile });
    const kernel = standInBytes('vmlinuz-6.8.0-45-generic', 65536);
    kernel[4096] ^= 1;
    await measureBoot(a.client, typicalLinuxVm());
    await measureBoot(b.client, typicalLinuxVm({ kernel }));
    const pa = await readPcrBanks(a.client, banks, ALL);
    const pb = await readPcrBanks(b.client, banks, ALL);
    for (const bank of banks) expect(ALL.filter((p) => toHex(pa[bank][p]) !== toHex(pb[bank][p]))).toEqual([4, 9]);
  });

  it('a different command line changes PCR 8 (and grub.cfg, read into PCR 9); an update of the initrd PCR 9 only', async () => {
    const base = replayEventLog(bootEventLog(typicalLinuxVm(), banks).log());
    const cmd = replayEventLog(bootEventLog(typicalLinuxVm({ kernelCommandLine: 'root=/dev/vda1 ro' }), banks).log());
    const initrd = replayEventLog(bootEventLog(typicalLinuxVm({ initrd: standInBytes('new initrd', 1000) }), banks).log());
    const diff = (x: typeof base) => ALL.filter((p) => banks.some((bank) => toHex(x[bank][p]) !== toHex(base[bank][p])));
    expect(diff(cmd)).toEqual([8, 9]);
    expect(diff(initrd)).toEqual([9]);
    const otherVm = replayEventLog(bootEventLog(typicalLinuxVm({ instanceId: 'vm-7' }), banks).log());
    expect(diff(otherVm)).toEqual([1, 5, 8, 9]); // SMBIOS, disk GUIDs, root UUID in grub.cfg and the command line
  });

  it('secure boot off and no shim still replay; no authority events without secure boot', async () => {
    for (const options of [{ secureBoot: false }, { shim: false }, { secureBoot: false, shim: false }]) {
      const { client } = await startedTpm({ profile });
      const m = await measureBoot(client, typicalLinuxVm(options));
      expect(hexBanks(replayEventLog(m.eventLog), banks)).toEqual(hexBanks(await readPcrBanks(client, banks, ALL), banks));
      const auth = m.log.events.filter((e) => e.type === EV_EFI_VARIABLE_AUTHORITY).map((e) => parseUefiVariableData(e.data).name);
      expect(auth).toEqual(options.secureBoot === false ? [] : ['db']);
      expect(m.log.events.filter((e) => e.pcr === 14)).toHaveLength(options.shim === false ? 0 : 3);
    }
  });

  it('is deterministic: two TPMs, one chain, the same log and PCRs', async () => {
    const a = await startedTpm({ profile });
    const b = await startedTpm({ profile, seed: 'another seed' });
    const ma = await measureBoot(a.client, typicalLinuxVm());
    const mb = await measureBoot(b.client, typicalLinuxVm());
    expect(toHex(ma.eventLog)).toBe(toHex(mb.eventLog));
    expect(hexBanks(await readPcrBanks(a.client, banks, ALL), banks)).toEqual(hexBanks(await readPcrBanks(b.client, banks, ALL), banks));
  });

  it('logs StartupLocality when the TPM was started at locality 3 (PCR 0 starts at 0…03)', async () => {
    const { tpm } = testTpm({ profile });
    await createClient(inProcess(tpm, { locality: 3 })).startup();
    const client = createClient(inProcess(tpm));
    const m = await measureBoot(client, typicalLinuxVm());
    expect(startupLocalityOf(m.log.events[0])).toBe(3);
    expect(m.log.events[0].type).toBe(EV_NO_ACTION);
    expect(hexBanks(replayEventLog(m.eventLog), banks)).toEqual(hexBanks(await readPcrBanks(client, banks, ALL), banks));
  });

  it('refuses to measure over PCRs that were already extended', async () => {
    const { client } = await startedTpm({ profile });
    await measureBoot(client, typicalLinuxVm());
    await expect(measureBoot(client, typicalLinuxVm())).rejects.toThrow(/PCR 0 .* was already extended/);
  });

  it('measures only the banks asked for; imageDigest replaces the Authenticode stand-in', async () => {
    const { client } = await startedTpm({ profile });
    const authenticode = (alg: number) => new Uint8Array(alg === SHA1 ? 20 : 32).fill(0xa5);
    const m = await measureBoot(client, typicalLinuxVm(), { banks: [banks[banks.length - 1]], imageDigest: (_img, h) => authenticode(h.alg) });
    expect(m.banks).toEqual([banks[banks.length - 1]]);
    for (const e of m.log.events.filter((x) => x.type === EV_EFI_BOOT_SERVICES_APPLICATION)) expect(toHex(e.digests[0].digest)).toBe(toHex(authenticode(e.digests[0].hashAlg)));
    const tpm = await readPcrBanks(client, m.banks, ALL);
    expect(hexBanks(replayEventLog(m.eventLog), m.banks)).toEqual(hexBanks(tpm, m.banks));
  });

  describe('IMA runtime measurement', () => {
    it('starts with boot_aggregate over PCRs 0-9; PCR 10 equals the list replay in every bank', async () => {
      const { client } = await startedTpm({ profile });
      const m = await measureBoot(client, typicalLinuxVm());
      const list: ImaEntry[] = [];
      const added = await measureRuntime(client, list, typicalRuntimeEvents());
      expect(added).toHaveLength(1 + typicalRuntimeEvents().length);
      expect(list).toEqual(added);
      // boot_aggregate from the event log's replay (independent of the TPM read measureRuntime does).
      const replay = replayEventLog(m.eventLog);
      const aggBank = profile === 'tpm2' ? SHA256 : SM3_256;
      expect([list[0].name, list[0].algorithm]).toEqual(['boot_aggregate', imaAlg]);
      expect(toHex(list[0].digest)).toBe(toHex(H(aggBank, ...replay[aggBank].slice(0, 10))));
      expect(toHex(list[0].digest)).toBe(toHex(imaBootAggregate(aggBank, replay[aggBank])));
      expect(list.slice(1).every((e) => e.algorithm === imaAlg)).toBe(true);
      const pcr10 = await readPcrBanks(client, banks, [10]);
      const rep = replayIma(list, banks);
      for (const b of banks) expect(toHex(rep[b])).toBe(toHex(pcr10[b][10]));
    });

    it('later measurements, a ToMToU violation and repeats (not measured twice) keep PCR 10 in step; the ASCII list round trips', async () => {
      const { client } = await startedTpm({ profile });
      await measureBoot(client, typicalLinuxVm());
      const list: ImaEntry[] = [];
      await measureRuntime(client, list, typicalRuntimeEvents());
      const more = await measureRuntime(client, list, [
        { path: '/usr/bin/bash', content: standInBytes('ubuntu-24.04:/usr/bin/bash', 2048) }, // already measured
        { path: '/var/log/syslog', violation: true },
        { path: '/usr/bin/bash', content: standInBytes('patched bash', 2048) }, // changed file: measured again
        { path: '/usr/bin/ls', digest: new Uint8Array(32).fill(1), template: 'ima-sig', signature: Uint8Array.of(3, 2, 1) },
      ]);
      expect(more.map((e) => e.name)).toEqual(['/var/log/syslog', '/usr/bin/bash', '/usr/bin/ls']);
      expect(isImaViolation(more[0])).toBe(true);
      const parsed = parseImaAscii(formatImaAscii(list));
      expect(imaTemplateHashMismatches(parsed)).toEqual([]);
      const pcr10 = await readPcrBanks(client, banks, [10]);
      const rep = replayIma(parsed, banks);
      for (const b of banks) expect(toHex(rep[b])).toBe(toHex(pcr10[b][10]));
    });

    it('a tampered kernel changes boot_aggregate', async () => {
      const a = await startedTpm({ profile });
      const b = await startedTpm({ profile });
      const kernel = standInBytes('other kernel', 100);
      await measureBoot(a.client, typicalLinuxVm());
      await measureBoot(b.client, typicalLinuxVm({ kernel }));
      const la: ImaEntry[] = [];
      const lb: ImaEntry[] = [];
      await measureRuntime(a.client, la, []);
      await measureRuntime(b.client, lb, []);
      expect(toHex(la[0].digest)).not.toBe(toHex(lb[0].digest));
    });
  });
});

describe('measured boot with four banks', () => {
  it('SHA-1, SHA-256, SHA-384 and SM3 allocated on the tpm2 profile: every bank replays, IMA included', async () => {
    const { tpm, client } = await startedTpm({ profile: 'tpm2' });
    const four: number[] = [SHA1, SHA256, TPM_ALG.SHA384, SM3_256];
    const pcrSelections = [SHA1, SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512, SM3_256].map((hash) => ({ hash, pcrSelect: four.includes(hash) ? Uint8Array.of(0xff, 0xff, 0xff) : new Uint8Array(3) }));
    await client.run('PCR_Allocate', { authHandle: TPM_RH.PLATFORM, pcrAllocation: { pcrSelections } });
    await client.shutdown();
    tpm.reset();
    await client.startup();
    expect(await allocatedBanks(client)).toEqual(four);
    const m = await measureBoot(client, typicalLinuxVm());
    expect(parseEventLog(m.eventLog).specId.algorithms.map((a) => [a.algorithmId, a.digestSize])).toEqual([[SHA1, 20], [SHA256, 32], [TPM_ALG.SHA384, 48], [SM3_256, 32]]);
    expect(hexBanks(replayEventLog(m.eventLog), four)).toEqual(hexBanks(await readPcrBanks(client, four, ALL), four));
    const list: ImaEntry[] = [];
    await measureRuntime(client, list, typicalRuntimeEvents());
    const pcr10 = await readPcrBanks(client, four, [10]);
    const rep = replayIma(list, four);
    for (const b of four) expect(toHex(rep[b])).toBe(toHex(pcr10[b][10]));
  });
});
