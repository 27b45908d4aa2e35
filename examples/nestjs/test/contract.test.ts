import { runExampleContract } from '../../../test/conformance/support/example-contract.js';
import { useNestListeners } from './nest-listener.js';

runExampleContract('nestjs', {
  createListener: useNestListeners(),
  main: 'examples/nestjs/src/main.ts',
});
