import type { LanguagePlugin } from '../port.js';
import { pythonBuildStepFiles } from './build-files.js';
import { describePythonFramework } from './framework-version.js';
import { prunePythonTestFile } from './prune.js';
import { analysePythonCandidate, analysePythonCandidates } from './analyse.js';
import { detectPythonProfiles } from './detect.js';
import { pythonGrader } from './grader.js';
import { resolvePythonImports } from './imports.js';
import {
  defaultPythonTestFileName, describePythonImport, isInPythonTestDir, isPythonSourcePath, isPythonTestFileName, isPythonTestPath,
  listPythonTestNames, stripPythonComments, tagPythonModule,
} from './naming.js';
import { pythonSignatures } from './signatures.js';
import { extractPythonSymbols } from './symbols.js';

/** Python: pytest and unittest projects, graded by tfactory_grader.py in the python runner. */
export const pythonPlugin: LanguagePlugin = {
  id: 'python',
  displayName: 'Python',
  languages: ['python'],
  languageNames: { python: 'Python' },
  extensions: { '.py': 'python' },
  frameworks: ['pytest', 'unittest'],
  vendorDirs: ['__pycache__', '.pytest_cache'],
  packageIndexNames: ['__init__'],
  servesLanguage: (profile, file) => profile === file,
  detectProfiles: detectPythonProfiles,
  extractSymbols: (path, text) => (/\.pyi?$/i.test(path) ? extractPythonSymbols(text) : undefined),
  extractSignatures: pythonSignatures,
  resolveProjectImports: resolvePythonImports,
  listTestNames: listPythonTestNames,
  isTestFileName: isPythonTestFileName,
  isInTestDir: isInPythonTestDir,
  tagModule: tagPythonModule,
  defaultTestFileName: (_profile, tagged) => defaultPythonTestFileName(tagged),
  describeImport: (profile, sourceFile) => describePythonImport(profile, sourceFile),
  describeFramework: describePythonFramework,
  isTestPath: isPythonTestPath,
  isSourcePath: isPythonSourcePath,
  analyse: analysePythonCandidate,
  analyseMany: analysePythonCandidates,
  grader: pythonGrader,
  pruneTestFile: (_path, content, keep) => prunePythonTestFile(content, keep),
  stripComments: stripPythonComments,
  buildStepFiles: pythonBuildStepFiles,
};
