/**
 * Where baselines live, and the verification service on top: a BaselineStore keeps one baseline
 * (with its history) per instance id; createVerifier() verifies an instance's boots against its
 * stored baseline, records it at first boot, and applies accepted differences. The in-memory
 * store is here; vtpm/node has fileBaselineStore(dir) (one JSON file per instance, atomic writes).
 */
import {
  acceptDifference,
  acceptImaEntries,
  BaselineError,
  cloneBaseline,
  parseBaseline,
  recordBaseline,
  updateRuntimePolicy,
  type AcceptImaOptions,
  type AcceptOptions,
  type ActorOptions,
  type Baseline,
  type HistoryRecord,
  type RecordOptions,
  type RuntimePolicyChange,
} from './baseline.js';
import { IMA_PCR } from './ima.js';
import { analyseEvidence, judgeEvidence, type Evidence, type VerificationReport, type VerifierPolicy } from './verifier.js';

/** Baselines by instance id. Implementations serialise operations on one id. */
export interface BaselineStore {
  /** The instance's baseline (a copy), or undefined. */
  get(instance: string): Promise<Baseline | undefined>;
  /** Stores (replaces) the instance's baseline. */
  put(instance: string, baseline: Baseline): Promise<void>;
  /** Instance ids with a baseline, sorted. */
  list(): Promise<string[]>;
  /** Removes the instance's baseline; whether there was one. */
  delete(instance: string): Promise<boolean>;
  /**
   * Read-modify-write under the instance's lock: `fn` gets the current baseline (a copy) and
   * returns the new one; returning the same object or undefined writes nothing. Resolves with
   * the baseline now stored.
   */
  update(instance: string, fn: (current: Baseline | undefined) => Baseline | undefined | Promise<Baseline | undefined>): Promise<Baseline | undefined>;
}

/** Instance ids: non-empty, at most 200 characters, no control characters. */
export function checkInstanceId(instance: string): void {
  if (typeof instance !== 'string' || instance.length === 0) throw new TypeError('instance id: expected a non-empty string');
  if (instance.length > 200) throw new TypeError(`instance id: at most 200 characters (got ${instance.length})`);
  if (/[\u0000-\u001f\u007f]/.test(instance)) throw new TypeError('instance id: no control characters');
}

