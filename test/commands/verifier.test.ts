/**
 * The verification service (src/attest/verifier.ts, baseline.ts, store.ts) on seeded TPMs, for
 * the tpm2 (SHA-1 + SHA-256 banks) and tcm2 (SM3) profiles: measureBoot(typicalLinuxVm()) and
 * measureRuntime, an AK (a restricted signing primary, the same key every boot), TPM2_Quote
 * over PCRs 0-10 of every bank. First boot records the baseline (trusted); a reboot is trusted;
 * a tampered kernel is untrusted with PCRs 4 and 9 'changed' and the kernel's events named; a
 * log with one edited digest is 'log-mismatch' on that PCR; accepting the update makes the same
 * evidence trusted with a history record; an unknown IMA file is untrusted until accepted.
 */
import { describe, expect, it } from 'vitest';
import {
  acceptDifference,
  acceptImaEntries,
  BaselineError,
  parseBaseline,
  recordBaseline,
  updateRuntimePolicy,
  type Baseline,
} from '../../src/attest/baseline.js';
import { EV_EFI_BOOT_SERVICES_APPLICATION, EV_IPL, EV_SEPARATOR, parseEventLog, type TcgEvent } from '../../src/attest/eventlog.js';
import type { ImaEntry } from '../../src/attest/ima.js';
import { bootEventLog, measureBoot, measureRuntime, standInBytes, typicalLinuxVm, typicalRuntimeEvents, type RuntimeEvent, type TypicalLinuxVmOptions } from '../../src/attest/measured-boot.js';
import { readPcrs, type PcrValue } from '../../src/attest/quote.js';
import { createVerifier, memoryBaselineStore } from '../../src/attest/store.js';
import { akFingerprint, describeEvent, diffEvents, formatReport, verifyEvidence, type Evidence, type VerificationReport } from '../../src/attest/verifier.js';
import { encodeSpki, pemEncode, publicKeyFromTpmt } from '../../src/attest/x509.js';
import type { Client } from '../../src/client/client.js';
import { akTemplate } from '../../src/client/templates.js';
import { utf8 } from '../../src/crypto/bytes.js';
import { TPM_ALG, TPM_RH } from '../../src/gen/constants.js';
import type { TPMT_PUBLIC, TPMT_SIG_SCHEME } from '../../src/gen/types.js';
import { startedTpm, toHex, type TestTpm } from '../helpers/tpm.js';

const { SHA1, SHA256, SM3_256 } = TPM_ALG;
const PCRS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const EMPTY = new Uint8Array(0);
const NULL_SCHEME = { scheme: TPM_ALG.NULL, details: null } as TPMT_SIG_SCHEME;
const PROFILES = [
  { profile: 'tpm2', banks: [SHA1, SHA256], names: ['sha1', 'sha256'], ak: 'ecc-p256' },
  { profile: 'tcm2', banks: [SM3_256], names: ['sm3_256'], ak: 'sm2-p256' },
] as const;

interface Boot {
  evidence: Omit<Evidence, 'eventLog' | 'ima'> & { eventLog: Uint8Array; ima: ImaEntry[] };
  /** The TPM's PCR values at the quote (TPM2_PCR_Read). */
  pcrs: PcrValue[];
}

interface Machine extends TestTpm {
  booted: boolean;
  boot(options?: { vm?: TypicalLinuxVmOptions; runtime?: RuntimeEvent[]; nonce?: string; pcrs?: number[]; unclean?: boolean }): Promise<Boot>;
}

/** The AK: a restricted signing primary in the owner hierarchy (derived from the seed: the same key after every reset). */
async function ak(client: Client, alg: 'ecc-p256' | 'sm2-p256'): Promise<{ handle: number; pub: TPMT_PUBLIC }> {
  const r = await client.run('CreatePrimary', {
    primaryHandle: TPM_RH.OWNER,
    inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } },
    inPublic: { publicArea: akTemplate({ alg }) },
    outsideInfo: EMPTY,
    creationPCR: { pcrSelections: [] },
  });
  return { handle: r.objectHandle, pub: r.outPublic.publicArea };
}

