/**
 * Bolt's installation store (the @slack/oauth `InstallationStore` interface) in Postgres: one row per
 * workspace in `slack_installations`, the Installation (tokens included) sealed with AES-256-GCM
 * (installation-crypto.ts). Bolt's InstallProvider calls `storeInstallation` after an install and again
 * after it rotated a token (so an upsert keeps the newest tokens), and `fetchInstallation` to authorize
 * every incoming event. Org-wide (Enterprise Grid) installs are refused: movierec's data is per workspace.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { slackInstallations } from '../../src/db/schema.ts';
import type { InstallationCipher } from './installation-crypto.ts';

/** Why an org-wide install is refused (shown on the install result page too). */
export const ORG_INSTALL_REFUSED =
  'movierec is installed one workspace at a time; org-wide (Enterprise Grid) installs are not supported.';

export interface SlackInstallationStore extends InstallationStore {
  /** True when the workspace has a stored installation (the request guard's team check). */
  hasTeam(teamId: string): Promise<boolean>;
  /** Removes the workspace's installation; true when there was one. */
  removeTeam(teamId: string): Promise<boolean>;
}

export function createInstallationStore(db: Database, cipher: InstallationCipher): SlackInstallationStore {
  const store = async (installation: Installation<'v1' | 'v2', boolean>) => {
    const teamId = installation.team?.id;
    if (installation.isEnterpriseInstall || !teamId) throw new Error(ORG_INSTALL_REFUSED);
    const data = cipher.seal(JSON.stringify(installation), teamId);
    const enterpriseId = installation.enterprise?.id ?? null;
    await db
      .insert(slackInstallations)
      .values({ teamId, enterpriseId, data })
      .onConflictDoUpdate({
        target: slackInstallations.teamId,
        set: { enterpriseId, data, updatedAt: sql`now()` },
      });
  };

  const fetch = async (query: InstallationQuery<boolean>) => {
    if (query.isEnterpriseInstall || !query.teamId) throw new Error(ORG_INSTALL_REFUSED);
    const teamId = query.teamId;
    const [row] = await db
      .select({ data: slackInstallations.data })
      .from(slackInstallations)
      .where(eq(slackInstallations.teamId, teamId));
    if (!row) throw new Error('this workspace has no installation');
    const { plaintext, stale } = cipher.open(row.data, teamId);
    const installation = JSON.parse(plaintext) as Installation<'v1' | 'v2', boolean>;
    // Written under the previous key: seal it again under the current one while we have it open.
    if (stale) await store(installation);
    return installation;
  };

  return {
    storeInstallation: store,
    fetchInstallation: fetch,
    async deleteInstallation(query) {
      if (query.teamId) await this.removeTeam(query.teamId);
    },
    async hasTeam(teamId) {
      const [row] = await db
        .select({ teamId: slackInstallations.teamId })
        .from(slackInstallations)
        .where(eq(slackInstallations.teamId, teamId));
      return row !== undefined;
    },
    async removeTeam(teamId) {
      const rows = await db
        .delete(slackInstallations)
        .where(eq(slackInstallations.teamId, teamId))
        .returning({ teamId: slackInstallations.teamId });
      return rows.length > 0;
    },
  };
}
