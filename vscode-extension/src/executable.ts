// Finding the dapproc executable: the dapproc.executable setting first, then the PATH.
// Plain Node code (no vscode import) so it is unit-tested without VS Code.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The name of the adapter executable looked up on the PATH. */
export const EXECUTABLE_NAME = 'dapproc';

/** How to install dapproc, quoted in every "not found" message. */
export const INSTALL_HINT =
  'Install it with `go install github.com/dapproc/dapproc/cmd/dapproc@latest` ' +
  '(it lands in `$(go env GOPATH)/bin`), then add that directory to your PATH or set ' +
  '"dapproc.executable" to the absolute path of the binary.';

/** DapprocNotFoundError says why no usable dapproc executable was found and what to do about it. */
export class DapprocNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DapprocNotFoundError';
  }
}

/** Why a candidate path cannot be run, or undefined when it is an executable regular file. */
function unusable(candidate: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(candidate);
  } catch {
    return 'does not exist';
  }
  if (!st.isFile()) {
    return 'is not a regular file';
  }
  try {
    fs.accessSync(candidate, fs.constants.X_OK);
  } catch {
    return 'is not executable (chmod +x it)';
  }
  return undefined;
}

/** expandHome turns a leading "~" or "~/" into the user's home directory. */
function expandHome(p: string, home: string): string {
  if (p === '~') {
    return home;
  }
  if (p.startsWith('~/')) {
    return path.join(home, p.slice(2));
  }
  return p;
}

/** Where findDapproc looks, besides the file system. */
export interface LookupOptions {
  /** The dapproc.executable setting; empty or undefined means "search the PATH". */
  setting?: string;
  /** The PATH to search (process.env.PATH in the extension). */
  envPath?: string;
  /** Directory a relative setting is resolved against (the workspace folder). */
  baseDir?: string;
  /** Home directory for a setting starting with "~" (os.homedir() by default). */
  home?: string;
}

/**
 * findDapproc returns the absolute path of the dapproc executable to run.
 * A non-empty setting wins and must name an executable file: a path (absolute, "~/...", or
 * relative to baseDir) or a bare command name searched on the PATH. Without a setting, the
 * PATH is searched for "dapproc". Throws DapprocNotFoundError with an actionable message.
 */
export function findDapproc(opts: LookupOptions): string {
  const setting = (opts.setting ?? '').trim();
  const dirs = (opts.envPath ?? '').split(path.delimiter).filter((d) => d !== '');
  if (setting !== '') {
    if (!setting.includes('/') && setting !== '~') {
      const found = searchPath(setting, dirs);
      if (found === undefined) {
        throw new DapprocNotFoundError(
          `dapproc: the setting "dapproc.executable" is "${setting}", which is not on the PATH ` +
            `(${dirs.join(path.delimiter) || 'empty'}). Set it to the absolute path of dapproc. ${INSTALL_HINT}`,
        );
      }
      return found;
    }
    const candidate = path.resolve(opts.baseDir ?? process.cwd(), expandHome(setting, opts.home ?? os.homedir()));
    const why = unusable(candidate);
    if (why !== undefined) {
      throw new DapprocNotFoundError(
        `dapproc: the setting "dapproc.executable" points at ${candidate}, which ${why}. ` +
          `Fix the setting, or clear it to search the PATH. ${INSTALL_HINT}`,
      );
    }
    return candidate;
  }
  const found = searchPath(EXECUTABLE_NAME, dirs);
  if (found === undefined) {
    throw new DapprocNotFoundError(
      `dapproc: the "dapproc" executable was not found on the PATH ` +
        `(${dirs.join(path.delimiter) || 'empty'}). ${INSTALL_HINT}`,
    );
  }
  return found;
}

/** searchPath returns the first executable regular file named name in dirs, as an absolute path. */
function searchPath(name: string, dirs: string[]): string | undefined {
  for (const dir of dirs) {
    const candidate = path.resolve(dir, name);
    if (unusable(candidate) === undefined) {
      return candidate;
    }
  }
  return undefined;
}
