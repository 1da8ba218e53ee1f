/**
 * Integrity baselines and their lifecycle, as Alibaba Cloud's trusted instances run them: the
 * baseline is recorded at an instance's first boot, each later boot is compared with it, an
 * expected difference (a kernel or initrd update, new boot parameters) is accepted by "adding
 * it to the whitelist" — the reported actual values become the new standard values — and an
 * unexpected one stays untrusted until someone investigates. The IMA runtime policy (Keylime's
 * allow-list: path → accepted digests, exclusions) has the same accept flow. Every change is
 * kept in the baseline's history: when, by whom, why, and what changed.
 *
 * A baseline is a plain JSON-serialisable record (hex strings), versioned (`version: 1`).
 */
import type { Evidence, EventDifference, VerificationReport, VerifierPolicy } from './verifier.js';
import { analyseEvidence, judgeEvidence } from './verifier.js';
import { IMA_PCR } from './ima.js';

export const BASELINE_VERSION = 1;

/** An event of a PCR as the baseline keeps it. */
export interface BaselineEvent {
  /** Event type name ('EV_IPL', 'EV_EFI_BOOT_SERVICES_APPLICATION', or '0x…'). */
  type: string;
  /** Digests by bank name ('sha1', 'sha256', 'sm3_256'), lower-case hex. */
  digests: { [bank: string]: string };
  /** Decoded from the event data (file path, variable name, application path, action). */
  description: string;
}

/** A PCR's standard values (per bank) and the events that produce them. */
export interface BaselinePcr {
  values: { [bank: string]: string };
  events: BaselineEvent[];
}

/** Runtime (IMA) policy, Keylime's shape: path → accepted file digests (hex, any algorithm), exclusions. */
export interface RuntimePolicy {
  digests: { [path: string]: string[] };
  /** Regular expressions (JavaScript syntax) of paths not checked. */
  excludes: string[];
  /** Path prefixes not checked. */
  excludePrefixes: string[];
}

/** A PCR's values before and after a change, per bank (null: absent). */
export interface PcrChange {
  pcr: number;
  values: { [bank: string]: { old: string | null; new: string | null } };
  /** The events that differ (from the report that was accepted). */
  events: EventDifference[];
}

/** An allow-list change for one path. */
export interface ImaChange {
  path: string;
  added: string[];
  removed: string[];
}

/** One entry of a baseline's history. */
export interface HistoryRecord {
  /** ISO 8601 time. */
  at: string;
  by: string;
  reason: string;
  action: 'record' | 'accept' | 'accept-ima' | 'policy';
  pcrs: PcrChange[];
  ima: ImaChange[];
  /** Runtime-policy exclusions added or removed ('policy'). */
  excludes?: { added: string[]; removed: string[] };
}

/** An instance's integrity baseline (JSON). */
export interface Baseline {
  version: 1;
  /** The instance id it was recorded for. */
  instance?: string;
  created: string;
  updated: string;
  /** SHA-256 of the AK's SubjectPublicKeyInfo at recording (see akFingerprint). */
  ak?: string;
  /** The PCR IMA extends (checked by the runtime policy, not by value). */
  imaPcr: number;
  /** Standard values and events per PCR (keys are decimal PCR numbers). */
  pcrs: { [pcr: string]: BaselinePcr };
  ima: RuntimePolicy;
  history: HistoryRecord[];
}

/** A baseline operation that cannot be done (nothing attested, a stale report, a malformed record). */
export class BaselineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaselineError';
  }
}

// ---------------------------------------------------------------------------------------------
// Validation

const HEX = /^[0-9a-f]*$/;

/**
 * Checks that a value is a baseline of a known version (from JSON text or a parsed object) and
 * returns it. BaselineError names `where` (a file, a store key) and the first problem.
 */
