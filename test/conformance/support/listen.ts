// Moved to the shared server factories' module (test/support/servers/server.ts).
export { running, statusOf } from '../../support/servers/server.js';
