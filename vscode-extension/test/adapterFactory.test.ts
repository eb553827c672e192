// Unit tests of the descriptor factory, with stand-ins for vscode's descriptor classes.

import * as assert from 'assert';
import * as path from 'path';
import type * as vscode from 'vscode';
import { AdapterSettings, DapprocAdapterFactory, DescriptorClasses } from '../src/adapterFactory';
import { DapprocNotFoundError } from '../src/executable';
import { ServerAddressError } from '../src/serverAddress';
import { tempDir, writeFile } from './tmp';

// Stand-ins recording their constructor arguments, as vscode's classes keep them.
class Executable {
  constructor(
    public command: string,
    public args?: string[],
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
const classes = {
  DebugAdapterExecutable: Executable,
  DebugAdapterServer: Server,
  DebugAdapterNamedPipeServer: Pipe,
} as unknown as DescriptorClasses;

function session(configuration: Record<string, unknown>, folder?: string): vscode.DebugSession {
  return {
    configuration: { type: 'dapproc', request: 'launch', name: 't', ...configuration },
    workspaceFolder: folder === undefined ? undefined : { uri: { fsPath: folder }, name: 'ws', index: 0 },
  } as unknown as vscode.DebugSession;
}

describe('DapprocAdapterFactory', function () {
  let dir: string;
  let onPath: string;
  beforeEach(function () {
    dir = tempDir();
    onPath = writeFile(dir, 'bin/dapproc', 0o755);
  });

  function factory(settings: AdapterSettings, seen: unknown[] = []) {
    return new DapprocAdapterFactory(
      classes,
      (folder) => {
        seen.push(folder?.uri.fsPath);
        return settings;
      },
      { PATH: path.join(dir, 'bin') },
    );
  }

  it('runs dapproc from the PATH over stdio with the dapproc.args setting, reading the session folder settings', function () {
    const seen: unknown[] = [];
    const d = factory({ executable: '', args: ['--log', 'debug'], server: '' }, seen).createDebugAdapterDescriptor(
      session({ program: '/p' }, '/ws'),
    );
    assert.ok(d instanceof Executable, `got ${d?.constructor.name}`);
    assert.strictEqual(d.command, onPath);
    assert.deepStrictEqual(d.args, ['--log', 'debug']);
    assert.deepStrictEqual(seen, ['/ws']);
  });

  it('runs the dapproc.executable setting, relative to the workspace folder', function () {
    const local = writeFile(dir, 'ws/tools/dapproc', 0o755);
    const d = factory({ executable: 'tools/dapproc' }).createDebugAdapterDescriptor(session({}, path.join(dir, 'ws')));
    assert.ok(d instanceof Executable);
    assert.strictEqual(d.command, local);
    assert.deepStrictEqual(d.args, []);
  });

  it('connects to dapproc.server over TCP or a Unix socket instead of starting dapproc', function () {
    const tcp = factory({ server: '127.0.0.1:4711', executable: '/nonexistent' }).createDebugAdapterDescriptor(session({}));
    assert.ok(tcp instanceof Server);
    assert.strictEqual(tcp.port, 4711);
    assert.strictEqual(tcp.host, '127.0.0.1');
    const unix = factory({ server: 'unix:/run/dapproc.sock' }).createDebugAdapterDescriptor(session({}));
    assert.ok(unix instanceof Pipe);
    assert.strictEqual(unix.path, '/run/dapproc.sock');
  });

  it('prefers the configuration debugServer port (adapter development) over the settings', function () {
    const d = factory({ server: '127.0.0.1:4711' }).createDebugAdapterDescriptor(session({ debugServer: 9000 }));
    assert.ok(d instanceof Server);
    assert.strictEqual(d.port, 9000);
  });

  it('fails with an actionable message when dapproc cannot be found', function () {
    const f = new DapprocAdapterFactory(classes, () => ({}), { PATH: path.join(dir, 'empty') });
    assert.throws(
      () => f.createDebugAdapterDescriptor(session({})),
      (err: Error) => err instanceof DapprocNotFoundError && /not found on the PATH.*go install/.test(err.message),
    );
    assert.throws(
      () => factory({ executable: path.join(dir, 'missing') }).createDebugAdapterDescriptor(session({})),
      /"dapproc.executable" points at .*missing, which does not exist/,
    );
  });

  it('fails with an actionable message for a malformed dapproc.server', function () {
    assert.throws(
      () => factory({ server: 'localhost' }).createDebugAdapterDescriptor(session({})),
      (err: Error) => err instanceof ServerAddressError && /the port is missing/.test(err.message),
    );
  });
});
