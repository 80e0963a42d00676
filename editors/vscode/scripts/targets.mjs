// The .vsix targets (`vsce package --target`) that carry the server; `universal` carries none.
export const PLATFORM_TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'];
export const ALL_TARGETS = [...PLATFORM_TARGETS, 'universal'];

/** This machine's target, or `universal` on one the bundle is not built for. */
export function hostTarget(platform = process.platform, arch = process.arch) {
  const target = `${platform}-${arch}`;
  return PLATFORM_TARGETS.includes(target) ? target : 'universal';
}

/** The file `vsce package` writes for a target. */
export function vsixName(name, version, target) {
  return target === 'universal' ? `${name}-${version}.vsix` : `${name}-${target}-${version}.vsix`;
}
