/**
 * `vtpm verify`: checks one boot's evidence (files as tpm2-tools writes them) against an
 * instance's baseline kept in a directory (fileBaselineStore), prints the report, and records
 * or accepts on request. Exit code 0 trusted, 1 untrusted (or not verifiable), 2 usage error
 * naming the flag.
 */
import { cliFlags } from './cli-flags.js';
import { readFileSync } from 'node:fs';
import { BaselineError, type Baseline } from '../attest/baseline.js';
import { AttestationError, parsePcrFile } from '../attest/quote.js';
import { createVerifier } from '../attest/store.js';
import { formatReport, parseAkPublic, type Evidence, type VerificationReport } from '../attest/verifier.js';
import { fileBaselineStore } from './baseline-store.js';

export const VERIFY_USAGE = `Usage: vtpm verify --store DIR --instance ID --ak FILE --quote FILE --sig FILE --nonce HEX
                   [--pcrs FILE] [--eventlog FILE] [--ima FILE] [--previous FILE]
                   [--record | --accept --by NAME --reason TEXT [--accept-pcrs LIST]]
                   [--json] [--full]

Verifies one boot of an instance: the quote (signature, nonce, clock), the event log and the
IMA list replayed and matched against the quoted PCRs, then each PCR against the instance's
baseline in DIR and each IMA entry against its allow-list. Prints one line per PCR (trusted or
untrusted, expected vs actual, the events that differ).

Exit status: 0 trusted, 1 untrusted or not verifiable, 2 usage error.

Evidence (tpm2-tools formats):
  --ak FILE          The AK public key: TPM2B_PUBLIC (tpm2_createak -u, tpm2_readpublic -o)
                     or PEM (tpm2_createak -f pem -u, tpm2_readpublic -f pem -o)
  --quote FILE       The quoted TPMS_ATTEST (tpm2_quote -m)
  --sig FILE         The signature, TPMT_SIGNATURE (tpm2_quote -s, default tss format)
  --nonce HEX        The nonce given to the quote (tpm2_quote -q); '' for none
  --pcrs FILE        PCR values (tpm2_quote -o): used to name the PCRs a log cannot explain
  --eventlog FILE    The TCG event log (binary_bios_measurements)
  --ima FILE         The IMA list, ASCII or binary (ascii/binary_runtime_measurements)
  --previous FILE    An earlier quote by the same AK: its Clock must not be ahead

Baseline (one JSON file per instance in --store DIR, with its history):
  --store DIR        The baseline directory (created if missing)
  --instance ID      The instance
  --record           No baseline yet: record this boot as the baseline (first boot)
  --accept           Accept this boot's differences (PCR values and events, IMA files) as
                     the new baseline, then verify again; needs --by and --reason
  --by NAME          Who accepts (kept in the history)
  --reason TEXT      Why (kept in the history)
  --accept-pcrs LIST With --accept: only these PCRs (comma-separated)

Output:
  --json             Print the report as JSON
  --full             Full hex values (default: 16 digits)
  -h, --help         Show this help
`;

/** A bad command line: the message names the flag. */
export class VerifyUsageError extends Error {}

export interface VerifyArgs {
  help: boolean;
  store?: string;
  instance?: string;
  ak?: string;
  quote?: string;
  sig?: string;
  nonce?: Uint8Array;
  pcrs?: string;
  eventlog?: string;
  ima?: string;
  previous?: string;
  record: boolean;
  accept: boolean;
  by?: string;
  reason?: string;
  acceptPcrs?: number[];
  json: boolean;
  full: boolean;
}

const FILE_FLAGS = { '--store': 'store', '--ak': 'ak', '--quote': 'quote', '--sig': 'sig', '--pcrs': 'pcrs', '--eventlog': 'eventlog', '--ima': 'ima', '--previous': 'previous' } as const;

