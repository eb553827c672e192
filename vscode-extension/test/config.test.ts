// Unit tests of configuration resolution: defaults before variable substitution, checks after.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  checkResolved,
  ConfigurationError,
  DebugConfiguration,
  fillDefaults,
  PICK_PROCESS,
  ResolveContext,
  suggestProgram,
} from '../src/config';
import { tempDir, writeFile } from './tmp';

/** context answers the program prompt with answer and records the suggestion it was shown. */
function context(answer: string | undefined, extra: Partial<ResolveContext> = {}) {
  const asked: string[] = [];
  const ctx: ResolveContext = {
    folder: '/ws',
    promptForProgram: async (s) => {
      asked.push(s);
      return answer;
    },
    ...extra,
  };
  return { ctx, asked };
}

function rejectsWith(p: Promise<unknown>, re: RegExp): Promise<void> {
  return assert.rejects(p, (err: Error) => err instanceof ConfigurationError && re.test(err.message));
}

describe('fillDefaults', function () {
  it('turns F5 without launch.json into a launch, asking for the program named after the active file', async function () {
    const { ctx, asked } = context('/ws/build/hello', { activeFile: '/ws/src/hello.c' });
    const got = await fillDefaults({}, ctx);
    assert.deepStrictEqual(asked, ['/ws/hello']);
    assert.deepStrictEqual(got, {
      type: 'dapproc',
      name: 'dapproc: Launch',
      request: 'launch',
      program: '/ws/build/hello',
      args: [],
      cwd: '${workspaceFolder}',
      env: {},
      stopOnEntry: false,
      console: 'internalConsole',
    });
  });

  it('abandons the launch when the program prompt is cancelled or left empty', async function () {
    assert.strictEqual(await fillDefaults({ request: 'launch', name: 'x' }, context(undefined).ctx), undefined);
    assert.strictEqual(await fillDefaults({ request: 'launch', program: '' }, context('  ').ctx), undefined);
  });

  it('keeps what the user wrote and does not prompt when program is set', async function () {
    const { ctx, asked } = context('/never');
    const got = await fillDefaults(
      {
        type: 'dapproc',
        request: 'launch',
        name: 'mine',
        program: '${workspaceFolder}/a.out',
        args: ['-v'],
        cwd: '/tmp',
        stopOnEntry: true,
        console: 'integratedTerminal',
      },
      ctx,
    );
    assert.deepStrictEqual(asked, []);
    assert.strictEqual(got?.name, 'mine');
    assert.deepStrictEqual(got?.args, ['-v']);
    assert.strictEqual(got?.cwd, '/tmp');
    assert.strictEqual(got?.stopOnEntry, true);
    assert.strictEqual(got?.console, 'integratedTerminal');
  });

  it('leaves cwd unset outside a workspace (the program directory is used later)', async function () {
    const got = await fillDefaults({ program: '/bin/true' }, context(undefined, { folder: undefined }).ctx);
    assert.strictEqual(got?.cwd, undefined);
  });

  it('accepts env as an object or as NAME=value strings and hands dapproc an object', async function () {
    const a = await fillDefaults({ program: '/p', env: { A: '1', B: 'x=y' } }, context(undefined).ctx);
    assert.deepStrictEqual(a?.env, { A: '1', B: 'x=y' });
    const b = await fillDefaults({ program: '/p', env: ['A=1', 'B=x=y', 'EMPTY='] }, context(undefined).ctx);
    assert.deepStrictEqual(b?.env, { A: '1', B: 'x=y', EMPTY: '' });
  });

  it('accepts sourceMap as pairs or as an object and hands dapproc pairs', async function () {
    const a = await fillDefaults({ program: '/p', sourceMap: { '/build': '/home/me/src' } }, context(undefined).ctx);
    assert.deepStrictEqual(a?.sourceMap, [['/build', '/home/me/src']]);
    const b = await fillDefaults({ program: '/p', sourceMap: [['/b', '/s']] }, context(undefined).ctx);
    assert.deepStrictEqual(b?.sourceMap, [['/b', '/s']]);
  });

  it('makes an attach without pid use the process picker', async function () {
    const got = await fillDefaults({ type: 'dapproc', request: 'attach', name: 'a' }, context(undefined).ctx);
    assert.strictEqual(got?.pid, PICK_PROCESS);
    const named = await fillDefaults({ request: 'attach', pid: 1234 }, context(undefined).ctx);
    assert.strictEqual(named?.pid, 1234);
    assert.strictEqual(named?.name, 'dapproc: Attach');
  });

  const mistakes: [string, Partial<DebugConfiguration>, RegExp][] = [
    ['an unknown request', { request: 'run', program: '/p' }, /"request" must be "launch" or "attach", got "run"/],
    ['args as one string', { program: '/p', args: '-v input' }, /"args" must be an array of strings.*got "-v input"/],
    ['a number in args', { program: '/p', args: ['-n', 3] }, /"args" must be an array of strings/],
    ['a non-string program', { program: 42 }, /"program" must be the path of an executable, got 42/],
    ['env with a number', { program: '/p', env: { N: 3 } }, /"env.N" must be a string, got 3: quote it, e.g. "N": "3"/],
    ['env entry without =', { program: '/p', env: ['JUSTNAME'] }, /"env" entry "JUSTNAME" is not of the form "NAME=value"/],
    ['env as a string', { program: '/p', env: 'A=1' }, /"env" must be an object .* or an array/],
    ['a bad console', { program: '/p', console: 'terminal' }, /"console" must be one of "internalConsole", "integratedTerminal", "externalTerminal"; got "terminal"/],
    ['stopOnEntry as a string', { program: '/p', stopOnEntry: 'yes' }, /"stopOnEntry" must be true or false/],
    ['a sourceMap triple', { program: '/p', sourceMap: [['a', 'b', 'c']] }, /"sourceMap" entry \["a","b","c"\] must be a pair/],
    ['a pid object', { request: 'attach', pid: { id: 1 } }, /"pid" must be a process id/],
  ];
  for (const [what, config, re] of mistakes) {
    it(`explains ${what}`, async function () {
      await rejectsWith(fillDefaults(config, context('/p').ctx), re);
    });
  }
});

