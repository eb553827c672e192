// Resolving dapproc launch and attach configurations: defaults before VS Code substitutes
// ${...} variables, validation after. Plain Node code (no vscode import): the VS Code
// provider in provider.ts hands in the UI it needs (a prompt for the program).

import * as fs from 'fs';
import * as path from 'path';

/** The debug type this extension contributes. */
export const DEBUG_TYPE = 'dapproc';

/** The variable that makes VS Code run dapproc.pickProcess to fill in a pid. */
export const PICK_PROCESS = '${command:pickProcess}';

/** The values of the "console" attribute. */
export const CONSOLE_KINDS = ['internalConsole', 'integratedTerminal', 'externalTerminal'] as const;

/** DebugConfiguration has the shape of vscode.DebugConfiguration. */
export interface DebugConfiguration {
  type: string;
  name: string;
  request: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
}

/** ConfigurationError is a mistake in a launch.json configuration, worded for the user who wrote it. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(`dapproc: ${message}`);
    this.name = 'ConfigurationError';
  }
}

/** What resolution knows about the editor, and how it asks the user. */
export interface ResolveContext {
  /** Absolute path of the configuration's workspace folder, if there is one. */
  folder?: string;
  /** Path of the file in the active editor, if any: it suggests the program's name. */
  activeFile?: string;
  /** Asks the user for the program to debug, proposing suggestion; undefined when cancelled. */
  promptForProgram(suggestion: string): Promise<string | undefined>;
}

/** initialConfiguration is the launch configuration proposed for a new launch.json. */
export function initialConfiguration(): DebugConfiguration {
  return {
    type: DEBUG_TYPE,
    request: 'launch',
    name: 'dapproc: Launch',
    program: '${workspaceFolder}/a.out',
    args: [],
    cwd: '${workspaceFolder}',
    stopOnEntry: false,
  };
}

/** suggestProgram guesses the executable built from the active source file: main.c -> <folder>/main. */
export function suggestProgram(ctx: Pick<ResolveContext, 'folder' | 'activeFile'>): string {
  const dir = ctx.folder ?? (ctx.activeFile !== undefined ? path.dirname(ctx.activeFile) : process.cwd());
  if (ctx.activeFile !== undefined && /\.(c|cc|cpp|cxx|s|S|asm)$/.test(ctx.activeFile)) {
    return path.join(dir, path.basename(ctx.activeFile).replace(/\.[^.]+$/, ''));
  }
  return path.join(dir, 'a.out');
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** normalizeEnv checks "env" (object or "K=V" array) and returns it as an object. */
export function normalizeEnv(env: unknown): Record<string, string> {
  if (env === undefined || env === null) {
    return {};
  }
  if (Array.isArray(env)) {
    const out: Record<string, string> = {};
    for (const item of env) {
      const eq = typeof item === 'string' ? item.indexOf('=') : -1;
      if (eq <= 0) {
        throw new ConfigurationError(`"env" entry ${JSON.stringify(item)} is not of the form "NAME=value".`);
      }
      out[item.slice(0, eq)] = item.slice(eq + 1);
    }
    return out;
  }
  if (typeof env === 'object') {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(env as Record<string, unknown>)) {
      if (typeof v !== 'string') {
        throw new ConfigurationError(
          `"env.${k}" must be a string, got ${JSON.stringify(v)}: quote it, e.g. "${k}": "${String(v)}".`,
        );
      }
      out[k] = v;
    }
    return out;
  }
  throw new ConfigurationError(
    `"env" must be an object like {"NAME": "value"} or an array like ["NAME=value"], got ${JSON.stringify(env)}.`,
  );
}

/** normalizeSourceMap checks "sourceMap" and returns it as [from, to] pairs, the form dapproc reads. */
export function normalizeSourceMap(sourceMap: unknown): [string, string][] {
  if (sourceMap === undefined || sourceMap === null) {
    return [];
  }
  if (Array.isArray(sourceMap)) {
    return sourceMap.map((pair) => {
      if (!isStringArray(pair) || pair.length !== 2) {
        throw new ConfigurationError(
          `"sourceMap" entry ${JSON.stringify(pair)} must be a pair ["from", "to"] of paths.`,
        );
      }
      return [pair[0], pair[1]];
    });
  }
  if (typeof sourceMap === 'object') {
    return Object.entries(sourceMap as Record<string, unknown>).map(([from, to]) => {
      if (typeof to !== 'string') {
        throw new ConfigurationError(`"sourceMap.${from}" must be a path string, got ${JSON.stringify(to)}.`);
      }
      return [from, to];
    });
  }
  throw new ConfigurationError(
    `"sourceMap" must be an array of ["from", "to"] pairs or an object {"from": "to"}, got ${JSON.stringify(sourceMap)}.`,
  );
}

/**
 * fillDefaults is the first pass (vscode's resolveDebugConfiguration), before ${...} variables
 * are substituted. An empty configuration (F5 without a launch.json) becomes a launch; a missing
 * program is asked for; a missing pid becomes ${command:pickProcess}, which VS Code then resolves
 * by running dapproc.pickProcess. Returns undefined when the user cancelled the prompt, and
 * throws ConfigurationError for values of the wrong type.
 */
