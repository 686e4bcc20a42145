/** The sandbox: port types, the Docker adapter, and runner image management. */
export * from './port.js';
export * from './docker/index.js';
export * from './images/index.js';
