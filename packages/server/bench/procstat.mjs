/**
 * What the kernel says a process used: CPU time (/proc/<pid>/stat) and resident memory
 * (/proc/<pid>/status). Read from outside, so measuring costs the measured process nothing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second, the unit of /proc's CPU times (100 on Linux, but asked rather than assumed). */
export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * utime + stime of a process so far, in clock ticks: fields 14 and 15 of /proc/<pid>/stat, counted
 * after the ")" that closes the command name (which may itself hold spaces).
 * @param {number} pid
 */
export function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Resident set size (VmRSS) in MB.
 * @param {number} pid
 */
export function rssMb(pid) {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb[1]) / 1024;
}

/**
 * CPU time the whole machine spent busy so far (every core: user, nice, system, irq, softirq, steal),
 * in clock ticks: the first line of /proc/stat. Less what the measured processes used, it is the rest
 * of the machine: PostgreSQL, HAProxy, and whatever else shares the cores.
 */
export function machineBusyTicks() {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n', 1)[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return user + nice + system + irq + softirq + steal;
}

/** @param {number} ticks */
export const ticksToMs = (ticks) => (ticks * 1000) / CLOCK_TICKS;
