/** Repositories over the drizzle schema: the only place the bot core touches tables. */
export * from './cards.ts';
export * from './events.ts';
export * from './executor.ts';
export * from './forget.ts';
export * from './links.ts';
export * from './maintenance.ts';
export * from './marks.ts';
export * from './ratings.ts';
export * from './reactions.ts';
export * from './recommendation-log.ts';
export * from './request-gate.ts';
export * from './sessions.ts';
export * from './users.ts';
