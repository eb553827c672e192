// Tests of activate() with a stubbed vscode module: what gets registered, and that the
// registered pieces read the real settings names and call the real window functions.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir, writeFile } from './tmp';
import { loadWithVscode } from './vscodeStub';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8'));

class Executable {
  constructor(
    public command: string,
    public args: string[],
  ) {}
}
class Server {
  constructor(
    public port: number,
    public host?: string,
  ) {}
}
class Pipe {
  constructor(public path: string) {}
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function makeStub() {
  const calls = {
    providers: new Map<string, any>(),
    factories: new Map<string, any>(),
    commands: new Map<string, (...args: any[]) => any>(),
    errors: [] as string[],
    inputBoxes: [] as any[],
    quickPicks: [] as any[][],
    configReads: [] as [string, unknown][],
  };
  let settings: Record<string, unknown> = {};
  let inputAnswer: string | undefined;
  let pick: (items: any[]) => any = () => undefined;
  const disposable = { dispose() {} };
  const stub = {
    DebugAdapterExecutable: Executable,
    DebugAdapterServer: Server,
    DebugAdapterNamedPipeServer: Pipe,
    debug: {
      registerDebugConfigurationProvider: (type: string, p: any) => (calls.providers.set(type, p), disposable),
      registerDebugAdapterDescriptorFactory: (type: string, f: any) => (calls.factories.set(type, f), disposable),
    },
    commands: {
      registerCommand: (id: string, fn: any) => (calls.commands.set(id, fn), disposable),
    },
    window: {
      activeTextEditor: { document: { uri: { fsPath: '/ws/src/prog.c' } } },
      showErrorMessage: async (m: string) => void calls.errors.push(m),
      showInputBox: async (o: any) => (calls.inputBoxes.push(o), inputAnswer),
      showQuickPick: async (items: any[]) => (calls.quickPicks.push(items), pick(items)),
    },
    workspace: {
      getConfiguration: (section: string, scope: unknown) => {
        calls.configReads.push([section, scope]);
        return { get: (key: string) => settings[key] };
      },
    },
  };
  return {
    stub,
    calls,
    setSettings: (s: Record<string, unknown>) => (settings = s),
    setInputAnswer: (a: string | undefined) => (inputAnswer = a),
    setPick: (p: (items: any[]) => any) => (pick = p),
  };
}

function activate(stub: object) {
  const ext = loadWithVscode<{ activate(ctx: any): void }>('../src/extension', stub);
  const context = { subscriptions: [] as unknown[] };
  ext.activate(context);
  return context;
}

describe('activate (with a stubbed vscode)', function () {
  it('registers the provider, the factory and every contributed command, and disposes of them', function () {
    const s = makeStub();
    const context = activate(s.stub);
    assert.deepStrictEqual([...s.calls.providers.keys()], ['dapproc']);
    assert.deepStrictEqual([...s.calls.factories.keys()], ['dapproc']);
    const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command);
    assert.deepStrictEqual([...s.calls.commands.keys()].sort(), contributed.sort());
    for (const command of Object.values(manifest.contributes.debuggers[0].variables)) {
      assert.ok(s.calls.commands.has(command as string), `variable command ${command} is not registered`);
    }
    assert.strictEqual(context.subscriptions.length, 3);
  });

  it('builds the adapter from the dapproc.* settings of the session folder', function () {
    const s = makeStub();
    activate(s.stub);
    const factory = s.calls.factories.get('dapproc');
    const folder = { uri: { fsPath: '/ws' }, name: 'ws', index: 0 };
    const session = { configuration: { type: 'dapproc' }, workspaceFolder: folder };

    s.setSettings({ server: '127.0.0.1:4711' });
    const server = factory.createDebugAdapterDescriptor(session);
    assert.ok(server instanceof Server);
    assert.strictEqual(server.port, 4711);
    assert.deepStrictEqual(s.calls.configReads[0], ['dapproc', folder]);

    const exe = writeFile(tempDir(), 'dapproc', 0o755);
    s.setSettings({ executable: exe, args: ['--log', 'debug'], server: '' });
    const executable = factory.createDebugAdapterDescriptor(session);
    assert.ok(executable instanceof Executable);
    assert.strictEqual(executable.command, exe);
    assert.deepStrictEqual(executable.args, ['--log', 'debug']);
  });

  it('asks for a missing program with an input box proposing the active file\'s executable', async function () {
    const s = makeStub();
    activate(s.stub);
    s.setInputAnswer('/ws/prog');
    const provider = s.calls.providers.get('dapproc');
    const folder = { uri: { fsPath: '/ws' }, name: 'ws', index: 0 };
    const got = await provider.resolveDebugConfiguration(folder, {});
    assert.strictEqual(got.program, '/ws/prog');
    assert.strictEqual(s.calls.inputBoxes.length, 1);
    assert.strictEqual(s.calls.inputBoxes[0].value, '/ws/prog');
  });

  it('shows configuration mistakes with showErrorMessage', async function () {
    const s = makeStub();
    activate(s.stub);
    const provider = s.calls.providers.get('dapproc');
    const got = await provider.resolveDebugConfiguration(undefined, { type: 'dapproc', request: 'attach', name: 'a', pid: [1] });
    assert.strictEqual(got, undefined);
    assert.match(s.calls.errors[0], /^dapproc: "pid" must be a process id/);
  });

  it('answers dapproc.pickProcess with the pid picked in a QuickPick of /proc', async function () {
    const s = makeStub();
    activate(s.stub);
    s.setPick((items) => items.find((i: { pid: number }) => i.pid === process.ppid));
    const pid = await s.calls.commands.get('dapproc.pickProcess')!();
    assert.strictEqual(pid, String(process.ppid));
    assert.ok(s.calls.quickPicks[0].length > 1);
  });
});
