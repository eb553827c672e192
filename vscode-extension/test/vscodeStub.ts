// A stand-in for the `vscode` module, which exists only inside VS Code: loadWithVscode requires a
// module of ours while require('vscode') answers with the given stub.

// The module loader's _load hook is only reachable through the CommonJS module object.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import Module = require('module');

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;

/** loadWithVscode loads modulePath afresh with `vscode` resolved to stub. */
export function loadWithVscode<T>(modulePath: string, stub: object): T {
  const mod = Module as unknown as { _load: Loader };
  const original = mod._load;
  mod._load = function (this: unknown, request, parent, isMain) {
    return request === 'vscode' ? stub : original.call(this, request, parent, isMain);
  };
  try {
    delete require.cache[require.resolve(modulePath)];
    // A fresh require is the point: the module must bind to the stub, not to a cached vscode.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(modulePath) as T;
  } finally {
    mod._load = original;
  }
}
