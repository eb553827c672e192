// Protocol test: the real dapproc binary (env DAPPROC, built by `npm test`) driven by Microsoft's
// DebugClient the two ways DapprocAdapterFactory connects VS Code to it: over stdio, and to a
// `dapproc --listen` server at the address the dapproc.server setting would hold. Each run
// launches a C fixture, hits a breakpoint twice, reads the stack, clears the breakpoint and runs
// to the exit code.

import { DebugClient } from '@vscode/debugadapter-testsupport';
import { DebugProtocol } from '@vscode/debugprotocol';
import * as assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { checkResolved, fillDefaults, PICK_PROCESS } from '../src/config';
import { pickProcess } from '../src/pickProcess';
import { parseServerAddress } from '../src/serverAddress';
import { buildC, markerLine } from './fixture';

/** dapprocBinary returns $DAPPROC, failing with what to do when it is unset or missing. */
function dapprocBinary(): string {
  const bin = process.env.DAPPROC;
  if (bin === undefined || bin === '') {
    throw new Error('DAPPROC is not set: run `npm test`, which builds dapproc, or set DAPPROC=/path/to/dapproc');
  }
  if (!fs.existsSync(bin)) {
    throw new Error(`DAPPROC=${bin} does not exist: build it with go build -o ${bin} ../cmd/dapproc`);
  }
  return bin;
}

type Fixture = { program: string; source: string; dir: string };

/** breakpointToExit is the scenario both transports run, checking every answer on the way. */
async function breakpointToExit(dc: DebugClient, fixture: Fixture): Promise<void> {
  const squareLine = markerLine(fixture.source, 'square');
  const callLine = markerLine(fixture.source, 'call');
  let stdout = '';
  dc.on('output', (e: DebugProtocol.OutputEvent) => {
    if (e.body.category === 'stdout') {
      stdout += e.body.output;
    }
  });

  // The adapter may send `initialized` right behind the initialize response, in the same read:
  // listen before asking, or the event is dispatched before anyone waits for it.
  const initialized = dc.waitForEvent('initialized');
  const init = await dc.initializeRequest();
  assert.strictEqual(init.success, true);
  assert.strictEqual(init.body?.supportsConfigurationDoneRequest, true);

  const launch = await dc.launchRequest({
    program: fixture.program,
    args: [],
    cwd: fixture.dir,
    stopOnEntry: false,
  } as DebugProtocol.LaunchRequestArguments);
  assert.strictEqual(launch.success, true, `launch failed: ${launch.message}`);
  await initialized;

  const set = await dc.setBreakpointsRequest({ source: { path: fixture.source }, breakpoints: [{ line: squareLine }] });
  assert.strictEqual(set.body.breakpoints.length, 1);
  const bp = set.body.breakpoints[0];
  assert.strictEqual(bp.verified, true, `breakpoint not verified: ${bp.message}`);
  assert.strictEqual(bp.line, squareLine);

  let stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.configurationDoneRequest();
  let ev = await stopped;
  assert.strictEqual(ev.body.reason, 'breakpoint');
  assert.strictEqual(ev.body.allThreadsStopped, true);
  if (bp.id !== undefined) {
    assert.deepStrictEqual(ev.body.hitBreakpointIds, [bp.id]);
  }
  const tid = ev.body.threadId;
  assert.ok(tid !== undefined, 'stopped event without threadId');
  // The thread id is the OS tid of the debuggee's only thread.
  assert.strictEqual(fs.readFileSync(`/proc/${tid}/comm`, 'utf8').trim(), path.basename(fixture.program));

  const threads = await dc.threadsRequest();
  assert.deepStrictEqual(
    threads.body.threads.map((t) => t.id),
    [tid],
  );

  const trace = await dc.stackTraceRequest({ threadId: tid });
  const frames = trace.body.stackFrames;
  assert.ok(frames.length >= 2, `want at least square and main, got ${JSON.stringify(frames)}`);
  assert.strictEqual(frames[0].name, 'square');
  assert.strictEqual(frames[0].line, squareLine);
  assert.strictEqual(frames[0].source?.path, fixture.source);
  assert.strictEqual(frames[1].name, 'main');
  assert.strictEqual(frames[1].line, callLine);
  assert.strictEqual(frames[1].source?.path, fixture.source);

  // The second call to square() hits the same breakpoint, in a new stop.
  stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  const cont = await dc.continueRequest({ threadId: tid });
  assert.strictEqual(cont.success, true);
  ev = await stopped;
  assert.strictEqual(ev.body.reason, 'breakpoint');
  assert.strictEqual(ev.body.threadId, tid);
  const again = await dc.stackTraceRequest({ threadId: tid });
  assert.strictEqual(again.body.stackFrames[0].name, 'square');
  assert.strictEqual(again.body.stackFrames[0].line, squareLine);

  // No breakpoints left: the program runs to its end, prints, and exits with 1+4+9 = 14.
  const cleared = await dc.setBreakpointsRequest({ source: { path: fixture.source }, breakpoints: [] });
  assert.deepStrictEqual(cleared.body.breakpoints, []);
  const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
  const terminated = dc.waitForEvent('terminated');
  await dc.continueRequest({ threadId: tid });
  assert.strictEqual((await exited).body.exitCode, 14);
  await terminated;
  assert.strictEqual(stdout, 'total=14\n');
}

