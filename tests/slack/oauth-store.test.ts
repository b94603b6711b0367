import { randomBytes } from 'node:crypto';
import type { Installation } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { installationCipher, keyId } from '../../adapters/slack/installation-crypto.ts';
import { createInstallationStore, ORG_INSTALL_REFUSED } from '../../adapters/slack/installation-store.ts';
import { slackInstallations } from '../../src/db/schema.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';

function installation(team: string, token: string): Installation<'v2', false> {
  return {
    team: { id: team, name: 'acme' },
    enterprise: undefined,
    user: { id: 'UINSTALLER', token: undefined, scopes: undefined },
    bot: { id: 'BACME', userId: 'UBOTACME', token, scopes: ['commands'] },
    isEnterpriseInstall: false,
    appId: 'A0MOVIEREC',
    tokenType: 'bot',
    authVersion: 'v2',
  };
}

describe.each(DB_KINDS)('Slack installation store (%s)', (kind) => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.destroy();
    db = undefined;
  });

  it('stores, replaces (a rotated token), fetches and removes one row per workspace', async () => {
    db = await createTestDatabase(kind);
    const store = createInstallationStore(db.db, installationCipher(randomBytes(32)));
    await store.storeInstallation(installation('T1', 'xoxb-first'));
    await store.storeInstallation(installation('T1', 'xoxb-rotated'));
    await store.storeInstallation(installation('T2', 'xoxb-other'));
    const query = { teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false as const };
    expect((await store.fetchInstallation(query)).bot?.token).toBe('xoxb-rotated');
    expect(await store.hasTeam('T1')).toBe(true);
    expect(await store.removeTeam('T1')).toBe(true);
    expect(await store.removeTeam('T1')).toBe(false);
    expect(await store.hasTeam('T1')).toBe(false);
    await expect(store.fetchInstallation(query)).rejects.toThrow(/no installation/);
    expect(await store.hasTeam('T2')).toBe(true);
  });

  it('refuses org-wide installs instead of storing them under no workspace', async () => {
    db = await createTestDatabase(kind);
    const store = createInstallationStore(db.db, installationCipher(randomBytes(32)));
    const org = {
      ...installation('T1', 'xoxb-org'),
      team: undefined,
      isEnterpriseInstall: true,
    } as Installation;
    await expect(store.storeInstallation(org)).rejects.toThrow(ORG_INSTALL_REFUSED);
    expect(await db.db.select().from(slackInstallations)).toEqual([]);
  });

  it('after a key rotation reads rows sealed with the previous key and seals them again with the new one', async () => {
    db = await createTestDatabase(kind);
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    await createInstallationStore(db.db, installationCipher(oldKey)).storeInstallation(
      installation('T1', 'xoxb-1'),
    );
    const query = { teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false as const };
    const rotating = createInstallationStore(db.db, installationCipher(newKey, oldKey));
    expect((await rotating.fetchInstallation(query)).bot?.token).toBe('xoxb-1');
    const [row] = await db.db.select().from(slackInstallations);
    expect(row!.data).toContain(`:${keyId(newKey)}:`);
    // The previous key can now be dropped.
    const after = createInstallationStore(db.db, installationCipher(newKey));
    expect((await after.fetchInstallation(query)).bot?.token).toBe('xoxb-1');
  });
});
