import type { LanguagePlugin } from '../port.js';
import { describeTsFramework } from './framework-version.js';
import { pruneTsTestFile } from './prune.js';
import { analyseTsCandidate, analyseTsCandidates } from './analyse.js';
import { detectTypeScriptProfiles } from './detect.js';
import { tsGrader } from './grader.js';
import { resolveTsImports } from './imports.js';
import {
  defaultTsTestFileName, describeTsImport, isInTsTestDir, isTsSourcePath, isTsTestFileName, isTsTestPath, listTsTestNames, stripTsComments, tagTsModule,
} from './naming.js';
import { tsSignatures } from './signatures.js';
import { extractTypeScriptSymbols } from './symbols.js';

/** TypeScript and JavaScript: vitest, jest and node:test projects, graded by evaluate.mjs in the node runner. */
export const typescriptPlugin: LanguagePlugin = {
  id: 'typescript',
  displayName: 'TypeScript/JavaScript',
  languages: ['typescript', 'javascript'],
  languageNames: { typescript: 'TypeScript', javascript: 'JavaScript' },
  extensions: {
    '.ts': 'typescript', '.tsx': 'typescript', '.mts': 'typescript', '.cts': 'typescript',
    '.js': 'javascript', '.jsx': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript',
  },
  frameworks: ['vitest', 'jest', 'node:test'],
  vendorDirs: ['node_modules'],
  packageIndexNames: ['index'],
  // A TypeScript project also owns the JavaScript files beside its TypeScript.
  servesLanguage: (profile, file) => profile === file || (file === 'javascript' && profile === 'typescript'),
  detectProfiles: detectTypeScriptProfiles,
  extractSymbols: (path, text) =>
    /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/i.test(path) && !/\.d\.[cm]?ts$/i.test(path) ? extractTypeScriptSymbols(text, path) : undefined,
  extractSignatures: tsSignatures,
  resolveProjectImports: (file, content, _profile, exists) => resolveTsImports(file, content, exists),
  listTestNames: listTsTestNames,
  isTestFileName: isTsTestFileName,
  isInTestDir: isInTsTestDir,
  tagModule: tagTsModule,
  defaultTestFileName: defaultTsTestFileName,
  describeImport: (_profile, sourceFile, testPath) => describeTsImport(sourceFile, testPath),
  describeFramework: describeTsFramework,
  isTestPath: isTsTestPath,
  isSourcePath: isTsSourcePath,
  analyse: analyseTsCandidate,
  analyseMany: analyseTsCandidates,
  grader: tsGrader,
  pruneTestFile: pruneTsTestFile,
  stripComments: stripTsComments,
};
