export type FakeExtension = { isActive: boolean; exports: unknown; activate(): Promise<unknown> };
export const installedExtensions: Map<string, FakeExtension>;
export class Uri {
  readonly fsPath: string;
  static file(path: string): Uri;
}