/** Runs tasks one after the other per key (a failed task does not block the next). */
export function keyedQueue(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const prev = tails.get(key) ?? Promise.resolve();
    const run = prev.then(task, task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

/** A store in memory (for tests, and for callers that persist elsewhere). Values are copied in and out. */
export function memoryBaselineStore(): BaselineStore {
  const data = new Map<string, string>();
  const serial = keyedQueue();
  const read = (id: string) => {
    const s = data.get(id);
    return s === undefined ? undefined : (JSON.parse(s) as Baseline);
  };
  const write = (id: string, b: Baseline) => data.set(id, JSON.stringify(parseBaseline(cloneBaseline(b), `baseline of ${id}`)));
  return {
    get: (id) => (checkInstanceId(id), serial(id, async () => read(id))),
    put: (id, b) => (checkInstanceId(id), serial(id, async () => void write(id, b))),
    list: async () => [...data.keys()].sort(),
    delete: (id) => (checkInstanceId(id), serial(id, async () => data.delete(id))),
    update: (id, fn) => {
      checkInstanceId(id);
      return serial(id, async () => {
        const cur = read(id);
        const next = await fn(cur);
        if (next === undefined || next === cur) return cur;
        write(id, next);
        return read(id);
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The service

export interface InstanceVerification {
  report: VerificationReport;
  /** The baseline the report was judged against (the new one when recorded). */
  baseline?: Baseline;
  /** The baseline was recorded from this boot (first boot with recordIfNew). */
  recorded: boolean;
}

export interface VerifyInstanceOptions {
  /** First boot (no baseline yet): record this boot as the baseline when its values are attested, then judge against it. */
  recordIfNew?: boolean;
  /** Overrides the verifier's policy for this call. */
  policy?: VerifierPolicy;
  /** The history record of a recording. */
  record?: Omit<RecordOptions, 'instance' | 'policy'>;
}

export interface Verifier {
  readonly store: BaselineStore;
  /** Verifies a boot against the instance's baseline (optionally recording it at first boot). */
  verify(instance: string, evidence: Evidence, options?: VerifyInstanceOptions): Promise<InstanceVerification>;
  /** Records a baseline from evidence or a report; BaselineError if the instance has one and `replace` is not set. */
  record(instance: string, source: Evidence | VerificationReport, options?: Omit<RecordOptions, 'instance'> & { replace?: boolean }): Promise<Baseline>;
  /** acceptDifference on the stored baseline. */
  accept(instance: string, report: VerificationReport, options: AcceptOptions): Promise<Baseline>;
  /** acceptImaEntries on the stored baseline. */
  acceptIma(instance: string, report: VerificationReport, options: AcceptImaOptions): Promise<Baseline>;
  /** updateRuntimePolicy on the stored baseline. */
  updatePolicy(instance: string, change: RuntimePolicyChange, options: ActorOptions): Promise<Baseline>;
  baseline(instance: string): Promise<Baseline | undefined>;
  history(instance: string): Promise<HistoryRecord[]>;
}

export interface VerifierOptions {
  store?: BaselineStore;
  policy?: VerifierPolicy;
}

/**
 * The verification service: baselines in `store` (default in memory), evidence checked with
 * verifyEvidence, the first boot recorded on request, differences accepted with history.
 */
export function createVerifier(options: VerifierOptions = {}): Verifier {
  const store = options.store ?? memoryBaselineStore();
  const basePolicy = options.policy ?? {};
  const needBaseline = (b: Baseline | undefined, instance: string): Baseline => {
    if (!b) throw new BaselineError(`instance ${instance} has no baseline`);
    return b;
  };
  return {
    store,
    async verify(instance, evidence, o = {}) {
      const policy = { ...basePolicy, ...(o.policy ?? {}) };
      if (!o.recordIfNew) {
        const baseline = await store.get(instance);
        const a = analyseEvidence(evidence, policy, policy.imaPcr ?? baseline?.imaPcr ?? IMA_PCR);
        return { report: judgeEvidence(a, baseline), baseline, recorded: false };
      }
      let result: InstanceVerification | undefined;
      await store.update(instance, (cur) => {
        const a = analyseEvidence(evidence, policy, policy.imaPcr ?? cur?.imaPcr ?? IMA_PCR);
        if (cur) {
          result = { report: judgeEvidence(a, cur), baseline: cur, recorded: false };
          return cur;
        }
        const first = judgeEvidence(a);
        let baseline: Baseline;
        try {
          baseline = recordBaseline(first, { ...(o.record ?? {}), instance });
        } catch (e) {
          if (!(e instanceof BaselineError)) throw e;
          result = { report: first, recorded: false };
          return undefined;
        }
        result = { report: judgeEvidence(a, baseline), baseline, recorded: true };
        return baseline;
      });
      return result!;
    },
    async record(instance, source, o = {}) {
      const { replace, ...rest } = o;
      const out = await store.update(instance, (cur) => {
        if (cur && !replace) throw new BaselineError(`instance ${instance} already has a baseline (accept differences instead, or replace it)`);
        const b = recordBaseline(source, { policy: basePolicy, ...rest, instance });
        if (cur) b.history = [...cur.history, ...b.history];
        return b;
      });
      return out!;
    },
    async accept(instance, report, o) {
      return (await store.update(instance, (cur) => acceptDifference(needBaseline(cur, instance), report, o)))!;
    },
    async acceptIma(instance, report, o) {
      return (await store.update(instance, (cur) => acceptImaEntries(needBaseline(cur, instance), report, o)))!;
    },
    async updatePolicy(instance, change, o) {
      return (await store.update(instance, (cur) => updateRuntimePolicy(needBaseline(cur, instance), change, o)))!;
    },
    baseline: (instance) => store.get(instance),
    async history(instance) {
      return (await store.get(instance))?.history ?? [];
    },
  };
}