export function parseBaseline(input: unknown, where = 'baseline'): Baseline {
  let v: unknown = input;
  if (typeof input === 'string') {
    try {
      v = JSON.parse(input);
    } catch (e) {
      throw new BaselineError(`${where}: not valid JSON: ${(e as Error).message}`);
    }
  }
  const bad = (msg: string): never => {
    throw new BaselineError(`${where}: ${msg}`);
  };
  const obj = (x: unknown, what: string): Record<string, unknown> => {
    if (!x || typeof x !== 'object' || Array.isArray(x)) bad(`${what} is not an object`);
    return x as Record<string, unknown>;
  };
  const str = (x: unknown, what: string) => {
    if (typeof x !== 'string') bad(`${what} is not a string`);
    return x as string;
  };
  const hexStr = (x: unknown, what: string) => {
    const s = str(x, what);
    if (!HEX.test(s) || s.length % 2) bad(`${what} is not lower-case hex`);
    return s;
  };
  const strList = (x: unknown, what: string) => {
    if (!Array.isArray(x)) bad(`${what} is not a list`);
    (x as unknown[]).forEach((s, i) => str(s, `${what}[${i}]`));
    return x as string[];
  };
  const b = obj(v, 'the record');
  if (b.version !== BASELINE_VERSION) bad(`version ${JSON.stringify(b.version)} is not ${BASELINE_VERSION} (a newer vtpm wrote it?)`);
  str(b.created, 'created');
  str(b.updated, 'updated');
  if (b.instance !== undefined) str(b.instance, 'instance');
  if (b.ak !== undefined) hexStr(b.ak, 'ak');
  if (typeof b.imaPcr !== 'number' || !Number.isInteger(b.imaPcr) || b.imaPcr < 0 || b.imaPcr > 31) bad('imaPcr is not a PCR number');
  for (const [k, p] of Object.entries(obj(b.pcrs, 'pcrs'))) {
    if (!/^\d+$/.test(k) || Number(k) > 255) bad(`pcrs has a key "${k}" that is not a PCR number`);
    const e = obj(p, `pcrs[${k}]`);
    for (const [bank, val] of Object.entries(obj(e.values, `pcrs[${k}].values`))) hexStr(val, `pcrs[${k}].values.${bank}`);
    if (!Array.isArray(e.events)) bad(`pcrs[${k}].events is not a list`);
    (e.events as unknown[]).forEach((ev, i) => {
      const x = obj(ev, `pcrs[${k}].events[${i}]`);
      str(x.type, `pcrs[${k}].events[${i}].type`);
      str(x.description, `pcrs[${k}].events[${i}].description`);
      for (const [bank, d] of Object.entries(obj(x.digests, `pcrs[${k}].events[${i}].digests`))) hexStr(d, `pcrs[${k}].events[${i}].digests.${bank}`);
    });
  }
  const ima = obj(b.ima, 'ima');
  for (const [path, list] of Object.entries(obj(ima.digests, 'ima.digests'))) strList(list, `ima.digests[${JSON.stringify(path)}]`).forEach((d, i) => hexStr(d, `ima.digests[${JSON.stringify(path)}][${i}]`));
  strList(ima.excludes, 'ima.excludes');
  strList(ima.excludePrefixes, 'ima.excludePrefixes');
  if (!Array.isArray(b.history)) bad('history is not a list');
  (b.history as unknown[]).forEach((h, i) => {
    const x = obj(h, `history[${i}]`);
    str(x.at, `history[${i}].at`);
    str(x.by, `history[${i}].by`);
    str(x.reason, `history[${i}].reason`);
    str(x.action, `history[${i}].action`);
  });
  return b as unknown as Baseline;
}

/** A deep copy (baselines are JSON). */
export function cloneBaseline(b: Baseline): Baseline {
  return JSON.parse(JSON.stringify(b)) as Baseline;
}

// ---------------------------------------------------------------------------------------------
// Recording

export interface ActorOptions {
  /** Who (a user, a service). */
  by: string;
  /** Why (a ticket, "kernel 6.8.0-47 update"). */
  reason: string;
  /** When (default now). */
  at?: Date | string;
}

export interface RecordOptions extends Partial<ActorOptions> {
  instance?: string;
  /** Seed the IMA allow-list with the attested entries of this boot (default true). */
  seedIma?: boolean;
  /** A runtime policy to start from (merged with the seeded digests). */
  ima?: Partial<RuntimePolicy>;
  /** Verification policy when `source` is evidence. */
  policy?: VerifierPolicy;
}

const iso = (at: Date | string | undefined) => (at === undefined ? new Date().toISOString() : typeof at === 'string' ? at : at.toISOString());

function requireActor(o: Partial<ActorOptions>, what: string): void {
  if (typeof o.by !== 'string' || o.by.trim() === '') throw new TypeError(`${what}: 'by' (who) is required`);
  if (typeof o.reason !== 'string' || o.reason.trim() === '') throw new TypeError(`${what}: 'reason' is required`);
}

