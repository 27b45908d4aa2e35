// The Fetch handler's app is one of the shared server factories (test/support/servers/fetch.ts).
export { fetchServer as fetchDriver } from '../../support/servers/fetch.js';
