/**
 * CPU time, which these noisy machines spread less than wall time: this process's (every
 * thread's) and, on Linux, another process's such as the Temporal dev server it started.
 */
import { readFileSync } from 'node:fs';

/** CPU milliseconds used so far by `pid` (user + system), or null where /proc cannot say. */
export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces, start at state (field 3).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Linux's USER_HZ, which /proc reports times in; 100 on every mainstream architecture. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU milliseconds per call of `work`, here and in `otherPid`, while it runs. */
export async function measureCpu<T>(otherPid: number | undefined, work: () => Promise<T>) {
  const ownBefore = process.cpuUsage();
  const otherBefore = processCpuMs(otherPid);
  const result = await work();
  const own = process.cpuUsage(ownBefore);
  const otherAfter = processCpuMs(otherPid);
  return {
    result,
    ownMs: (own.user + own.system) / 1000,
    otherMs: otherBefore === null || otherAfter === null ? null : otherAfter - otherBefore,
  };
}
