/**
 * `vtpm verify` (src/node/verify-cli.ts), run as the built CLI: evidence files written from
 * the typed client (both profiles), and written by Debian's tpm2-tools (tpm2_createak,
 * tpm2_quote -m -s -o) against a vtpm server: first boot recorded (exit 0), reboot trusted,
 * tampered kernel untrusted naming PCRs 4 and 9 and the kernel's events (exit 1), accepted with
 * --by/--reason (exit 0 and the history kept), a log that does not explain the quote named
 * (log-mismatch), and usage errors naming the flag (exit 2).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBaseline } from '../../src/attest/baseline.js';
import { parseEventLog } from '../../src/attest/eventlog.js';
import { formatImaAscii, formatImaBinary, type ImaEntry } from '../../src/attest/ima.js';
import { measureBoot, measureRuntime, standInBytes, typicalLinuxVm, typicalRuntimeEvents, type RuntimeEvent, type TypicalLinuxVmOptions } from '../../src/attest/measured-boot.js';
import { encodePcrFile, encodeSignature, publicOf, readPcrs } from '../../src/attest/quote.js';
import type { VerificationReport } from '../../src/attest/verifier.js';
import { createClient, type Client } from '../../src/client/client.js';
import { akTemplate } from '../../src/client/templates.js';
import { inProcess } from '../../src/client/transport.js';
import { utf8 } from '../../src/crypto/bytes.js';
import { TPM_ALG, TPM_RH } from '../../src/gen/constants.js';
import type { TPMT_SIG_SCHEME } from '../../src/gen/types.js';
import { serve, type Server } from '../../src/node/server.js';
import { HAVE_TPM2_TOOLS, implemented, ok } from '../interop/tools.js';
import { startedTpm, type TestTpm } from '../helpers/tpm.js';
import { runCli } from './cli-helpers.js';

const work = mkdtempSync(join(tmpdir(), 'vtpm-verify-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const EMPTY = new Uint8Array(0);
const PCRS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Flips one octet of the first digest of the first event on `pcr` whose data contains `text`. */
function editDigest(log: Uint8Array, pcr: number, text: string): Uint8Array {
  const bytes = log.slice();
  const e = parseEventLog(bytes).events.find((x) => x.pcr === pcr && Buffer.from(x.data).toString('latin1').includes(text))!;
  bytes[e.offset + 12 + 2 + 3] ^= 0x40;
  return bytes;
}

interface Files {
  dir: string;
  args: string[];
}

/** Writes a boot's evidence files and returns the flags that name them. */
function writeEvidence(dir: string, name: string, e: { ak: Uint8Array; quoted: Uint8Array; sig: Uint8Array; nonce: Uint8Array; eventLog: Uint8Array; ima: Uint8Array | string; pcrs?: Uint8Array }): Files {
  const p = (f: string) => join(dir, `${name}-${f}`);
  writeFileSync(p('ak.pub'), e.ak);
  writeFileSync(p('quote.msg'), e.quoted);
  writeFileSync(p('quote.sig'), e.sig);
  writeFileSync(p('eventlog.bin'), e.eventLog);
  writeFileSync(p('ima.txt'), e.ima);
  const args = ['--ak', p('ak.pub'), '--quote', p('quote.msg'), '--sig', p('quote.sig'), '--nonce', hexOf(e.nonce), '--eventlog', p('eventlog.bin'), '--ima', p('ima.txt')];
  if (e.pcrs) {
    writeFileSync(p('quote.pcrs'), e.pcrs);
    args.push('--pcrs', p('quote.pcrs'));
  }
  return { dir, args };
}

const PROFILES = [
  { profile: 'tpm2', banks: [TPM_ALG.SHA1, TPM_ALG.SHA256], ak: 'ecc-p256' },
  { profile: 'tcm2', banks: [TPM_ALG.SM3_256], ak: 'sm2-p256' },
] as const;