/** Parses `vtpm verify` flags (`--flag value` or `--flag=value`). Throws VerifyUsageError naming the flag. */
export function parseVerifyArgs(argv: readonly string[]): VerifyArgs {
  const out: VerifyArgs = { help: false, record: false, accept: false, json: false, full: false };
  for (const token of cliFlags(argv, (m) => new VerifyUsageError(m))) {
    if (token === 'help') {
      out.help = true;
      continue;
    }
    const { flag, value, noValue } = token;
    if (Object.hasOwn(FILE_FLAGS, flag)) {
      const v = value();
      if (!v) throw new VerifyUsageError(`${flag} needs a ${flag === '--store' ? 'directory' : 'file'}`);
      out[FILE_FLAGS[flag as keyof typeof FILE_FLAGS]] = v;
      continue;
    }
    switch (flag) {
      case '--instance': {
        const v = value();
        if (!v) throw new VerifyUsageError('--instance must not be empty');
        if (v.length > 200 || /[\u0000-\u001f\u007f]/.test(v)) throw new VerifyUsageError('--instance: at most 200 characters, no control characters');
        out.instance = v;
        break;
      }
      case '--nonce': {
        const v = value();
        const h = v.replace(/^0x/i, '');
        if (!/^(?:[0-9a-fA-F]{2})*$/.test(h)) throw new VerifyUsageError(`--nonce must be hex digits (an even number of 0-9, a-f), not '${v}'`);
        out.nonce = Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
        break;
      }
      case '--by':
      case '--reason': {
        const v = value();
        if (!v.trim()) throw new VerifyUsageError(`${flag} must not be empty`);
        if (flag === '--by') out.by = v;
        else out.reason = v;
        break;
      }
      case '--accept-pcrs': {
        const v = value();
        const list = v.split(',').map((x) => x.trim());
        if (!list.every((x) => /^\d{1,2}$/.test(x) && Number(x) < 32)) throw new VerifyUsageError(`--accept-pcrs must be PCR numbers 0-31, comma-separated, not '${v}'`);
        out.acceptPcrs = list.map(Number);
        break;
      }
      case '--record':
      case '--accept':
      case '--json':
      case '--full':
        noValue();
        out[flag.slice(2) as 'record' | 'accept' | 'json' | 'full'] = true;
        break;
      default:
        throw new VerifyUsageError(`unknown flag '${flag}'`);
    }
  }
  if (out.help) return out;
  for (const [flag, v] of [['--store', out.store], ['--instance', out.instance], ['--ak', out.ak], ['--quote', out.quote], ['--sig', out.sig], ['--nonce', out.nonce]] as const) {
    if (v === undefined) throw new VerifyUsageError(`${flag} is required`);
  }
  if (out.record && out.accept) throw new VerifyUsageError('--record and --accept cannot be used together (record the first boot, accept later ones)');
  if (out.accept && out.by === undefined) throw new VerifyUsageError('--accept needs --by NAME');
  if (out.accept && out.reason === undefined) throw new VerifyUsageError('--accept needs --reason TEXT');
  if (!out.accept && !out.record) {
    if (out.by !== undefined) throw new VerifyUsageError('--by needs --accept or --record');
    if (out.reason !== undefined) throw new VerifyUsageError('--reason needs --accept or --record');
  }
  if (out.acceptPcrs && !out.accept) throw new VerifyUsageError('--accept-pcrs needs --accept');
  return out;
}

interface Io {
  out(line: string): void;
  err(line: string): void;
}

