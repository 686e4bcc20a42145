export { parseJUnitXml } from './junit.js';
export { parseCoberturaXml } from './cobertura.js';
export { parseLcov } from './lcov.js';
export { toRepoRelative, type PathOptions } from './paths.js';
export type * from './types.js';