/** printLogOnFailure prints dapproc's log file after a failed test, for the reader of the CI log. */
function printLogOnFailure(test: Mocha.Test | undefined, logFile: string): void {
  if (test?.state === 'failed' && fs.existsSync(logFile)) {
    console.log(`--- ${logFile}\n${fs.readFileSync(logFile, 'utf8')}`);
  }
}

describe('protocol: dapproc over stdio with DebugClient', function () {
  this.timeout(30000);
  let dapproc: string;
  let fixture: Fixture;
  let dc: DebugClient;
  let logFile: string;

  before(function () {
    dapproc = dapprocBinary();
    fixture = buildC('square.c', 'vsx_square');
    logFile = path.join(fixture.dir, 'dapproc-stdio.log');
  });

  beforeEach(async function () {
    // DebugClient spawns "runtime executable", so dapproc gets one flag: its log goes to a file.
    dc = new DebugClient(dapproc, `--log-file=${logFile}`, 'dapproc');
    dc.defaultTimeout = 10000;
    await dc.start();
  });

  afterEach(async function () {
    await dc.stop();
    printLogOnFailure(this.currentTest, logFile);
  });

  it('launches, stops at a breakpoint with a real stack, and runs to the exit code', async function () {
    await breakpointToExit(dc, fixture);
  });
});

