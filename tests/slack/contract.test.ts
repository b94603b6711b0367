import { adapterContract } from '../contract/adapter-contract.ts';
import { DB_KINDS } from '../helpers/db.ts';
import { createSlackHarness } from './harness.ts';

// The shared suite over the real bolt HTTP receiver, Slack-signed requests and the fake Web API.
adapterContract('slack', createSlackHarness, { dbKinds: DB_KINDS });
