/**
 * Deep copy of state records: plain objects, arrays, Uint8Array, Map, and objects that know
 * how to copy themselves (hash contexts). Used for the per-command draft.
 */
interface Cloneable {
  clone(): unknown;
}

export function cloneState<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Uint8Array) return v.slice() as T;
  if (Array.isArray(v)) return v.map(cloneState) as T;
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, cloneState(x)])) as T;
  if (typeof (v as unknown as Cloneable).clone === 'function') return (v as unknown as Cloneable).clone() as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = cloneState((v as Record<string, unknown>)[k]);
  return out as T;
}
