/**
 * CPU time, which these noisy machines spread less than wall time: this process's (every
 * thread's) and, on Linux, other processes' (the Temporal dev server, PostgreSQL) and the
 * whole machine's. Readers return null where /proc cannot say.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ, which /proc reports times in; 100 on every mainstream architecture. */
const CLOCK_TICKS_PER_SECOND = 100;
const ticksToMs = (ticks: number) => (ticks * 1000) / CLOCK_TICKS_PER_SECOND;

function readStat(pid: number | string): { command: string; ms: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces, start at state (field 3).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      ms: ticksToMs(Number(fields[11]) + Number(fields[12])),
    };
  } catch {
    return null;
  }
}

/** CPU milliseconds used so far by `pid` (user + system). */
export function processCpuMs(pid: number | undefined): number | null {
  return pid === undefined ? null : (readStat(pid)?.ms ?? null);
}

/**
 * CPU milliseconds used so far by every process named `command`: PostgreSQL runs a process
 * per connection. Processes that exit between two readings take their time with them.
 */
export function processesCpuMs(command: string): number | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  let total = 0;
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat?.command === command) total += stat.ms;
  }
  return total;
}

/** /proc/stat's user, nice, system, irq, softirq and steal: all but idle and iowait. */
const BUSY_FIELDS = [0, 1, 2, 5, 6, 7];

/** CPU milliseconds every core has spent busy since boot. */
export function machineCpuMs(): number | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const fields = cpu.trim().split(/\s+/).slice(1).map(Number);
    const busy = BUSY_FIELDS.reduce((sum, i) => sum + (fields[i] ?? Number.NaN), 0);
    return Number.isFinite(busy) ? ticksToMs(busy) : null;
  } catch {
    return null;
  }
}

export type CpuReaders<K extends string> = Record<K, () => number | null>;

/** CPU milliseconds while `work` runs: this process's, and each reader's (null if unknown). */
export async function measureCpu<T, K extends string>(
  readers: CpuReaders<K>,
  work: () => Promise<T>,
) {
  const names = Object.keys(readers) as K[];
  const read = () => names.map((name) => readers[name]());
  const ownBefore = process.cpuUsage();
  const before = read();
  const result = await work();
  const own = process.cpuUsage(ownBefore);
  const after = read();
  const others = {} as Record<K, number | null>;
  names.forEach((name, i) => {
    const [start, end] = [before[i], after[i]];
    others[name] = start == null || end == null ? null : end - start;
  });
  return { result, ownMs: (own.user + own.system) / 1000, others };
}
