/**
 * Coalescing of the send path's per-email statements (load, claim, record).
 *
 * Each email needs three statements; issued one by one they cost a round trip each, and the two
 * writes each cost a commit (a WAL flush under synchronous_commit). With dozens of jobs in flight
 * most of that is overhead: the statements are the same with a different notice id. A coalescer
 * sends one statement for every call that arrived while the previous one was in flight or within a
 * few milliseconds (lingerMs), so under load one round trip and one commit serve many emails.
 *
 * Guarantees are unchanged: each batched statement is still one statement (atomic: all of its rows
 * commit or none do), every caller is answered only after the commit, and a failed statement
 * rejects every caller in it, exactly as if each had failed alone. Keys are unique within one
 * statement (a repeat waits for the next), because "claim the same notice twice" must stay two
 * statements, the second seeing the first.
 */

/** Options of {@link coalesce}. */
export interface CoalesceOptions<K> {
  /** the identity of a call: at most one call per id goes into one statement (default: the key) */
  id?: (key: K) => string;
  /** most keys per statement (default 200) */
  maxBatch?: number;
  /** statements of this kind in flight at once (default 2) */
  maxInFlight?: number;
  /**
   * how long the first call of a batch waits for company (default 0: the same tick only). Jobs
   * arrive one by one as earlier ones finish, so without a wait most statements carry one or two
   * keys; a few milliseconds, invisible next to an SMTP exchange, let them carry ten or more.
   */
  lingerMs?: number;
}

/**
 * Wraps a batch function (`run(keys)` answers a Map from each key's id to its result; a missing id
 * answers `undefined`) as a per-key function that coalesces concurrent calls.
 */
export function coalesce<K, R>(
  run: (keys: K[]) => Promise<Map<string, R>>,
  o: CoalesceOptions<K> = {},
): (key: K) => Promise<R | undefined> {
  const id = o.id ?? ((k: K) => String(k));
  const maxBatch = o.maxBatch ?? 200;
  const maxInFlight = o.maxInFlight ?? 2;
  const lingerMs = o.lingerMs ?? 0;
  type Call = { key: K; id: string; resolve: (r: R | undefined) => void; reject: (e: unknown) => void };
  let pending: Call[] = [];
  let inFlight = 0;
  let timer: NodeJS.Timeout | null = null;
  let immediate: NodeJS.Immediate | null = null;

  const pump = () => {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = immediate = null;
    while (pending.length && inFlight < maxInFlight) {
      const batch: Call[] = [];
      const ids = new Set<string>();
      const rest: Call[] = [];
      for (const c of pending) {
        if (batch.length < maxBatch && !ids.has(c.id)) {
          batch.push(c);
          ids.add(c.id);
        } else rest.push(c);
      }
      pending = rest;
      inFlight++;
      let answer: Promise<Map<string, R>>;
      try {
        answer = run(batch.map((c) => c.key));
      } catch (err) {
        answer = Promise.reject(err);
      }
      answer
        .then(
          (results) => {
            for (const c of batch) c.resolve(results.get(c.id));
          },
          (err: unknown) => {
            for (const c of batch) c.reject(err);
          },
        )
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  };

  return (key: K) =>
    new Promise<R | undefined>((resolve, reject) => {
      pending.push({ key, id: id(key), resolve, reject });
      if (inFlight >= maxInFlight) return; // sent when a statement finishes
      if (pending.length >= maxBatch) pump();
      // calls made within the linger (or the same tick) share the statement
      else if (!timer && !immediate) {
        if (lingerMs > 0) timer = setTimeout(pump, lingerMs);
        else immediate = setImmediate(pump);
      }
    });
}