describe('suggestProgram', function () {
  it('proposes the executable gcc would be asked to build from the active C/C++ file, else a.out', function () {
    assert.strictEqual(suggestProgram({ folder: '/ws', activeFile: '/ws/src/main.cpp' }), '/ws/main');
    assert.strictEqual(suggestProgram({ folder: '/ws', activeFile: '/ws/README.md' }), '/ws/a.out');
    assert.strictEqual(suggestProgram({ activeFile: '/tmp/t/x.c' }), '/tmp/t/x');
  });
});

describe('checkResolved', function () {
  let dir: string;
  let program: string;
  beforeEach(function () {
    dir = tempDir();
    program = writeFile(dir, 'build/app', 0o755);
  });

  function launch(extra: Partial<DebugConfiguration>): DebugConfiguration {
    return { type: 'dapproc', request: 'launch', name: 'l', args: [], ...extra };
  }

  it('makes program and cwd absolute from the workspace folder', function () {
    fs.mkdirSync(path.join(dir, 'run'));
    const got = checkResolved(launch({ program: 'build/app', cwd: 'run' }), dir);
    assert.strictEqual(got?.program, program);
    assert.strictEqual(got?.cwd, path.join(dir, 'run'));
  });

  it('defaults cwd to the program directory', function () {
    assert.strictEqual(checkResolved(launch({ program }), undefined)?.cwd, path.join(dir, 'build'));
  });

  it('says a missing program must be built first, with its absolute path', function () {
    assert.throws(
      () => checkResolved(launch({ program: 'build/nope' }), dir),
      (err: Error) =>
        err instanceof ConfigurationError &&
        err.message.startsWith(`dapproc: program ${path.join(dir, 'build/nope')} does not exist. Build it first`),
    );
  });

  it('refuses a directory, a non-executable file, and a missing cwd, saying what to do', function () {
    assert.throws(() => checkResolved(launch({ program: 'build' }), dir), /is not a regular file/);
    writeFile(dir, 'main.c', 0o644, 'int main(void) { return 0; }\n');
    assert.throws(() => checkResolved(launch({ program: 'main.c' }), dir), /is not executable: chmod \+x it/);
    assert.throws(
      () => checkResolved(launch({ program, cwd: path.join(dir, 'gone') }), dir),
      /"cwd" .*gone is not an existing directory/,
    );
  });

  it('turns a picked pid string into the number of a live process', function () {
    const got = checkResolved({ type: 'dapproc', request: 'attach', name: 'a', pid: String(process.pid) }, dir);
    assert.strictEqual(got?.pid, process.pid);
  });

  it('abandons an attach whose picker was dismissed', function () {
    assert.strictEqual(checkResolved({ type: 'dapproc', request: 'attach', name: 'a', pid: undefined }, dir), undefined);
  });

  it('refuses a pid that is not a number or names no process', function () {
    assert.throws(
      () => checkResolved({ type: 'dapproc', request: 'attach', name: 'a', pid: 'abc' }, dir),
      /"pid" must be a process id \(a positive integer\), got "abc". Use "\$\{command:pickProcess\}"/,
    );
    assert.throws(() => checkResolved({ type: 'dapproc', request: 'attach', name: 'a', pid: 0 }, dir), /positive integer/);
    // A process that has exited and been reaped leaves its pid unused.
    const child = spawnSync('true');
    assert.strictEqual(child.status, 0);
    assert.throws(
      () => checkResolved({ type: 'dapproc', request: 'attach', name: 'a', pid: child.pid }, dir),
      new RegExp(`no process has pid ${child.pid} \\(has it exited\\?\\)`),
    );
  });
});
