// A stand-in for the `vscode` module in tests. `extensions` and `Uri` are real fakes the tests
// control; every other member is an inert universal stub (callable, constructible, any property),
// which is enough for vscode-languageclient to load and compute its client capabilities.

const installedExtensions = new Map();

class Uri {
  constructor(fsPath) {
    this.fsPath = fsPath;
  }
  static file(path) {
    return new Uri(path);
  }
}

function universalStub(name) {
  return new Proxy(function () {}, {
    get(_target, property) {
      if (property === Symbol.toPrimitive) return () => name;
      if (property === 'then') return undefined; // not a thenable
      if (property === 'prototype') return {};
      return universalStub(`${name}.${String(property)}`);
    },
    apply: () => universalStub(`${name}()`),
    construct: () => universalStub(`new ${name}`),
  });
}

const fakes = {
  installedExtensions,
  Uri,
  extensions: { getExtension: (id) => installedExtensions.get(id) },
  version: '1.82.0',
  env: new Proxy(
    { appName: 'Visual Studio Code', language: 'en', uiKind: 1 },
    { get: (target, property) => (property in target ? target[property] : universalStub(`vscode.env.${String(property)}`)) },
  ),
};

module.exports = new Proxy(fakes, {
  get(target, property) {
    if (property in target) return target[property];
    if (property === '__esModule') return false;
    return universalStub(`vscode.${String(property)}`);
  },
});
