export { createGitPort, type GitPortOptions, type LocalGitPort } from './create-git-port.js';