describe.each(PROFILES)('vtpm verify with files from the typed client, profile $profile', ({ profile, banks, ak }) => {
  const dir = mkdtempSync(join(work, `${profile}-`));
  const store = join(dir, 'baselines');
  let t: TestTpm;
  let booted = false;
  const NULL_SCHEME = { scheme: TPM_ALG.NULL, details: null } as TPMT_SIG_SCHEME;

  async function boot(name: string, vm?: TypicalLinuxVmOptions, runtime: RuntimeEvent[] = typicalRuntimeEvents(), binaryIma = false): Promise<Files & { log: Uint8Array }> {
    if (booted) {
      await t.client.shutdown();
      t.tpm.reset();
      await t.client.startup();
    }
    booted = true;
    const m = await measureBoot(t.client, typicalLinuxVm(vm));
    const list: ImaEntry[] = [];
    await measureRuntime(t.client, list, runtime);
    const key = await t.client.run('CreatePrimary', { primaryHandle: TPM_RH.OWNER, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: akTemplate({ alg: ak }) }, outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } });
    const nonce = utf8(`${name} nonce`);
    const selection = banks.map((hashAlg) => ({ hashAlg, pcrs: PCRS }));
    const q = await t.client.run('Quote', { signHandle: key.objectHandle, qualifyingData: nonce, inScheme: NULL_SCHEME, PCRselect: { pcrSelections: selection.map(({ hashAlg }) => ({ hash: hashAlg, pcrSelect: Uint8Array.of(0xff, 0x07, 0) })) } });
    const pcrs = encodePcrFile(selection, await readPcrs(t.client, selection));
    await t.client.run('FlushContext', { flushHandle: key.objectHandle });
    const tpmt = publicOf(key.outPublic.publicArea).bytes;
    const tpm2b = Buffer.concat([Buffer.from([tpmt.length >> 8, tpmt.length & 0xff]), tpmt]);
    const files = writeEvidence(dir, name, { ak: tpm2b, quoted: q.quoted, sig: encodeSignature(q.signature), nonce, eventLog: m.eventLog, ima: binaryIma ? formatImaBinary(list) : formatImaAscii(list), pcrs });
    return { ...files, log: m.eventLog };
  }
  const verify = (files: Files, ...extra: string[]) => runCli(['verify', '--store', store, '--instance', `vm-${profile}`, ...files.args, ...extra]);

  beforeAll(async () => {
    t = await startedTpm({ profile, seed: `verify cli ${profile}` });
  });

  it('records the first boot, trusts a reboot, names a tampered kernel (exit 1), accepts it (exit 0, history kept), catches an edited log', async () => {
    const first = await boot('boot1');
    // No baseline yet and no --record: untrusted, says so.
    const none = await verify(first);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/^PCR {2}4 untrusted not-in-baseline /m);
    expect(none.stdout).toContain(`instance vm-${profile} has no baseline (record one with --record)`);

    const rec = await verify(first, '--record');
    expect(rec.stderr).toBe('');
    expect(rec.code).toBe(0);
    expect(rec.stdout).toMatch(new RegExp(`^instance vm-${profile}: TRUSTED$`, 'm'));
    expect(rec.stdout).toMatch(/^baseline recorded for instance vm-\w+: PCRs 0,1,2,3,4,5,6,7,8,9, 8 IMA file\(s\)/m);
    expect(rec.stdout).toMatch(/^verdict: trusted$/m);

    // Reboot (binary IMA list this time): trusted; --record again does not re-record.
    const second = await boot('boot2', undefined, undefined, true);
    const r2 = await verify(second);
    expect(r2.code).toBe(0);
    for (const pcr of PCRS) expect(r2.stdout).toMatch(new RegExp(`^PCR ${String(pcr).padStart(2)} trusted `, 'm'));
    const r2b = await verify(second, '--record');
    expect(r2b.code).toBe(0);
    expect(r2b.stdout).toContain('already has a baseline: verified against it, nothing recorded');

    // Tampered kernel.
    const third = await boot('boot3', { kernel: standInBytes('tampered kernel', 65536) });
    const r3 = await verify(third);
    expect(r3.code).toBe(1);
    expect(r3.stdout).toMatch(/^PCR {2}4 untrusted changed {2}.*expected [0-9a-f]{16}… actual [0-9a-f]{16}…/m);
    expect(r3.stdout).toMatch(/^ {7}~ changed EV_EFI_BOOT_SERVICES_APPLICATION \\boot\\vmlinuz-6\.8\.0-45-generic /m);
    expect(r3.stdout).toMatch(/^PCR {2}9 untrusted changed /m);
    expect(r3.stdout).toMatch(/^ {7}~ changed EV_IPL \(hd0,gpt2\)\/boot\/vmlinuz-6\.8\.0-45-generic /m);
    expect(r3.stdout).toMatch(/^verdict: untrusted$/m);
    // --full shows whole values.
    const full = await verify(third, '--full');
    expect(full.stdout).toMatch(/^PCR {2}9 untrusted changed {2}\S+ expected [0-9a-f]{40,64} actual [0-9a-f]{40,64}/m);
    // --previous: a quote of a later boot as the earlier one: resetCount went back.
    const prev = await verify(second, '--previous', third.args[third.args.indexOf('--quote') + 1]);
    expect(prev.code).toBe(1);
    expect(prev.stdout).toMatch(/^ {2}clock: resetCount went back/m);
    // --json: the report.
    const json = await verify(third, '--json');
    const report = JSON.parse(json.stdout) as VerificationReport;
    expect(report.verdict).toBe('untrusted');
    expect(report.pcrs.filter((p) => p.status === 'untrusted').map((p) => [p.pcr, p.reasons])).toEqual([[4, ['changed']], [9, ['changed']]]);

    // Accept the update.
    const acc = await verify(third, '--accept', '--by', 'alice', '--reason', 'kernel 6.8.0-47 update');
    expect(acc.stderr).toBe('');
    expect(acc.code).toBe(0);
    expect(acc.stdout).toMatch(/^accepted PCR 4: /m);
    expect(acc.stdout).toMatch(/^accepted PCR 9: .* \(1 event\(s\) differ\)$/m);
    expect(acc.stdout).toContain('accepted by alice: kernel 6.8.0-47 update');
    expect(acc.stdout).toMatch(/after accepting:\ninstance vm-\w+: TRUSTED\n/);
    expect((await verify(third)).code).toBe(0);
    const stored = parseBaseline(readFileSync(join(store, `vm-${profile}.json`), 'utf8'));
    expect(stored.history.map((h) => [h.action, h.by, h.reason])).toEqual([
      ['record', 'vtpm verify --record', 'first boot'],
      ['accept', 'alice', 'kernel 6.8.0-47 update'],
    ]);
    // Nothing left to accept.
    const again = await verify(third, '--accept', '--by', 'alice', '--reason', 'again');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to accept: the boot is trusted');

    // An unknown IMA file, then accepted.
    const fourth = await boot('boot4', { kernel: standInBytes('tampered kernel', 65536) }, [...typicalRuntimeEvents(), { path: '/opt/agent/bin/agent', content: standInBytes('agent', 999) }]);
    const r4 = await verify(fourth);
    expect(r4.code).toBe(1);
    expect(r4.stdout).toMatch(/^PCR 10 untrusted ima /m);
    expect(r4.stdout).toMatch(/^ {7}! unknown \/opt\/agent\/bin\/agent /m);
    const a4 = await verify(fourth, '--accept', '--by', 'ops', '--reason', 'monitoring agent');
    expect(a4.code).toBe(0);
    expect(a4.stdout).toMatch(/^accepted IMA \/opt\/agent\/bin\/agent: [0-9a-f]{64}$/m);

    // One digest of the kernel's PCR 9 event edited: the log does not explain the quote.
    const edited = join(dir, 'edited.bin');
    writeFileSync(edited, editDigest(fourth.log, 9, 'vmlinuz'));
    const args = [...fourth.args];
    args[args.indexOf('--eventlog') + 1] = edited;
    const r5 = await verify({ dir, args });
    expect(r5.code).toBe(1);
    expect(r5.stdout).toMatch(/^PCR {2}9 untrusted log-mismatch /m);
    expect(r5.stdout.match(/untrusted/g)).toHaveLength(2); // PCR 9's line and the verdict
    // Accepting cannot launder it.
    const a5 = await verify({ dir, args }, '--accept', '--by', 'eve', '--reason', 'hide', '--accept-pcrs', '9');
    expect(a5.code).toBe(1);
    expect(a5.stderr).toMatch(/cannot accept PCR 9: the logs do not explain its quoted value/);
  }, 60_000);
});