export async function fillDefaults(
  config: Partial<DebugConfiguration>,
  ctx: ResolveContext,
): Promise<DebugConfiguration | undefined> {
  const out: DebugConfiguration = { ...config, type: DEBUG_TYPE, name: '', request: config.request || 'launch' };
  if (out.request !== 'launch' && out.request !== 'attach') {
    throw new ConfigurationError(`"request" must be "launch" or "attach", got ${JSON.stringify(out.request)}.`);
  }
  out.name = config.name || (out.request === 'launch' ? 'dapproc: Launch' : 'dapproc: Attach');
  if (config.sourceMap !== undefined) {
    out.sourceMap = normalizeSourceMap(config.sourceMap);
  }

  if (out.request === 'attach') {
    if (out.pid === undefined || out.pid === null || out.pid === '') {
      out.pid = PICK_PROCESS;
    } else if (typeof out.pid !== 'number' && typeof out.pid !== 'string') {
      throw new ConfigurationError(`"pid" must be a process id or "${PICK_PROCESS}", got ${JSON.stringify(out.pid)}.`);
    }
    return out;
  }

  if (out.program === undefined || out.program === null || out.program === '') {
    const picked = await ctx.promptForProgram(suggestProgram(ctx));
    if (picked === undefined || picked.trim() === '') {
      return undefined;
    }
    out.program = picked.trim();
  } else if (typeof out.program !== 'string') {
    throw new ConfigurationError(`"program" must be the path of an executable, got ${JSON.stringify(out.program)}.`);
  }
  if (out.args === undefined || out.args === null) {
    out.args = [];
  } else if (!isStringArray(out.args)) {
    throw new ConfigurationError(
      `"args" must be an array of strings, one per argument, e.g. ["--verbose", "input.txt"]; got ${JSON.stringify(out.args)}.`,
    );
  }
  if (out.cwd === undefined && ctx.folder !== undefined) {
    out.cwd = '${workspaceFolder}';
  } else if (out.cwd !== undefined && typeof out.cwd !== 'string') {
    throw new ConfigurationError(`"cwd" must be a directory path, got ${JSON.stringify(out.cwd)}.`);
  }
  out.env = normalizeEnv(config.env);
  if (out.stopOnEntry === undefined) {
    out.stopOnEntry = false;
  } else if (typeof out.stopOnEntry !== 'boolean') {
    throw new ConfigurationError(`"stopOnEntry" must be true or false, got ${JSON.stringify(out.stopOnEntry)}.`);
  }
  if (out.console === undefined) {
    out.console = 'internalConsole';
  } else if (!(CONSOLE_KINDS as readonly unknown[]).includes(out.console)) {
    throw new ConfigurationError(
      `"console" must be one of ${CONSOLE_KINDS.map((k) => `"${k}"`).join(', ')}; got ${JSON.stringify(out.console)}.`,
    );
  }
  return out;
}

/** Why path p cannot be run as a program, or undefined when it is an executable regular file. */
function programProblem(p: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return 'does not exist. Build it first (with debug info: gcc -g -O0, cargo build, go build -gcflags=all="-N -l"), or fix "program" in launch.json.';
  }
  if (!st.isFile()) {
    return 'is not a regular file: "program" must name the executable itself, not its directory.';
  }
  try {
    fs.accessSync(p, fs.constants.X_OK);
  } catch {
    return 'is not executable: chmod +x it, or point "program" at the built binary rather than a source file.';
  }
  return undefined;
}

/**
 * checkResolved is the second pass (vscode's resolveDebugConfigurationWithSubstitutedVariables),
 * after ${...} variables are substituted. It makes program and cwd absolute (relative paths are
 * taken from the workspace folder), checks they exist, defaults cwd to the program's directory,
 * and turns a picked pid string into a number. Returns undefined when the process picker was
 * cancelled; throws ConfigurationError for anything the user must fix.
 */
export function checkResolved(config: DebugConfiguration, folder: string | undefined): DebugConfiguration | undefined {
  const out: DebugConfiguration = { ...config };
  const base = folder ?? process.cwd();
  if (out.request === 'attach') {
    if (out.pid === undefined || out.pid === null || out.pid === '') {
      return undefined;
    }
    const pid = typeof out.pid === 'number' ? out.pid : /^\s*[0-9]+\s*$/.test(String(out.pid)) ? Number(out.pid) : NaN;
    if (!Number.isInteger(pid) || pid < 1) {
      throw new ConfigurationError(
        `"pid" must be a process id (a positive integer), got ${JSON.stringify(out.pid)}. ` +
          `Use "${PICK_PROCESS}" to choose one from a list.`,
      );
    }
    if (!fs.existsSync(`/proc/${pid}`)) {
      throw new ConfigurationError(`no process has pid ${pid} (has it exited?). Pick a running process.`);
    }
    out.pid = pid;
    return out;
  }
  out.program = path.resolve(base, out.program);
  const problem = programProblem(out.program);
  if (problem !== undefined) {
    throw new ConfigurationError(`program ${out.program} ${problem}`);
  }
  out.cwd = out.cwd === undefined || out.cwd === '' ? path.dirname(out.program) : path.resolve(base, out.cwd);
  let cwdIsDir = false;
  try {
    cwdIsDir = fs.statSync(out.cwd).isDirectory();
  } catch {
    // reported below
  }
  if (!cwdIsDir) {
    throw new ConfigurationError(`"cwd" ${out.cwd} is not an existing directory. Create it or fix "cwd" in launch.json.`);
  }
  return out;
}
