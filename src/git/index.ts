export { createGitPort, type GitPortOptions, type LocalGitPort } from './create-git-port.js';
export { extractSymbols } from './symbols/changed-symbols.js';
export type { SymbolDef } from './symbols/symbol-def.js';
