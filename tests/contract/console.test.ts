import { DB_KINDS } from '../helpers/db.ts';
import { adapterContract } from './adapter-contract.ts';
import { createConsoleHarness } from './console-harness.ts';

adapterContract('console', createConsoleHarness, { dbKinds: DB_KINDS });