function readInput(flag: string, path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new VerifyUsageError(`${flag}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The evidence from the files the flags name; unreadable files and an unusable AK are usage errors. */
function evidenceOf(args: VerifyArgs): Evidence {
  const ak = readInput('--ak', args.ak!);
  try {
    parseAkPublic(ak);
  } catch (e) {
    if (e instanceof AttestationError || e instanceof TypeError) throw new VerifyUsageError(`--ak: ${args.ak} is not a TPM2B_PUBLIC, TPMT_PUBLIC or PEM public key (${e.message})`);
    throw e;
  }
  const evidence: Evidence = { akPublic: ak, quoted: readInput('--quote', args.quote!), signature: readInput('--sig', args.sig!), nonce: args.nonce! };
  if (args.pcrs !== undefined) {
    try {
      evidence.pcrs = parsePcrFile(readInput('--pcrs', args.pcrs)).values;
    } catch (e) {
      if (e instanceof AttestationError) throw new VerifyUsageError(`--pcrs: ${args.pcrs}: ${e.message}`);
      throw e;
    }
  }
  if (args.eventlog !== undefined) evidence.eventLog = readInput('--eventlog', args.eventlog);
  if (args.ima !== undefined) evidence.ima = readInput('--ima', args.ima);
  if (args.previous !== undefined) evidence.previous = readInput('--previous', args.previous);
  return evidence;
}

function acceptedLines(before: Baseline, after: Baseline): string[] {
  const rec = after.history.slice(before.history.length);
  const lines: string[] = [];
  for (const h of rec) {
    for (const p of h.pcrs) {
      const vals = Object.entries(p.values).map(([bank, v]) => `${bank} ${v.old ?? '(none)'} -> ${v.new ?? '(removed)'}`).join('; ');
      lines.push(`accepted PCR ${p.pcr}: ${vals}${p.events.length ? ` (${p.events.length} event(s) differ)` : ''}`);
    }
    for (const c of h.ima) lines.push(`accepted IMA ${c.path}: ${c.added.join(', ')}`);
  }
  return lines;
}

/** Runs `vtpm verify`; resolves with the exit code. */
export async function runVerify(argv: readonly string[], io: Io): Promise<number> {
  let args: VerifyArgs;
  let evidence: Evidence;
  try {
    args = parseVerifyArgs(argv);
    if (args.help) {
      io.out(VERIFY_USAGE);
      return 0;
    }
    evidence = evidenceOf(args);
  } catch (e) {
    if (!(e instanceof VerifyUsageError)) throw e;
    io.err(`vtpm verify: ${e.message} (see vtpm verify --help)`);
    return 2;
  }
  const instance = args.instance!;
  const print = (report: VerificationReport) => io.out(args.json ? JSON.stringify(report, null, 2) : formatReport(report, { instance, full: args.full }).trimEnd());
  try {
    const verifier = createVerifier({ store: fileBaselineStore(args.store!) });
    if (args.record) {
      const r = await verifier.verify(instance, evidence, { recordIfNew: true, record: { by: args.by ?? 'vtpm verify --record', reason: args.reason ?? 'first boot' } });
      print(r.report);
      if (r.recorded) {
        const b = r.baseline!;
        if (!args.json) io.out(`baseline recorded for instance ${instance}: PCRs ${Object.keys(b.pcrs).join(',')}, ${Object.keys(b.ima.digests).length} IMA file(s) (${fileBaselineStore(args.store!).pathOf(instance)})`);
      } else if (r.baseline) {
        if (!args.json) io.out(`instance ${instance} already has a baseline: verified against it, nothing recorded`);
      } else {
        io.err(`vtpm verify: no baseline recorded: ${r.report.problems[0] ?? 'the evidence does not attest its values'}`);
      }
      return r.report.verdict === 'trusted' ? 0 : 1;
    }
    const first = await verifier.verify(instance, evidence);
    if (!args.accept || first.report.verdict === 'trusted') {
      print(first.report);
      if (!first.baseline && !args.json) io.out(`instance ${instance} has no baseline (record one with --record)`);
      if (args.accept && !args.json) io.out('nothing to accept: the boot is trusted');
      return first.report.verdict === 'trusted' ? 0 : 1;
    }
    if (!first.baseline) {
      print(first.report);
      io.err(`vtpm verify: instance ${instance} has no baseline to accept into (record one with --record)`);
      return 1;
    }
    const by = args.by!;
    const reason = args.reason!;
    let after: Baseline;
    try {
      after = await verifier.accept(instance, first.report, { by, reason, pcrs: args.acceptPcrs });
      if ((!args.acceptPcrs || args.acceptPcrs.includes(first.report.imaPcr)) && first.report.ima && first.report.ima.problems.some((p) => p.status === 'unknown' || p.status === 'changed')) {
        after = await verifier.acceptIma(instance, first.report, { by, reason });
      }
    } catch (e) {
      if (!(e instanceof BaselineError)) throw e;
      print(first.report);
      io.err(`vtpm verify: ${e.message}`);
      return 1;
    }
    const again = await verifier.verify(instance, evidence);
    if (!args.json) {
      io.out(formatReport(first.report, { instance, full: args.full }).trimEnd());
      for (const l of acceptedLines(first.baseline, after)) io.out(l);
      io.out(`accepted by ${by}: ${reason}`);
      io.out('after accepting:');
    }
    print(again.report);
    return again.report.verdict === 'trusted' ? 0 : 1;
  } catch (e) {
    if (e instanceof BaselineError || e instanceof AttestationError) {
      io.err(`vtpm verify: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
