// Unit tests of the configuration provider's VS Code contract: errors become messages and an
// abandoned launch (undefined), never a thrown ConfigurationError.

import * as assert from 'assert';
import type * as vscode from 'vscode';
import { DapprocConfigurationProvider, ProviderUI } from '../src/provider';
import { tempDir, writeFile } from './tmp';

function ui(answer?: string) {
  const errors: string[] = [];
  const u: ProviderUI = {
    showError: (m) => errors.push(m),
    promptForProgram: async () => answer,
    activeFile: () => undefined,
  };
  return { u, errors };
}

function folder(fsPath: string): vscode.WorkspaceFolder {
  return { uri: { fsPath }, name: 'ws', index: 0 } as unknown as vscode.WorkspaceFolder;
}

describe('DapprocConfigurationProvider', function () {
  it('proposes the initial launch configuration', function () {
    const got = new DapprocConfigurationProvider(ui().u).provideDebugConfigurations();
    assert.deepStrictEqual(got, [
      {
        type: 'dapproc',
        request: 'launch',
        name: 'dapproc: Launch',
        program: '${workspaceFolder}/a.out',
        args: [],
        cwd: '${workspaceFolder}',
        stopOnEntry: false,
      },
    ]);
  });

  it('shows a configuration mistake as an error message and abandons the launch', async function () {
    const { u, errors } = ui();
    const p = new DapprocConfigurationProvider(u);
    const got = await p.resolveDebugConfiguration(folder('/ws'), {
      type: 'dapproc',
      request: 'launch',
      name: 'x',
      program: '/p',
      args: 'a b',
    });
    assert.strictEqual(got, undefined);
    assert.strictEqual(errors.length, 1);
    assert.match(errors[0], /^dapproc: "args" must be an array of strings/);
  });

  it('resolves a launch end to end: defaults, then checked absolute paths', async function () {
    const dir = tempDir();
    const program = writeFile(dir, 'app', 0o755);
    const { u, errors } = ui(program);
    const p = new DapprocConfigurationProvider(u);
    const first = await p.resolveDebugConfiguration(undefined, { type: '', request: '', name: '' });
    assert.strictEqual(first?.program, program);
    const second = await p.resolveDebugConfigurationWithSubstitutedVariables(undefined, first!);
    assert.strictEqual(second?.cwd, dir);
    assert.deepStrictEqual(errors, []);
  });

  it('reports a missing program after substitution', async function () {
    const { u, errors } = ui();
    const p = new DapprocConfigurationProvider(u);
    const got = await p.resolveDebugConfigurationWithSubstitutedVariables(folder('/nonexistent-ws'), {
      type: 'dapproc',
      request: 'launch',
      name: 'x',
      program: 'a.out',
    });
    assert.strictEqual(got, undefined);
    assert.deepStrictEqual(errors.map((e) => e.split('. ')[0]), ['dapproc: program /nonexistent-ws/a.out does not exist']);
  });
});
