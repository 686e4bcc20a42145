export { selectSpec, type SelectSpecInput } from './select-spec.js';
export { listSpecCandidates, type SpecCandidate } from './locate-specs.js';
export { loadSpec } from './load-spec.js';
export { parseAcsFromMarkdown, SPEC_FILE_OPTIONS } from './parse-acs.js';
export { readSpecTrailer } from './pr-body.js';
