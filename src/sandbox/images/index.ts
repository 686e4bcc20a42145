export type { ImageEngine, BuildOptions } from './engine.js';
export {
  RUNNER_NAMES, DEFAULT_BASE, BOOTSTRAP_BASE, isRunnerName, defaultRunnerImagesDir, runnerRepository, hashRunnerFolder, computeRunnerTag,
  type RunnerName,
} from './runner-tag.js';
export { selectBase, bootstrapDebian, describeBaseChoice, type BaseChoice, type BaseSource } from './select-base.js';
export { buildRunnerImages, runnerLabels, type BuildRunnerImagesOptions, type BuildRunnerImagesResult, type BuiltImage } from './build-images.js';
export { runnerImageRef, requireRunnerImage, listRunnerImages, type RunnerImageStatus, type RunnerRefOptions } from './runner-image-ref.js';
