// Checks of package.json's contributions: the debugger type, its schema, and that the proposed
// configurations and snippets only use attributes the schema declares.

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { initialConfiguration, PICK_PROCESS } from '../src/config';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const debuggerDef = manifest.contributes.debuggers[0];
const schema = debuggerDef.configurationAttributes;

/** attributesOf lists the attributes of a configuration body, without the common three. */
function attributesOf(body: Record<string, unknown>): string[] {
  return Object.keys(body).filter((k) => !['type', 'request', 'name'].includes(k));
}

describe('package.json contributions', function () {
  it('contributes exactly one debugger, of type dapproc, with a label', function () {
    assert.strictEqual(manifest.contributes.debuggers.length, 1);
    assert.strictEqual(debuggerDef.type, 'dapproc');
    assert.ok(debuggerDef.label);
  });

  it('describes every launch and attach attribute with a description and a default', function () {
    assert.deepStrictEqual(Object.keys(schema.launch.properties).sort(), [
      'args',
      'console',
      'cwd',
      'env',
      'program',
      'sourceMap',
      'stopOnEntry',
    ]);
    assert.deepStrictEqual(Object.keys(schema.attach.properties).sort(), ['pid', 'sourceMap']);
    for (const request of ['launch', 'attach']) {
      for (const [name, prop] of Object.entries(schema[request].properties as Record<string, Record<string, unknown>>)) {
        assert.ok(typeof prop.description === 'string' && prop.description.length > 20, `${request}.${name} has no description`);
        assert.ok('default' in prop, `${request}.${name} has no default`);
      }
    }
    assert.deepStrictEqual(schema.launch.required, ['program']);
    assert.deepStrictEqual(schema.attach.required, ['pid']);
  });

  it('makes ${command:pickProcess} the pid default and maps it to a contributed command', function () {
    assert.strictEqual(schema.attach.properties.pid.default, PICK_PROCESS);
    const command = debuggerDef.variables.pickProcess;
    assert.strictEqual(command, 'dapproc.pickProcess');
    assert.ok(manifest.contributes.commands.some((c: { command: string }) => c.command === command));
  });

  it('enables breakpoints in C, C++, Rust, Go and assembly files', function () {
    const languages = manifest.contributes.breakpoints.map((b: { language: string }) => b.language);
    for (const lang of ['c', 'cpp', 'rust', 'go', 'asm', 'arm', 'asm-intel-x86-generic']) {
      assert.ok(languages.includes(lang), `no breakpoints for ${lang}`);
    }
  });

  it('proposes the same initial configuration as the provider', function () {
    assert.deepStrictEqual(debuggerDef.initialConfigurations, [initialConfiguration()]);
  });

  it('uses only declared attributes, and all required ones, in initial configurations and snippets', function () {
    const bodies = [
      ...debuggerDef.initialConfigurations,
      ...debuggerDef.configurationSnippets.map((s: { body: unknown }) => s.body),
    ] as Record<string, unknown>[];
    assert.ok(debuggerDef.configurationSnippets.length >= 2);
    const requests = new Set<string>();
    for (const body of bodies) {
      assert.strictEqual(body.type, 'dapproc');
      const request = body.request as string;
      requests.add(request);
      const declared = Object.keys(schema[request].properties);
      for (const attr of attributesOf(body)) {
        assert.ok(declared.includes(attr), `${body.name}: ${attr} is not declared for ${request}`);
      }
      for (const attr of schema[request].required) {
        assert.ok(attr in body, `${body.name}: lacks required ${attr}`);
      }
    }
    assert.deepStrictEqual([...requests].sort(), ['attach', 'launch']);
  });

  it('declares the settings the extension reads', function () {
    assert.deepStrictEqual(Object.keys(manifest.contributes.configuration.properties).sort(), [
      'dapproc.args',
      'dapproc.executable',
      'dapproc.server',
    ]);
  });

  it('stays off in untrusted and virtual workspaces, whose settings could name any executable', function () {
    assert.strictEqual(manifest.capabilities.untrustedWorkspaces.supported, false);
    assert.strictEqual(manifest.capabilities.virtualWorkspaces, false);
  });

  it('activates on dapproc debugging and points main at the compiled extension', function () {
    assert.ok(manifest.activationEvents.includes('onDebugResolve:dapproc'));
    assert.strictEqual(manifest.main, './out/src/extension.js');
    assert.ok(fs.existsSync(path.join(root, manifest.main)), `${manifest.main} missing: run npm run compile`);
  });

  it('targets a VS Code at least as old as the API types it compiles against', function () {
    const engine = /^\^(\d+)\.(\d+)\./.exec(manifest.engines.vscode);
    const types = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/@types/vscode/package.json'), 'utf8'));
    const [tmaj, tmin] = types.version.split('.').map(Number);
    assert.ok(engine && (tmaj < Number(engine[1]) || (tmaj === Number(engine[1]) && tmin <= Number(engine[2]))));
  });

  it('packages the compiled extension and its documents, and nothing of the tests or sources', function () {
    this.timeout(60000);
    const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    const listed = execFileSync(process.execPath, [vsce, 'ls'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((l) => l !== '')
      .sort();
    const compiled = fs
      .readdirSync(path.join(root, 'src'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `out/src/${f.replace(/\.ts$/, '.js')}`);
    assert.deepStrictEqual(listed, ['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json', ...compiled].sort());
  });
});
