/**
 * Copy of state records for the per-command draft: plain objects, arrays and Maps are copied;
 * objects that know how to copy themselves (hash contexts) are cloned. Octet strings are shared:
 * state never changes a Uint8Array in place, it replaces it (PCR extend makes a new value), so
 * sharing them is safe and keeps a PCR_Extend draft cheap. Frozen records are shared too.
 */
interface Cloneable {
  clone(): unknown;
}

export function cloneState<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Uint8Array) return v;
  // Frozen records (objects) are never changed in place: share them.
  if (Object.isFrozen(v)) return v;
  if (Array.isArray(v)) return v.map(cloneState) as T;
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, cloneState(x)])) as T;
  if (typeof (v as unknown as Cloneable).clone === 'function') return (v as unknown as Cloneable).clone() as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = cloneState((v as Record<string, unknown>)[k]);
  return out as T;
}
