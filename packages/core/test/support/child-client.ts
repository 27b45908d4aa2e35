// Run by close.test.ts in a child process (`node --import tsx`): uses the library against the
// emulator, then lets go. The test asserts that the process exits on its own, without process.exit().
import { createBasiqClient } from '../../src/index.js';
import { basiqAxios } from '../../src/axios.js';
import { SEED_USER_ID } from '@basiq-token/emulator';

const mode = process.env.CHILD_MODE ?? 'close';
const client = createBasiqClient({
  apiKey: process.env.CHILD_API_KEY ?? '',
  baseUrl: process.env.CHILD_BASE_URL ?? '',
  logger: false,
  // keepWarm schedules a timer: it must not keep the process alive.
  refresh: { keepWarm: true },
});

await client.getServerToken();
await client.getClientToken('child-user');
const viaAxios = await basiqAxios(client).get(`/users/${SEED_USER_ID}`);
const viaFetch = await client.fetch(`/users/${SEED_USER_ID}`);
await viaFetch.arrayBuffer();
if (mode === 'close') await client.close();
console.log(`done ${viaAxios.status} ${viaFetch.status}`);