function isReport(x: unknown): x is VerificationReport {
  return !!x && typeof x === 'object' && 'verdict' in x && 'pcrs' in x && 'quote' in x;
}

/** What keeps a report from being recorded or accepted (empty when nothing). */
function unattested(report: VerificationReport): string[] {
  const out: string[] = [];
  if (!report.quote.ok) out.push(`the quote did not verify (${report.quote.failures.map((f) => f.message).join('; ')})`);
  const mismatched = report.pcrs.filter((p) => p.reasons.includes('log-mismatch')).map((p) => p.pcr);
  if (mismatched.length) out.push(`the logs do not explain PCR ${mismatched.join(', ')}`);
  if (report.logs.eventLog !== 'ok' && report.logs.eventLog !== 'absent') out.push(`the event log is unreadable (${report.logs.eventLog.error})`);
  if (report.logs.ima !== 'ok' && report.logs.ima !== 'absent') out.push(`the IMA list is unreadable (${report.logs.ima.error})`);
  return out;
}

/**
 * The baseline of a first boot, from its verification report (or its evidence, verified here
 * without a baseline): per quoted PCR the attested values of every quoted bank and the events
 * of the log, the IMA PCR excepted; the IMA allow-list seeded from the attested entries (unless
 * seedIma is false); the AK's fingerprint; a 'record' history entry. BaselineError when the
 * evidence does not attest its values (a quote that fails, logs that do not explain it).
 */
export function recordBaseline(source: VerificationReport | Evidence, options: RecordOptions = {}): Baseline {
  const report = isReport(source) ? source : judgeEvidence(analyseEvidence(source, options.policy ?? {}, options.policy?.imaPcr ?? IMA_PCR));
  const blockers = unattested(report);
  if (blockers.length) throw new BaselineError(`cannot record a baseline: ${blockers.join('; ')}`);
  const at = iso(options.at);
  const pcrs: Baseline['pcrs'] = {};
  const changes: PcrChange[] = [];
  for (const p of report.pcrs) {
    if (p.pcr === report.imaPcr || p.reasons.includes('not-quoted')) continue;
    const values: { [bank: string]: string } = {};
    for (const [bank, b] of Object.entries(p.banks)) if (b.actual !== undefined) values[bank] = b.actual;
    pcrs[p.pcr] = { values, events: (report.measured[p.pcr] ?? []).map((e) => ({ ...e, digests: { ...e.digests } })) };
    changes.push({ pcr: p.pcr, values: Object.fromEntries(Object.entries(values).map(([bank, v]) => [bank, { old: null, new: v }])), events: [] });
  }
  const ima: RuntimePolicy = {
    digests: Object.fromEntries(Object.entries(options.ima?.digests ?? {}).map(([k, v]) => [k, [...v]])),
    excludes: [...(options.ima?.excludes ?? [])],
    excludePrefixes: [...(options.ima?.excludePrefixes ?? [])],
  };
  const imaChanges: ImaChange[] = [];
  if ((options.seedIma ?? true) && report.ima) {
    for (const r of report.ima.checked) {
      if (r.status !== 'ok' && r.status !== 'unknown' && r.status !== 'changed') continue;
      if (r.path === 'boot_aggregate') continue;
      addDigest(ima, r.path, r.digest, imaChanges);
    }
  }
  for (const r of ima.excludes) validRegex(r);
  return {
    version: 1,
    ...(options.instance !== undefined ? { instance: options.instance } : {}),
    created: at,
    updated: at,
    ak: report.quote.ak,
    imaPcr: report.imaPcr,
    pcrs,
    ima,
    history: [{ at, by: options.by ?? 'vtpm', reason: options.reason ?? 'first boot', action: 'record', pcrs: changes, ima: imaChanges }],
  };
}

function addDigest(ima: RuntimePolicy, path: string, digest: string, changes: ImaChange[]): void {
  const list = (ima.digests[path] ??= []);
  if (list.includes(digest)) return;
  list.push(digest);
  let c = changes.find((x) => x.path === path);
  if (!c) changes.push((c = { path, added: [], removed: [] }));
  c.added.push(digest);
}

