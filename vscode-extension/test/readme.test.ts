// The README's editor sections, run as written: its launch.json goes through the extension's
// configuration resolution, and its walkthrough (build hello.c with the README's gcc command,
// break on the named line, step in and out, run to the end) runs against the real dapproc.

import { DebugClient } from '@vscode/debugadapter-testsupport';
import { DebugProtocol } from '@vscode/debugprotocol';
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkResolved, DebugConfiguration, fillDefaults, PICK_PROCESS } from '../src/config';

const root = path.resolve(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** codeBlock returns the body of the first ``` block of the given language after heading. */
function codeBlock(heading: string, language: string): string {
  const from = readme.indexOf(heading);
  assert.ok(from >= 0, `README has no "${heading}"`);
  const m = new RegExp('```' + language + '\\n([\\s\\S]*?)\\n\\s*```').exec(readme.slice(from));
  assert.ok(m, `README has no \`\`\`${language} block after "${heading}"`);
  // Blocks inside list items are indented: drop the common indentation.
  const lines = m[1].split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n') + '\n';
}

/** stripLineComments removes // comments that are outside JSON strings. */
function stripLineComments(jsonc: string): string {
  return jsonc
    .split('\n')
    .map((line) => {
      let inString = false;
      for (let i = 0; i < line.length; i++) {
        if (line[i] === '"' && line[i - 1] !== '\\') {
          inString = !inString;
        } else if (!inString && line.startsWith('//', i)) {
          return line.slice(0, i);
        }
      }
      return line;
    })
    .join('\n');
}

/** substitute replaces ${workspaceFolder} in every string, as VS Code does before the second pass. */
function substitute<T>(value: T, folder: string): T {
  if (typeof value === 'string') {
    return value.split('${workspaceFolder}').join(folder) as T;
  }
  if (Array.isArray(value)) {
    return value.map((v) => substitute(v, folder)) as T;
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, folder)])) as T;
  }
  return value;
}

const launchJson = JSON.parse(stripLineComments(codeBlock('## launch.json', 'jsonc')));
const noPrompt = async (): Promise<string | undefined> => {
  throw new Error('the README configuration should not need a prompt');
};

describe('README', function () {
  it('declares only schema attributes in its launch.json, for both requests', function () {
    const schema = manifest.contributes.debuggers[0].configurationAttributes;
    const requests = launchJson.configurations.map((c: DebugConfiguration) => c.request);
    assert.deepStrictEqual(requests, ['launch', 'attach']);
    for (const c of launchJson.configurations as DebugConfiguration[]) {
      assert.strictEqual(c.type, 'dapproc');
      for (const attr of Object.keys(c).filter((k) => !['type', 'request', 'name'].includes(k))) {
        assert.ok(attr in schema[c.request].properties, `README's ${c.name}: ${attr} is not in the schema`);
      }
    }
  });

  it('resolves its attach configuration to the process picker', async function () {
    const got = await fillDefaults(launchJson.configurations[1], { folder: '/ws', promptForProgram: noPrompt });
    assert.strictEqual(got?.pid, PICK_PROCESS);
  });

  it('lists exactly the settings the extension contributes', function () {
    const rows = [...readme.matchAll(/^\| `(dapproc\.[a-z]+)` \| `([^`]*)` \|/gm)].map((m) => [m[1], m[2]]);
    const props = manifest.contributes.configuration.properties;
    assert.deepStrictEqual(
      rows.map((r) => r[0]).sort(),
      Object.keys(props).sort(),
    );
    for (const [name, def] of rows) {
      assert.deepStrictEqual(JSON.parse(def), props[name].default, `${name} default`);
    }
  });

  describe('walkthrough against the real dapproc', function () {
    this.timeout(30000);
    let dir: string;
    let dc: DebugClient;

    before(function () {
      if (!process.env.DAPPROC || !fs.existsSync(process.env.DAPPROC)) {
        throw new Error('DAPPROC must name a built dapproc: run `npm test`, which builds it');
      }
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dapproc-vscode-readme-'));
      fs.writeFileSync(path.join(dir, 'hello.c'), codeBlock('## Walkthrough', 'c'));
      // Step 1's build command, exactly as the README writes it.
      const gccLine = /^\s*(gcc -g -O0 -o hello hello\.c)\s*$/m.exec(readme);
      assert.ok(gccLine, 'README lost its gcc command');
      const [cmd, ...args] = gccLine[1].split(' ');
      execFileSync(cmd, args, { cwd: dir });
    });

    beforeEach(async function () {
      dc = new DebugClient(process.env.DAPPROC!, '--log=warn', 'dapproc');
      dc.defaultTimeout = 10000;
      await dc.start();
    });

    afterEach(async function () {
      await dc.stop();
    });

    it('stops on the named line, steps into square and out, and prints total=14', async function () {
      // What VS Code sends as launch arguments: the README's configuration after both passes.
      const first = await fillDefaults(launchJson.configurations[0], { folder: dir, promptForProgram: noPrompt });
      const config = checkResolved(substitute(first!, dir), dir)!;
      assert.strictEqual(config.program, path.join(dir, 'hello'));

      const source = path.join(dir, 'hello.c');
      const line = fs.readFileSync(source, 'utf8').split('\n').findIndex((l) => l.includes('total += square(i);')) + 1;
      assert.ok(line > 0, 'the walkthrough line is not in hello.c');
      let stdout = '';
      dc.on('output', (e: DebugProtocol.OutputEvent) => {
        if (e.body.category === 'stdout') {
          stdout += e.body.output;
        }
      });

      const initialized = dc.waitForEvent('initialized');
      await dc.initializeRequest();
      const launch = await dc.launchRequest(config as DebugProtocol.LaunchRequestArguments);
      assert.strictEqual(launch.success, true, `launch failed: ${launch.message}`);
      await initialized;
      const set = await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line }] });
      assert.strictEqual(set.body.breakpoints[0].verified, true, set.body.breakpoints[0].message);

      // Step 3: stopped in main on that line, in the thread named hello.
      const stop = async (reason: string, fn: string, trigger: () => Promise<unknown>) => {
        const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
        await trigger();
        const ev = await stopped;
        assert.strictEqual(ev.body.reason, reason);
        const frames = (await dc.stackTraceRequest({ threadId: ev.body.threadId! })).body.stackFrames;
        assert.strictEqual(frames[0].name, fn);
        return { tid: ev.body.threadId!, frame: frames[0] };
      };
      const hit = await stop('breakpoint', 'main', () => dc.configurationDoneRequest());
      assert.strictEqual(hit.frame.line, line);
      const threads = (await dc.threadsRequest()).body.threads;
      assert.deepStrictEqual(threads, [{ id: hit.tid, name: 'hello' }]);

      // Step 4: F11 into square, Shift+F11 back to main.
      await stop('step', 'square', () => dc.stepInRequest({ threadId: hit.tid }));
      const back = await stop('step', 'main', () => dc.stepOutRequest({ threadId: hit.tid }));
      assert.strictEqual(back.frame.line, line);

      // Step 5: without the breakpoint the program runs to its end.
      await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [] });
      const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
      await dc.continueRequest({ threadId: hit.tid });
      assert.strictEqual((await exited).body.exitCode, 0);
      assert.strictEqual(stdout, 'total=14\n');
    });
  });
});
