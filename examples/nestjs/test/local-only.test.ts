import { runLocalOnlyChecks } from '../../shared/test/local-only.js';
import { useNestListeners } from './nest-listener.js';

runLocalOnlyChecks('nestjs', {
  createListener: useNestListeners(),
  main: 'examples/nestjs/src/main.ts',
});