describe('protocol: a dapproc --listen server, as the dapproc.server setting reaches it', function () {
  this.timeout(30000);
  let fixture: Fixture;
  let server: ChildProcess;
  let serverExit: Promise<number | null>;
  let port: number;
  let dc: DebugClient;
  let logFile: string;

  before(async function () {
    const dapproc = dapprocBinary();
    fixture = buildC('square.c', 'vsx_square_tcp');
    logFile = path.join(fixture.dir, 'dapproc-listen.log');
    server = spawn(dapproc, ['--listen', '127.0.0.1:0', `--log-file=${logFile}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    serverExit = new Promise((resolve) => server.once('exit', (code) => resolve(code)));
    let stderr = '';
    server.stderr!.on('data', (d) => (stderr += d));
    // dapproc prints "dapproc listening at: ADDRESS" on stdout once it accepts connections.
    const announced = await new Promise<string>((resolve, reject) => {
      const lines = readline.createInterface({ input: server.stdout! });
      lines.once('line', resolve);
      server.once('exit', (code) => reject(new Error(`dapproc --listen exited with ${code} before listening: ${stderr}`)));
    });
    const prefix = 'dapproc listening at: ';
    assert.ok(announced.startsWith(prefix), `unexpected first line ${JSON.stringify(announced)}`);
    const addr = parseServerAddress(announced.slice(prefix.length));
    assert.strictEqual(addr.kind, 'tcp');
    port = addr.kind === 'tcp' ? addr.port : 0;
  });

  after(async function () {
    server.kill('SIGTERM');
    // SIGTERM ends dapproc cleanly (exit status 0).
    assert.strictEqual(await serverExit, 0);
  });

  beforeEach(async function () {
    dc = new DebugClient('', '', 'dapproc');
    await dc.start(port);
  });

  afterEach(async function () {
    await dc.stop();
    printLogOnFailure(this.currentTest, logFile);
  });

  it('serves a whole session over TCP: breakpoint, stack, exit code', async function () {
    await breakpointToExit(dc, fixture);
  });
});

/**
 * AdapterProcess is a DebugClient over a dapproc it spawned itself, so a test can see the
 * adapter exit (DebugClient's own stop() would wait forever for the answer to a second
 * disconnect once the session has ended).
 */
class AdapterProcess extends DebugClient {
  readonly proc: ChildProcess;
  readonly exit: Promise<number | null>;
  constructor(bin: string, args: string[]) {
    super('', '', 'dapproc');
    this.proc = spawn(bin, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.exit = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
    this.connect(this.proc.stdout!, this.proc.stdin!);
  }
}

describe('protocol: attach through the process picker, pause, detach', function () {
  this.timeout(30000);
  let dapproc: string;
  let target: ChildProcess;
  let targetExit: Promise<NodeJS.Signals | null>;
  let dc: AdapterProcess;

  before(function () {
    dapproc = dapprocBinary();
  });

  beforeEach(async function () {
    const fixture = buildC('spin.c', 'vsx_spin');
    target = spawn(fixture.program, [], { stdio: 'ignore' });
    targetExit = new Promise((resolve) => target.once('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      target.once('spawn', resolve);
      target.once('error', reject);
    });
    dc = new AdapterProcess(dapproc, ['--log=warn']);
    dc.defaultTimeout = 10000;
  });

  afterEach(async function () {
    if (dc.proc.exitCode === null && dc.proc.signalCode === null) {
      dc.proc.kill('SIGKILL');
    }
    await dc.exit;
    target.kill('SIGKILL');
    assert.strictEqual(await targetExit, 'SIGKILL');
  });

  it('attaches to the picked pid, pauses it in main, and leaves it running on disconnect', async function () {
    // The extension's path: pid missing -> ${command:pickProcess} -> the picker -> a checked number.
    const first = await fillDefaults(
      { type: 'dapproc', request: 'attach', name: 'attach' },
      { promptForProgram: async () => undefined },
    );
    assert.strictEqual(first?.pid, PICK_PROCESS);
    const picked = await pickProcess(async (items) => items.find((i) => i.label === 'vsx_spin'));
    assert.strictEqual(picked, String(target.pid));
    const config = checkResolved({ ...first!, pid: picked }, undefined)!;
    assert.strictEqual(config.pid, target.pid);

    const initialized = dc.waitForEvent('initialized');
    await dc.initializeRequest();
    const attach = await dc.attachRequest(config as DebugProtocol.AttachRequestArguments);
    assert.strictEqual(attach.success, true, `attach failed: ${attach.message}`);
    await initialized;
    await dc.configurationDoneRequest();

    const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.pauseRequest({ threadId: target.pid! });
    const ev = await stopped;
    assert.strictEqual(ev.body.reason, 'pause');
    assert.strictEqual(ev.body.threadId, target.pid);
    const frames = (await dc.stackTraceRequest({ threadId: target.pid! })).body.stackFrames;
    assert.ok(
      frames.some((f) => f.name === 'main'),
      `main is not on the stack: ${frames.map((f) => f.name).join(' <- ')}`,
    );

    // terminateDebuggee defaults to false after attach: the process is detached, not killed,
    // and dapproc, its one stdio session over, exits cleanly.
    const disconnect = await dc.disconnectRequest({});
    assert.strictEqual(disconnect.success, true);
    assert.strictEqual(await dc.exit, 0);
    const status = fs.readFileSync(`/proc/${target.pid}/status`, 'utf8');
    assert.match(status, /^TracerPid:\s+0$/m);
    assert.doesNotMatch(status, /^State:\s+[tTZ]/m);
  });
});
