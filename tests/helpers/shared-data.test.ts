import { describe, expect, it } from 'vitest';
import { sharedDataMode } from './shared-data.ts';

describe('suites that need ../shared/data', () => {
  it('run when the data is there, skip locally without it, and fail in CI without it', () => {
    expect(sharedDataMode(true, { CI: 'true' })).toBe('run');
    expect(sharedDataMode(true, {})).toBe('run');
    expect(sharedDataMode(false, {})).toBe('skip');
    expect(sharedDataMode(false, { CI: 'false' })).toBe('skip');
    expect(sharedDataMode(false, { CI: '0' })).toBe('skip');
    expect(sharedDataMode(false, { CI: 'true' })).toBe('fail');
    expect(sharedDataMode(false, { CI: '1' })).toBe('fail');
  });
});
