import { adapterContract } from './adapter-contract.ts';
import { createConsoleHarness } from './console-harness.ts';

adapterContract('console', createConsoleHarness);
