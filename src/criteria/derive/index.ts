export { deriveSpecSelection, type DeriveSpecInput, type IssueText, type ReadIssue } from './derive-spec.js';
export { deriveCriteria, describeSources, DERIVE_LIMITS } from './derive-criteria.js';
export { findClosingRefs, formatRef, type IssueRef } from './closing-refs.js';
