import { adapterContract } from '../contract/adapter-contract.ts';
import { DB_KINDS } from '../helpers/db.ts';
import { createDiscordHarness } from './discord-harness.ts';

adapterContract('discord', createDiscordHarness, { dbKinds: DB_KINDS });