function validRegex(r: string): void {
  try {
    new RegExp(r);
  } catch (e) {
    throw new BaselineError(`IMA exclude ${JSON.stringify(r)} is not a valid regular expression: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Accepting differences

export interface AcceptOptions extends ActorOptions {
  /** Only these PCRs (default: every PCR whose difference can be accepted). */
  pcrs?: readonly number[];
}

/**
 * "Add to the whitelist": the report's attested values and events become the baseline's for
 * the PCRs that changed, are not in it, or (not quoted) are dropped from it; a history record
 * {at, by, reason, what changed} is appended. Returns a new baseline (the input is not
 * modified), the same object when nothing differed. BaselineError when the report's values
 * are not attested (quote failure; a PCR its logs do not explain, when asked for), or when it
 * was made against another version of the baseline.
 */
export function acceptDifference(baseline: Baseline, report: VerificationReport, options: AcceptOptions): Baseline {
  requireActor(options, 'acceptDifference');
  if (!report.quote.ok) throw new BaselineError(`cannot accept: the quote did not verify (${report.quote.failures.map((f) => f.message).join('; ')})`);
  const only = options.pcrs ? new Set(options.pcrs) : undefined;
  const next = cloneBaseline(baseline);
  const changes: PcrChange[] = [];
  for (const p of report.pcrs) {
    if (only && !only.has(p.pcr)) continue;
    if (p.pcr === report.imaPcr) continue;
    const acceptable = p.reasons.includes('changed') || p.reasons.includes('not-in-baseline') || p.reasons.includes('not-quoted');
    if (p.reasons.includes('log-mismatch')) {
      if (only) throw new BaselineError(`cannot accept PCR ${p.pcr}: the logs do not explain its quoted value`);
      continue;
    }
    if (!acceptable) continue;
    const cur = baseline.pcrs[String(p.pcr)];
    for (const [bank, b] of Object.entries(p.banks)) {
      if ((b.expected ?? null) !== (cur?.values[bank] ?? null)) throw new BaselineError(`cannot accept PCR ${p.pcr}: the report was made against another version of the baseline (verify again)`);
    }
    if (p.reasons.includes('not-quoted')) {
      delete next.pcrs[String(p.pcr)];
      changes.push({ pcr: p.pcr, values: Object.fromEntries(Object.entries(cur?.values ?? {}).map(([bank, v]) => [bank, { old: v, new: null }])), events: [] });
      continue;
    }
    const values: { [bank: string]: string } = { ...(cur?.values ?? {}) };
    const diff: PcrChange['values'] = {};
    for (const [bank, b] of Object.entries(p.banks)) {
      if (b.actual === undefined) throw new BaselineError(`cannot accept PCR ${p.pcr}: its ${bank} value is not attested`);
      if (values[bank] !== b.actual) diff[bank] = { old: values[bank] ?? null, new: b.actual };
      values[bank] = b.actual;
    }
    next.pcrs[String(p.pcr)] = { values, events: (report.measured[p.pcr] ?? []).map((e) => ({ ...e, digests: { ...e.digests } })) };
    changes.push({ pcr: p.pcr, values: diff, events: p.events.map((e) => ({ ...e })) });
  }
  if (only) {
    for (const pcr of only) if (!report.pcrs.some((p) => p.pcr === pcr)) throw new BaselineError(`cannot accept PCR ${pcr}: the report has no such PCR`);
  }
  if (changes.length === 0) return baseline;
  const at = iso(options.at);
  next.updated = at;
  next.history.push({ at, by: options.by, reason: options.reason, action: 'accept', pcrs: changes, ima: [] });
  return next;
}

export interface AcceptImaOptions extends ActorOptions {
  /** Only these paths (default: every unknown or changed attested file). */
  paths?: readonly string[];
  /** Replace a path's accepted digests by the reported one (default: add it). */
  replace?: boolean;
}

/**
 * Adds the digests of the report's unknown and changed IMA entries to the runtime allow-list,
 * with a history record. Returns a new baseline (the same object when nothing was added).
 * BaselineError when the IMA list is not attested by the quote.
 */
export function acceptImaEntries(baseline: Baseline, report: VerificationReport, options: AcceptImaOptions): Baseline {
  requireActor(options, 'acceptImaEntries');
  if (!report.quote.ok) throw new BaselineError(`cannot accept IMA entries: the quote did not verify (${report.quote.failures.map((f) => f.message).join('; ')})`);
  const pcr = report.pcrs.find((p) => p.pcr === report.imaPcr);
  if (!report.ima || !pcr) throw new BaselineError(`cannot accept IMA entries: the quote does not cover PCR ${report.imaPcr}`);
  if (pcr.reasons.includes('log-mismatch')) throw new BaselineError(`cannot accept IMA entries: the IMA list does not explain the quoted PCR ${report.imaPcr}`);
  const only = options.paths ? new Set(options.paths) : undefined;
  const next = cloneBaseline(baseline);
  const changes: ImaChange[] = [];
  for (const r of report.ima.problems) {
    if (r.status !== 'unknown' && r.status !== 'changed') continue;
    if (r.path === 'boot_aggregate') continue;
    if (only && !only.has(r.path)) continue;
    if (options.replace && next.ima.digests[r.path] && !changes.some((c) => c.path === r.path)) {
      const removed = next.ima.digests[r.path].filter((d) => d !== r.digest);
      next.ima.digests[r.path] = [];
      if (removed.length) changes.push({ path: r.path, added: [], removed });
    }
    addDigest(next.ima, r.path, r.digest, changes);
  }
  if (only) for (const path of only) if (!report.ima.problems.some((r) => r.path === path)) throw new BaselineError(`cannot accept ${path}: the report lists no problem for it`);
  if (changes.length === 0) return baseline;
  const at = iso(options.at);
  next.updated = at;
  next.history.push({ at, by: options.by, reason: options.reason, action: 'accept-ima', pcrs: [], ima: changes });
  return next;
}

export interface RuntimePolicyChange {
  /** Digests to allow, by path. */
  allow?: { [path: string]: readonly string[] };
  /** Digests to withdraw, by path (an empty list withdraws the path). */
  revoke?: { [path: string]: readonly string[] };
  excludes?: { add?: readonly string[]; remove?: readonly string[] };
  excludePrefixes?: { add?: readonly string[]; remove?: readonly string[] };
}

/** Edits the runtime policy directly (e.g. from a package manifest), with a 'policy' history record. */
export function updateRuntimePolicy(baseline: Baseline, change: RuntimePolicyChange, options: ActorOptions): Baseline {
  requireActor(options, 'updateRuntimePolicy');
  const next = cloneBaseline(baseline);
  const changes: ImaChange[] = [];
  for (const [path, list] of Object.entries(change.allow ?? {})) {
    for (const d of list) {
      const digest = d.toLowerCase();
      if (!HEX.test(digest) || digest.length % 2 || digest.length < 40) throw new BaselineError(`allow ${path}: "${d}" is not a hex digest`);
      addDigest(next.ima, path, digest, changes);
    }
  }
  for (const [path, list] of Object.entries(change.revoke ?? {})) {
    const cur = next.ima.digests[path];
    if (!cur) continue;
    const drop = list.length === 0 ? cur : cur.filter((d) => list.map((x) => x.toLowerCase()).includes(d));
    if (drop.length === 0) continue;
    const rest = cur.filter((d) => !drop.includes(d));
    if (rest.length) next.ima.digests[path] = rest;
    else delete next.ima.digests[path];
    changes.push({ path, added: [], removed: drop });
  }
  const edit = (list: string[], add: readonly string[] = [], remove: readonly string[] = [], regex = false) => {
    const added = add.filter((x) => !list.includes(x));
    if (regex) added.forEach(validRegex);
    const removed = remove.filter((x) => list.includes(x));
    const out = [...list.filter((x) => !removed.includes(x)), ...added];
    return { out, added, removed };
  };
  const ex = edit(next.ima.excludes, change.excludes?.add, change.excludes?.remove, true);
  const pre = edit(next.ima.excludePrefixes, change.excludePrefixes?.add, change.excludePrefixes?.remove);
  next.ima.excludes = ex.out;
  next.ima.excludePrefixes = pre.out;
  const exAdded = [...ex.added, ...pre.added.map((p) => `prefix:${p}`)];
  const exRemoved = [...ex.removed, ...pre.removed.map((p) => `prefix:${p}`)];
  if (changes.length === 0 && exAdded.length === 0 && exRemoved.length === 0) return baseline;
  const at = iso(options.at);
  next.updated = at;
  next.history.push({ at, by: options.by, reason: options.reason, action: 'policy', pcrs: [], ima: changes, ...(exAdded.length || exRemoved.length ? { excludes: { added: exAdded, removed: exRemoved } } : {}) });
  return next;
}
