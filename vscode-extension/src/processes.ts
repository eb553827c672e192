// Listing the processes one may attach to, from /proc, for the dapproc.pickProcess picker.
// Plain Node code (no vscode import) so it is unit-tested without VS Code.

import * as fs from 'fs';
import * as path from 'path';

/** ProcessInfo describes one running process. */
export interface ProcessInfo {
  /** The process id (the thread group id). */
  pid: number;
  /** The command name from /proc/PID/comm (at most 15 bytes, as the kernel keeps it). */
  comm: string;
  /** The command line from /proc/PID/cmdline, one string per argument. */
  argv: string[];
  /** The real user id from /proc/PID/status. */
  uid: number;
}

/** readProcess reads one /proc entry, or returns undefined when the process has gone or is a kernel thread. */
function readProcess(procRoot: string, pid: number): ProcessInfo | undefined {
  const dir = path.join(procRoot, String(pid));
  try {
    // Kernel threads have an empty cmdline; they cannot be debugged, so they are left out.
    const argv = fs.readFileSync(path.join(dir, 'cmdline'), 'utf8').split('\0');
    if (argv.length > 0 && argv[argv.length - 1] === '') {
      argv.pop();
    }
    if (argv.length === 0) {
      return undefined;
    }
    const comm = fs.readFileSync(path.join(dir, 'comm'), 'utf8').replace(/\n$/, '');
    const status = fs.readFileSync(path.join(dir, 'status'), 'utf8');
    const uidLine = /^Uid:\s+([0-9]+)/m.exec(status);
    return { pid, comm, argv, uid: uidLine ? Number(uidLine[1]) : -1 };
  } catch {
    // The process exited between readdir and read: a normal race, not an error.
    return undefined;
  }
}

/** listProcesses returns the user-space processes under procRoot, newest (highest pid) first. */
export function listProcesses(procRoot = '/proc'): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const name of fs.readdirSync(procRoot)) {
    if (!/^[0-9]+$/.test(name)) {
      continue;
    }
    const info = readProcess(procRoot, Number(name));
    if (info !== undefined) {
      out.push(info);
    }
  }
  return out.sort((a, b) => b.pid - a.pid);
}

/** ProcessItem is a QuickPick entry for one process; pid is what the picker returns. */
export interface ProcessItem {
  label: string;
  description: string;
  detail: string;
  pid: number;
}

/**
 * processItems turns processes into QuickPick entries: the command name, then the pid, then the
 * full command line. Processes of another user come last, since attaching to them needs privileges;
 * excludePid (the extension host itself) is left out.
 */
export function processItems(processes: ProcessInfo[], ownUid: number, excludePid: number): ProcessItem[] {
  const mine = processes.filter((p) => p.pid !== excludePid && p.uid === ownUid);
  const others = processes.filter((p) => p.pid !== excludePid && p.uid !== ownUid);
  return [...mine, ...others].map((p) => ({
    label: p.comm,
    description: p.uid === ownUid ? `pid ${p.pid}` : `pid ${p.pid} (uid ${p.uid})`,
    detail: p.argv.join(' '),
    pid: p.pid,
  }));
}