describe('vtpm verify: usage', () => {
  const dir = mkdtempSync(join(work, 'usage-'));
  const f = (name: string, content: string | Uint8Array = 'x') => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  const akPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const base = () => ['--store', join(dir, 'store'), '--instance', 'vm', '--ak', f('ak.pem', akPem), '--quote', f('q'), '--sig', f('s'), '--nonce', 'ab'];
  const drop = (args: string[], flag: string) => {
    const i = args.indexOf(flag);
    return [...args.slice(0, i), ...args.slice(i + 2)];
  };

  it('vtpm verify --help: exit 0; vtpm --help lists verify', async () => {
    const h = await runCli(['verify', '--help']);
    expect(h.code).toBe(0);
    for (const flag of ['--store', '--instance', '--ak', '--quote', '--sig', '--nonce', '--eventlog', '--ima', '--pcrs', '--record', '--accept', '--by', '--reason']) expect(h.stdout).toContain(flag);
    expect((await runCli(['--help'])).stdout).toMatch(/^ {2}verify {7}/m);
  });

  const refusals: [() => string[], RegExp][] = [
    [() => drop(base(), '--store'), /--store is required/],
    [() => drop(base(), '--nonce'), /--nonce is required/],
    [() => [...base(), '--bogus'], /unknown flag '--bogus'/],
    [() => [...drop(base(), '--nonce'), '--nonce', 'xyz'], /--nonce must be hex digits.*'xyz'/],
    [() => [...base(), '--accept'], /--accept needs --by NAME/],
    [() => [...base(), '--accept', '--by', 'me'], /--accept needs --reason TEXT/],
    [() => [...base(), '--record', '--accept', '--by', 'a', '--reason', 'b'], /--record and --accept cannot be used together/],
    [() => [...base(), '--by', 'me'], /--by needs --accept or --record/],
    [() => [...base(), '--accept-pcrs', '4'], /--accept-pcrs needs --accept/],
    [() => [...base(), '--accept', '--by', 'a', '--reason', 'b', '--accept-pcrs', '4,x'], /--accept-pcrs must be PCR numbers/],
    [() => [...base(), '--json=yes'], /--json takes no value/],
    [() => [...drop(base(), '--quote'), '--quote', join(dir, 'missing.msg')], /--quote: cannot read .*missing\.msg: ENOENT/],
    [() => [...drop(base(), '--ak'), '--ak', f('bad.pub', Uint8Array.of(0, 3, 1, 2, 3))], /--ak: .*bad\.pub is not a TPM2B_PUBLIC, TPMT_PUBLIC or PEM public key/],
    [() => [...base(), '--pcrs', f('bad.pcrs')], /--pcrs: .*bad\.pcrs: tpm2-tools PCR file/],
    [() => [...base(), 'stray'], /unexpected argument 'stray'/],
  ];
  for (const [args, message] of refusals) {
    it(`exit 2 naming the flag: ${message.source}`, async () => {
      const r = await runCli(['verify', ...args()]);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    });
  }

  it('a quote that is not a TPMS_ATTEST: reported, exit 1', async () => {
    const r = await runCli(['verify', ...base()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^quote: FAILED/m);
  });
});

describe.skipIf(!HAVE_TPM2_TOOLS || !implemented('Quote', 'PCR_Extend', 'CreatePrimary', 'EvictControl'))('vtpm verify with files written by tpm2-tools (tpm2_createak, tpm2_quote -m -s -o) against a vtpm server', () => {
  let server: Server;
  let tcti: string;
  let client: Client;
  const dir = mkdtempSync(join(work, 'tools-'));
  const p = (name: string) => join(dir, name);
  const run = (...args: string[]) => ok(tcti, args);
  const AK = '0x81010010';

  beforeAll(async () => {
    server = await serve({ protocol: 'swtpm', port: 0, tpmOptions: { seed: 'verify cli tools', profile: 'tpm2' }, logger: { warn: (m) => console.warn(m) } });
    tcti = `swtpm:host=127.0.0.1,port=${server.address.port}`;
    client = createClient(inProcess(server.tpm));
    await run('tpm2_startup', '-c');
    await run('tpm2_createek', '-G', 'ecc', '-c', p('ek.ctx'));
    await run('tpm2_createak', '-C', p('ek.ctx'), '-G', 'ecc', '-g', 'sha256', '-s', 'ecdsa', '-c', p('ak.ctx'), '-u', p('ak.pub'));
    await run('tpm2_readpublic', '-c', p('ak.ctx'), '-f', 'pem', '-o', p('ak.pem'));
    await run('tpm2_evictcontrol', '-C', 'o', '-c', p('ak.ctx'), AK);
    await run('tpm2_flushcontext', '-t');
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  /** Reboots the served TPM (tpm2_shutdown -c, _TPM_Init, tpm2_startup -c), measures the boot and quotes with tpm2_quote. */
  async function boot(name: string, vm?: TypicalLinuxVmOptions): Promise<string[]> {
    if (name !== 'boot1') {
      // A clean reboot: without TPM2_Shutdown the next quote says clockInfo.safe = NO, and the verifier refuses it.
      await run('tpm2_shutdown', '-c');
      server.tpm.reset();
      await run('tpm2_startup', '-c');
    }
    const m = await measureBoot(client, typicalLinuxVm(vm));
    const list: ImaEntry[] = [];
    await measureRuntime(client, list, typicalRuntimeEvents());
    writeFileSync(p(`${name}-log.bin`), m.eventLog);
    writeFileSync(p(`${name}-ima.txt`), formatImaAscii(list));
    const nonce = `${Buffer.from(name).toString('hex')}c0ffee`;
    const sel = `sha1:${PCRS.join(',')}+sha256:${PCRS.join(',')}`;
    await run('tpm2_quote', '-c', AK, '-l', sel, '-q', nonce, '-m', p(`${name}.msg`), '-s', p(`${name}.sig`), '-o', p(`${name}.pcrs`), '-g', 'sha256');
    return ['--quote', p(`${name}.msg`), '--sig', p(`${name}.sig`), '--pcrs', p(`${name}.pcrs`), '--nonce', nonce, '--eventlog', p(`${name}-log.bin`), '--ima', p(`${name}-ima.txt`)];
  }
  const verify = (ak: string, evidence: string[], ...extra: string[]) => runCli(['verify', '--store', p('store'), '--instance', 'tools-vm', '--ak', ak, ...evidence, ...extra]);

  it('records with the PEM AK, trusts a reboot with the TPM2B_PUBLIC AK, names the tampered kernel, accepts it', async () => {
    const first = await verify(p('ak.pem'), await boot('boot1'), '--record');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^quote: ok \(sha256, AK [0-9a-f]{16}…, PCRs sha1:0,1,2,3,4,5,6,7,8,9,10 sha256:0,1,2,3,4,5,6,7,8,9,10,/m);
    expect(first.stdout).toMatch(/^baseline recorded for instance tools-vm/m);

    const second = await verify(p('ak.pub'), await boot('boot2'));
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^verdict: trusted$/m);

    const tampered = await boot('boot3', { kernel: standInBytes('tools tampered kernel', 65536) });
    const third = await verify(p('ak.pub'), tampered);
    expect(third.code).toBe(1);
    expect(third.stdout).toMatch(/^PCR {2}4 untrusted changed /m);
    expect(third.stdout).toMatch(/^PCR {2}9 untrusted changed /m);
    expect(third.stdout).toMatch(/EV_IPL \(hd0,gpt2\)\/boot\/vmlinuz-6\.8\.0-45-generic/);
    const accepted = await verify(p('ak.pem'), tampered, '--accept', '--by', 'ops', '--reason', 'new kernel');
    expect(accepted.code).toBe(0);
    expect((await verify(p('ak.pub'), tampered)).code).toBe(0);

    // A log edited on PCR 9: named through the tpm2_quote -o PCR values.
    const args = [...tampered];
    writeFileSync(p('edited.bin'), editDigest(readFileSync(p('boot3-log.bin')), 9, 'vmlinuz'));
    args[args.indexOf('--eventlog') + 1] = p('edited.bin');
    const edited = await verify(p('ak.pub'), args, '--json');
    expect(edited.code).toBe(1);
    const report = JSON.parse(edited.stdout) as VerificationReport;
    expect(report.logs.method).toBe('pcr-values');
    expect(report.pcrs.filter((x) => x.status === 'untrusted').map((x) => [x.pcr, x.reasons])).toEqual([[9, ['log-mismatch']]]);
  }, 60_000);
});