async function machine(profile: 'tpm2' | 'tcm2', banks: readonly number[], akAlg: 'ecc-p256' | 'sm2-p256'): Promise<Machine> {
  const t = await startedTpm({ profile, seed: `verifier ${profile}` });
  const m: Machine = {
    ...t,
    booted: false,
    async boot(o = {}) {
      if (m.booted) {
        // Reboot: TPM Reset (Shutdown, _TPM_Init, Startup(CLEAR)); unclean: power lost, no Shutdown.
        if (!o.unclean) await t.client.shutdown();
        t.tpm.reset();
        await t.client.startup();
      }
      m.booted = true;
      // (Clock written to NV every 4 s makes it safe again: an unclean boot quotes before that.)
      if (!o.unclean) t.tick(60_000);
      const boot = await measureBoot(t.client, typicalLinuxVm(o.vm));
      const ima: ImaEntry[] = [];
      await measureRuntime(t.client, ima, o.runtime ?? typicalRuntimeEvents());
      const key = await ak(t.client, akAlg);
      const nonce = utf8(o.nonce ?? `nonce ${Math.random()}`);
      const selection = banks.map((hashAlg) => ({ hashAlg, pcrs: o.pcrs ?? PCRS }));
      const pcrSelections = selection.map(({ hashAlg, pcrs }) => {
        const pcrSelect = new Uint8Array(3);
        for (const p of pcrs) pcrSelect[p >> 3] |= 1 << (p & 7);
        return { hash: hashAlg, pcrSelect };
      });
      const q = await t.client.run('Quote', { signHandle: key.handle, qualifyingData: nonce, inScheme: NULL_SCHEME, PCRselect: { pcrSelections } });
      const pcrs = await readPcrs(t.client, selection);
      await t.client.run('FlushContext', { flushHandle: key.handle });
      return { evidence: { akPublic: key.pub, quoted: q.quoted, signature: q.signature, nonce, eventLog: boot.eventLog, ima }, pcrs };
    },
  };
  return m;
}

/** A copy of the log with one octet of one digest of the first event on `pcr` (matching `pick`) flipped. */
function editDigest(log: Uint8Array, pcr: number, pick: (e: TcgEvent) => boolean = () => true): Uint8Array {
  const bytes = log.slice();
  const e = parseEventLog(bytes).events.find((x) => x.pcr === pcr && x.type !== 3 && pick(x))!;
  bytes[e.offset + 12 + 2 + 3] ^= 0x40; // first digest, after PCRIndex, EventType, DigestCount and its AlgorithmId
  return bytes;
}

const byPcr = (r: VerificationReport) => Object.fromEntries(r.pcrs.map((p) => [p.pcr, p]));
const untrusted = (r: VerificationReport) => r.pcrs.filter((p) => p.status === 'untrusted').map((p) => p.pcr);
const actualOf = (pcrs: PcrValue[], bank: number, pcr: number) => toHex(pcrs.find((v) => v.hashAlg === bank && v.pcr === pcr)!.value);

