// Unit tests of the process list and the picker, against real processes in /proc.

import * as assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pickProcess } from '../src/pickProcess';
import { listProcesses, ProcessItem, processItems } from '../src/processes';
import { tempDir } from './tmp';

describe('listProcesses and the picker', function () {
  let child: ChildProcess;
  beforeEach(async function () {
    // A real process with a recognisable command line; spawn resolves once it is running.
    child = spawn('sleep', ['3141'], { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
  });
  afterEach(function () {
    child.kill('SIGKILL');
  });

  it('lists a running process with its pid, comm, command line and uid', function () {
    const found = listProcesses().find((p) => p.pid === child.pid);
    assert.deepStrictEqual(found, {
      pid: child.pid,
      comm: 'sleep',
      argv: ['sleep', '3141'],
      uid: process.getuid!(),
    });
  });

  it('sorts newest first and leaves out kernel threads and vanished processes', function () {
    const root = tempDir();
    const fake = (pid: number, cmdline: string, comm: string, uid: number) => {
      fs.mkdirSync(path.join(root, String(pid)));
      fs.writeFileSync(path.join(root, String(pid), 'cmdline'), cmdline);
      fs.writeFileSync(path.join(root, String(pid), 'comm'), `${comm}\n`);
      fs.writeFileSync(path.join(root, String(pid), 'status'), `Name:\t${comm}\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\n`);
    };
    fake(2, '', 'kthreadd', 0);
    fake(10, 'a.out\0x\0', 'a.out', 1000);
    fake(300, 'vim\0', 'vim', 0);
    fs.mkdirSync(path.join(root, '77')); // exited between readdir and read
    fs.mkdirSync(path.join(root, 'self'));
    assert.deepStrictEqual(
      listProcesses(root).map((p) => [p.pid, p.comm, p.argv, p.uid]),
      [
        [300, 'vim', ['vim'], 0],
        [10, 'a.out', ['a.out', 'x'], 1000],
      ],
    );
  });

  it('puts the user\'s own processes first, marks others with their uid, and hides excludePid', function () {
    const items = processItems(
      [
        { pid: 30, comm: 'root-daemon', argv: ['/sbin/d'], uid: 0 },
        { pid: 20, comm: 'app', argv: ['./app', '-v'], uid: 1000 },
        { pid: 10, comm: 'code', argv: ['code'], uid: 1000 },
      ],
      1000,
      10,
    );
    assert.deepStrictEqual(items, [
      { label: 'app', description: 'pid 20', detail: './app -v', pid: 20 },
      { label: 'root-daemon', description: 'pid 30 (uid 0)', detail: '/sbin/d', pid: 30 },
    ]);
  });

  it('returns the chosen pid as a string for ${command:pickProcess}, undefined when dismissed', async function () {
    let offered: ProcessItem[] = [];
    const chosen = await pickProcess(async (items) => {
      offered = items;
      return items.find((i) => i.detail === 'sleep 3141');
    });
    assert.strictEqual(chosen, String(child.pid));
    assert.ok(!offered.some((i) => i.pid === process.pid), 'the extension host itself is offered');
    assert.strictEqual(await pickProcess(async () => undefined), undefined);
  });
});