describe.each(PROFILES)('verification service, profile $profile', ({ profile, banks, names, ak: akAlg }) => {
  it('first boot records the baseline (trusted); a reboot is trusted; a tampered kernel names PCRs 4 and 9 and the kernel events; accepting the update trusts it', async () => {
    const m = await machine(profile, banks, akAlg);
    const verifier = createVerifier({ store: memoryBaselineStore() });

    // First boot: recorded, trusted.
    const first = await m.boot();
    const r1 = await verifier.verify('vm-1', first.evidence, { recordIfNew: true, record: { by: 'provisioning', reason: 'instance created', at: '2026-01-01T00:00:00.000Z' } });
    expect(r1.recorded).toBe(true);
    expect(r1.report.verdict).toBe('trusted');
    expect(r1.report.problems).toEqual([]);
    expect(r1.report.logs).toMatchObject({ eventLog: 'ok', ima: 'ok', explained: true, method: 'replay' });
    expect(r1.report.pcrs.map((p) => p.pcr)).toEqual(PCRS);
    for (const p of r1.report.pcrs) {
      expect(p).toMatchObject({ status: 'trusted', reasons: [] });
      expect(Object.keys(p.banks)).toEqual(names);
      for (const [i, bank] of banks.entries()) expect(p.banks[names[i]].actual).toBe(actualOf(first.pcrs, bank, p.pcr));
    }
    const b1 = (await verifier.baseline('vm-1'))!;
    expect(Object.keys(b1.pcrs).map(Number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // PCR 10 is IMA's: checked by the allow-list
    expect(b1.pcrs[9].events.map((e) => e.description)).toEqual(['(hd0,gpt2)/boot/grub/grub.cfg', '(hd0,gpt2)/boot/vmlinuz-6.8.0-45-generic', '(hd0,gpt2)/boot/initrd.img-6.8.0-45-generic']);
    expect(Object.keys(b1.ima.digests).sort()).toEqual(typicalRuntimeEvents().map((e) => e.path).sort());
    expect(b1.history).toHaveLength(1);
    expect(b1.history[0]).toMatchObject({ action: 'record', by: 'provisioning', reason: 'instance created', at: '2026-01-01T00:00:00.000Z' });
    expect(b1.ak).toBe(akFingerprint(first.evidence.akPublic));
    expect(r1.report.ima).toMatchObject({ entries: 9, attested: 9, pending: 0, bootAggregate: 'ok', ok: true, problems: [] });
    // Baselines and reports are plain JSON.
    expect(parseBaseline(JSON.stringify(b1))).toEqual(b1);
    expect(JSON.parse(JSON.stringify(r1.report))).toEqual(r1.report);

    // Reboot, same chain: trusted (a new boot: resetCount moved, PCR values the same).
    const second = await m.boot();
    const r2 = await verifier.verify('vm-1', second.evidence);
    expect(r2.recorded).toBe(false);
    expect(r2.report.verdict).toBe('trusted');
    expect(r2.report.quote.clock!.resetCount).toBeGreaterThan(r1.report.quote.clock!.resetCount);
    expect(formatReport(r2.report, { instance: 'vm-1' })).toMatch(/^instance vm-1: TRUSTED\n/);

    // Tampered kernel: PCRs 4 and 9 changed, the kernel's events named; everything else trusted.
    const kernel = standInBytes('rootkit kernel', 65536);
    const third = await m.boot({ vm: { kernel } });
    const r3 = await verifier.verify('vm-1', third.evidence);
    expect(r3.report.verdict).toBe('untrusted');
    expect(r3.report.logs.explained).toBe(true);
    expect(untrusted(r3.report)).toEqual([4, 9]);
    const p = byPcr(r3.report);
    for (const pcr of [4, 9]) {
      expect(p[pcr].reasons).toEqual(['changed']);
      for (const [i, bank] of banks.entries()) {
        expect(p[pcr].banks[names[i]]).toEqual({ expected: b1.pcrs[pcr].values[names[i]], actual: actualOf(third.pcrs, bank, pcr), replayed: actualOf(third.pcrs, bank, pcr) });
        expect(p[pcr].banks[names[i]].expected).not.toBe(p[pcr].banks[names[i]].actual);
      }
    }
    expect(p[9].events).toHaveLength(1);
    expect(p[9].events[0]).toMatchObject({ change: 'changed', pcr: 9, type: 'EV_IPL', description: '(hd0,gpt2)/boot/vmlinuz-6.8.0-45-generic', index: 1 });
    expect(p[9].events[0].baselineDigests).toEqual(b1.pcrs[9].events[1].digests);
    expect(p[4].events).toHaveLength(1);
    expect(p[4].events[0]).toMatchObject({ change: 'changed', type: 'EV_EFI_BOOT_SERVICES_APPLICATION', description: '\\boot\\vmlinuz-6.8.0-45-generic' });
    const text = formatReport(r3.report, { instance: 'vm-1' });
    expect(text).toMatch(/^instance vm-1: UNTRUSTED\n/);
    expect(text).toMatch(/^PCR  4 untrusted changed {2}.*expected [0-9a-f]{16}… actual [0-9a-f]{16}…/m);
    expect(text).toMatch(/^PCR  9 untrusted changed .*\n {7}~ changed EV_IPL \(hd0,gpt2\)\/boot\/vmlinuz-6\.8\.0-45-generic /m);
    expect(text).toMatch(/^PCR  0 trusted /m);
    expect(r3.report.problems.some((l) => /^PCR 9: changed .*EV_IPL \(hd0,gpt2\)\/boot\/vmlinuz/.test(l))).toBe(true);
    // boot_aggregate covers the new PCRs 4 and 9: it still matches this boot.
    expect(r3.report.ima!.bootAggregate).toBe('ok');

    // Still untrusted on the next verification (nothing accepted): an unexpected difference stays.
    expect((await verifier.verify('vm-1', third.evidence)).report.verdict).toBe('untrusted');

    // Accept the update: the same evidence is trusted; the history keeps who, why, what.
    const b2 = await verifier.accept('vm-1', r3.report, { by: 'alice', reason: 'kernel 6.8.0-47 update', at: new Date('2026-02-01T00:00:00Z') });
    expect(b2.history).toHaveLength(2);
    const h = b2.history[1];
    expect(h).toMatchObject({ action: 'accept', by: 'alice', reason: 'kernel 6.8.0-47 update', at: '2026-02-01T00:00:00.000Z' });
    expect(h.pcrs.map((c) => c.pcr)).toEqual([4, 9]);
    for (const c of h.pcrs) for (const n of names) expect(c.values[n]).toEqual({ old: b1.pcrs[c.pcr].values[n], new: p[c.pcr].banks[n].actual });
    expect(h.pcrs[1].events[0]).toMatchObject({ change: 'changed', type: 'EV_IPL' });
    expect((await verifier.verify('vm-1', third.evidence)).report.verdict).toBe('trusted');
    // The old kernel is now the difference.
    const r5 = await verifier.verify('vm-1', second.evidence);
    expect(untrusted(r5.report)).toEqual([4, 9]);
    // The report was made against the old baseline: accepting it again is refused.
    await expect(verifier.accept('vm-1', r3.report, { by: 'bob', reason: 'again' })).rejects.toThrow(/another version of the baseline/);
    expect(await verifier.history('vm-1')).toHaveLength(2);
  });

  it('a log that does not explain the quote: log-mismatch on the PCR whose event was edited (from the baseline or from PCR values); no baseline: nothing attested', async () => {
    const m = await machine(profile, banks, akAlg);
    const first = await m.boot();
    const baseline = recordBaseline(first.evidence, { instance: 'vm-2' });
    const good = await m.boot();
    expect(verifyEvidence({ evidence: good.evidence, baseline }).verdict).toBe('trusted');

    // One digest of the kernel's PCR 9 event edited.
    const edited = { ...good.evidence, eventLog: editDigest(good.evidence.eventLog, 9, (e) => e.type === EV_IPL && new TextDecoder().decode(e.data).includes('vmlinuz')) };
    const r = verifyEvidence({ evidence: edited, baseline });
    expect(r.verdict).toBe('untrusted');
    expect(r.logs).toMatchObject({ explained: false, method: 'baseline' });
    expect(untrusted(r)).toEqual([9]);
    const p9 = byPcr(r)[9];
    expect(p9.reasons).toEqual(['log-mismatch']);
    // The quote attests the baseline's values; the log replays to something else.
    expect(p9.banks[names[0]].actual).toBe(baseline.pcrs[9].values[names[0]]);
    expect(p9.banks[names[0]].replayed).not.toBe(p9.banks[names[0]].actual);
    expect(p9.events).toEqual([expect.objectContaining({ change: 'changed', type: 'EV_IPL', description: '(hd0,gpt2)/boot/vmlinuz-6.8.0-45-generic' })]);
    expect(formatReport(r)).toMatch(/^PCR  9 untrusted log-mismatch /m);
    expect(() => recordBaseline(r)).toThrow(BaselineError);
    expect(() => acceptDifference(baseline, r, { by: 'eve', reason: 'hide it', pcrs: [9] })).toThrow(/logs do not explain its quoted value/);
    expect(acceptDifference(baseline, r, { by: 'eve', reason: 'nothing else' })).toBe(baseline); // nothing acceptable

    // With the PCR values (tpm2_quote -o): named exactly, no baseline needed.
    const withValues = verifyEvidence({ evidence: { ...edited, pcrs: good.pcrs } });
    expect(withValues.logs.method).toBe('pcr-values');
    expect(withValues.pcrs.filter((p) => p.reasons.includes('log-mismatch')).map((p) => p.pcr)).toEqual([9]);
    // Forged PCR values do not match the quote: not used.
    const forged = good.pcrs.map((v) => (v.pcr === 9 ? { ...v, value: v.value.map((x) => x ^ 1) } : v));
    expect(verifyEvidence({ evidence: { ...edited, pcrs: forged }, baseline }).logs.note).toMatch(/PCR values given with the evidence do not match the quote/);

    // An edited separator (PCR 5): same story on another PCR.
    const sep = verifyEvidence({ evidence: { ...good.evidence, eventLog: editDigest(good.evidence.eventLog, 5, (e) => e.type === EV_SEPARATOR) }, baseline });
    expect(untrusted(sep)).toEqual([5]);

    // No baseline, no PCR values: the digest binds all PCRs, so none is attested.
    const blind = verifyEvidence({ evidence: edited });
    expect(blind.logs.method).toBe('none');
    expect(blind.pcrs.every((p) => p.reasons.includes('log-mismatch'))).toBe(true);
    expect(blind.logs.note).toMatch(/tpm2_quote -o/);

    // A truncated log is reported, not thrown.
    const cut = verifyEvidence({ evidence: { ...good.evidence, eventLog: good.evidence.eventLog.subarray(0, 500) }, baseline });
    expect(cut.verdict).toBe('untrusted');
    expect(cut.logs.eventLog).toEqual({ error: expect.stringMatching(/truncated/) });
  });

  it('IMA: an unknown file and a changed file are untrusted until accepted; entries after the quote are pending; violations are reported', async () => {
    const m = await machine(profile, banks, akAlg);
    const verifier = createVerifier();
    await verifier.verify('vm-3', (await m.boot()).evidence, { recordIfNew: true });
    const miner = { path: '/usr/local/bin/miner', content: standInBytes('miner', 4096) };
    const bash = { path: '/usr/bin/bash', content: standInBytes('patched bash', 2048) };
    const boot = await m.boot({ runtime: [...typicalRuntimeEvents(), miner, bash, { path: '/var/log/syslog', violation: true }] });
    const r = (await verifier.verify('vm-3', boot.evidence)).report;
    expect(r.verdict).toBe('untrusted');
    expect(untrusted(r)).toEqual([10]);
    expect(byPcr(r)[10].reasons).toEqual(['ima']);
    expect(r.ima!.problems.map((x) => [x.path, x.status])).toEqual([
      ['/usr/local/bin/miner', 'unknown'],
      ['/usr/bin/bash', 'changed'],
      ['/var/log/syslog', 'violation'],
    ]);
    expect(r.ima!.violations).toBe(1);
    const bashReport = r.ima!.problems[1];
    expect(bashReport.expected).toHaveLength(1);
    expect(r.problems).toContain(`IMA: /usr/local/bin/miner ${r.ima!.problems[0].algorithm}:${r.ima!.problems[0].digest.slice(0, 16)}… not in the allow-list`);
    expect(formatReport(r)).toMatch(/^ {7}! unknown \/usr\/local\/bin\/miner /m);

    const b = await verifier.acceptIma('vm-3', r, { by: 'ops', reason: 'miner is our batch job; bash patched' });
    expect(b.history.at(-1)).toMatchObject({ action: 'accept-ima', by: 'ops', ima: [{ path: '/usr/local/bin/miner', added: [r.ima!.problems[0].digest], removed: [] }, { path: '/usr/bin/bash', added: [bashReport.digest], removed: [] }] });
    expect(b.ima.digests['/usr/bin/bash']).toEqual([...bashReport.expected!, bashReport.digest]);
    const after = (await verifier.verify('vm-3', boot.evidence)).report;
    expect(after.verdict).toBe('trusted');
    expect(after.ima).toMatchObject({ ok: true, violations: 1 });
    // Violations count when the policy says so.
    expect((await verifier.verify('vm-3', boot.evidence, { policy: { failOnImaViolation: true } })).report.verdict).toBe('untrusted');

    // An entry appended after the quote: PCR 10 lags the list; the quoted prefix is checked, the rest pending.
    const late = { ...boot.evidence, ima: [...boot.evidence.ima, { ...boot.evidence.ima[1], name: '/tmp/late' }] };
    const lag = (await verifier.verify('vm-3', late)).report;
    expect(lag.logs.method).toBe('ima-lag');
    expect(lag.verdict).toBe('trusted');
    expect(lag.ima).toMatchObject({ attested: boot.evidence.ima.length, pending: 1 });

    // Exclusions (regex, prefix) and revocation through the runtime policy.
    const b2 = updateRuntimePolicy(b, { revoke: { '/usr/local/bin/miner': [] }, excludePrefixes: { add: ['/usr/local/'] } }, { by: 'ops', reason: 'local tools unchecked' });
    expect(b2.ima.digests['/usr/local/bin/miner']).toBeUndefined();
    expect(verifyEvidence({ evidence: boot.evidence, baseline: b2 }).ima!.checked.find((x) => x.path === '/usr/local/bin/miner')!.status).toBe('excluded');
    const b3 = updateRuntimePolicy(b2, { excludePrefixes: { remove: ['/usr/local/'] }, excludes: { add: ['^/usr/local/bin/m[a-z]+$'] } }, { by: 'ops', reason: 'narrower' });
    expect(verifyEvidence({ evidence: boot.evidence, baseline: b3 }).verdict).toBe('trusted');
    expect(() => updateRuntimePolicy(b3, { excludes: { add: ['('] } }, { by: 'ops', reason: 'typo' })).toThrow(/not a valid regular expression/);
    expect(b3.history.map((x) => x.action)).toEqual(['record', 'accept-ima', 'policy', 'policy']);

    // A tampered IMA list (an entry's digest edited) no longer explains PCR 10.
    const forged = { ...boot.evidence, ima: boot.evidence.ima.map((e, i) => (i === 2 ? { ...e, digest: e.digest.map((x) => x ^ 1) } : e)) };
    const fr = (await verifier.verify('vm-3', forged)).report;
    expect(fr.ima).toMatchObject({ explained: false, ok: false });
    expect(formatReport(fr)).toMatch(/^IMA: 12 entries, not attested \(the list does not explain PCR 10\)/m);
    expect(byPcr(fr)[10].reasons).toContain('log-mismatch');
    await expect(verifier.acceptIma('vm-3', fr, { by: 'eve', reason: 'x' })).rejects.toThrow(/does not explain the quoted PCR 10/);
  });

  it('quote problems: a wrong nonce or another AK make every PCR untrusted (quote-invalid) and nothing can be accepted; a PCR the baseline has but the quote lacks is not-quoted', async () => {
    const m = await machine(profile, banks, akAlg);
    const first = await m.boot();
    const baseline = recordBaseline(first.evidence);
    const wrongNonce = verifyEvidence({ evidence: { ...first.evidence, nonce: utf8('another nonce') }, baseline });
    expect(wrongNonce.verdict).toBe('untrusted');
    expect(wrongNonce.quote.ok).toBe(false);
    expect(wrongNonce.quote.failures.map((f) => f.check)).toEqual(['nonce']);
    expect(wrongNonce.pcrs.every((p) => p.reasons.includes('quote-invalid'))).toBe(true);
    expect(() => acceptDifference(baseline, wrongNonce, { by: 'x', reason: 'y' })).toThrow(/quote did not verify/);
    expect(() => recordBaseline(wrongNonce)).toThrow(/quote did not verify/);
    expect(formatReport(wrongNonce)).toMatch(/^quote: FAILED .*\n {2}nonce: extraData /m);

    // The AK in its PEM form is the same key (same fingerprint), and verifies.
    const pem = pemEncode('PUBLIC KEY', encodeSpki(publicKeyFromTpmt(first.evidence.akPublic as TPMT_PUBLIC)));
    const viaPem = verifyEvidence({ evidence: { ...first.evidence, akPublic: pem }, baseline, policy: { pinAk: true } });
    expect(viaPem.verdict).toBe('trusted');
    expect(viaPem.quote.ak).toBe(baseline.ak);
    // Another AK: the signature fails; with pinAk the fingerprint is named too.
    const other = await m.boot();
    const t2 = await startedTpm({ profile, seed: 'someone else' });
    const foreign = await ak(t2.client, akAlg);
    const wrongKey = verifyEvidence({ evidence: { ...other.evidence, akPublic: foreign.pub }, baseline, policy: { pinAk: true } });
    expect(wrongKey.quote.failures.map((f) => f.message).join('; ')).toMatch(/does not verify.*; the AK .* is not the instance's AK/);

    // A reboot without TPM2_Shutdown: clockInfo.safe is NO (Clock may have gone back), refused unless the policy allows it.
    const unclean = await m.boot({ unclean: true });
    const u = verifyEvidence({ evidence: unclean.evidence, baseline });
    expect(u.quote.failures.map((f) => f.check)).toEqual(['safe']);
    expect(verifyEvidence({ evidence: unclean.evidence, baseline, policy: { requireSafe: false } }).verdict).toBe('trusted');
    // An earlier quote from a later boot: resetCount went back (Keylime's timing rule).
    const later = await m.boot();
    const replay = verifyEvidence({ evidence: { ...unclean.evidence, previous: later.evidence.quoted }, baseline, policy: { requireSafe: false } });
    expect(replay.quote.failures.map((f) => [f.check, f.message])).toEqual([['clock', expect.stringMatching(/resetCount went back/)]]);

    // Quote over PCRs 0-7 only: 8 and 9 are in the baseline but not quoted.
    const partial = await m.boot({ pcrs: [0, 1, 2, 3, 4, 5, 6, 7] });
    const r = verifyEvidence({ evidence: partial.evidence, baseline });
    expect(r.verdict).toBe('untrusted');
    expect(r.pcrs.filter((p) => p.status === 'untrusted').map((p) => [p.pcr, p.reasons])).toEqual([
      [8, ['not-quoted']],
      [9, ['not-quoted']],
    ]);
    expect(r.problems).toContain('IMA: the list is not attested: the quote does not cover PCR 10');
    // Accepting drops 8 and 9 from the baseline (the operator chose to quote fewer PCRs).
    const fewer = acceptDifference(baseline, r, { by: 'ops', reason: 'quote 0-7 only', pcrs: [8, 9] });
    expect(Object.keys(fewer.pcrs)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(fewer.history[1].pcrs.map((c) => [c.pcr, Object.values(c.values).every((v) => v.new === null)])).toEqual([[8, true], [9, true]]);
  });
});

describe('verifier helpers', () => {
  it('describes events from their data', () => {
    const log = parseEventLog(bootEventLog(typicalLinuxVm(), [SHA256]).bytes());
    const texts = log.events.filter((e) => e.type !== 3).map((e) => `${e.pcr} ${describeEvent(e)}`);
    expect(texts).toContain('0 S-CRTM version edk2-stable202402');
    expect(texts).toContain('0 firmware PEIFV (4096 octets)');
    expect(texts).toContain('7 variable SecureBoot = 1');
    expect(texts).toContain('7 variable db (3143 octets)');
    expect(texts).toContain('1 variable BootOrder = 0001,0000');
    expect(texts).toContain('1 variable Boot0001 "ubuntu"');
    expect(texts).toContain('4 Calling EFI Application from Boot Option');
    expect(texts).toContain('4 HD(1,GPT)\\EFI\\ubuntu\\shimx64.efi');
    expect(texts).toContain('5 Exit Boot Services Invocation');
    expect(texts).toContain('7 separator');
    expect(texts).toContain('14 MokListTrusted');
    expect(texts).toContain('1 1 handoff table(s)');
    expect(texts.some((t) => /^5 GPT disk [0-9a-f-]{36}: EFI System Partition, root$/.test(t))).toBe(true);
    expect(describeEvent({ type: 0x1234, data: Uint8Array.of(0, 1, 2) })).toBe('3 octet(s) of event data');
    expect(describeEvent({ type: EV_EFI_BOOT_SERVICES_APPLICATION, data: Uint8Array.of(1, 2) })).toBe('2 octet(s) of event data');
  });

  it('diffs event lists: added, removed, changed', () => {
    const ev = (type: string, description: string, d: string) => ({ type, description, digests: { sha256: d } });
    const base = [ev('EV_IPL', 'a', '01'), ev('EV_IPL', 'b', '02'), ev('EV_IPL', 'c', '03')];
    const cur = [ev('EV_IPL', 'a', '01'), ev('EV_IPL', 'b', '22'), ev('EV_IPL', 'd', '04'), ev('EV_IPL', 'c', '03')];
    expect(diffEvents(9, base, cur)).toEqual([
      { change: 'changed', pcr: 9, type: 'EV_IPL', description: 'b', digests: { sha256: '22' }, baselineDigests: { sha256: '02' }, index: 1 },
      { change: 'added', pcr: 9, type: 'EV_IPL', description: 'd', digests: { sha256: '04' }, index: 2 },
    ]);
    expect(diffEvents(9, cur, base).map((d) => [d.change, d.description])).toEqual([
      ['changed', 'b'],
      ['removed', 'd'],
    ]);
    expect(diffEvents(9, base, base)).toEqual([]);
  });

  it('parseBaseline refuses malformed records, naming the problem', () => {
    const b: Baseline = { version: 1, created: 'x', updated: 'x', imaPcr: 10, pcrs: { 0: { values: { sha256: '00'.repeat(32) }, events: [] } }, ima: { digests: {}, excludes: [], excludePrefixes: [] }, history: [] };
    expect(parseBaseline(b)).toBe(b);
    expect(() => parseBaseline('{', 'f.json')).toThrow(/^f\.json: not valid JSON/);
    expect(() => parseBaseline({ ...b, version: 2 })).toThrow(/version 2 is not 1/);
    expect(() => parseBaseline({ ...b, pcrs: { 0: { values: { sha256: 'XYZ' }, events: [] } } })).toThrow(/pcrs\[0\]\.values\.sha256 is not lower-case hex/);
    expect(() => parseBaseline({ ...b, ima: { digests: {}, excludes: [] } })).toThrow(/ima\.excludePrefixes is not a list/);
    expect(() => acceptImaEntries(b, {} as VerificationReport, { by: '', reason: 'r' })).toThrow(/'by' \(who\) is required/);
  });
});
