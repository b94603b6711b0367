import { describe, expect, it } from 'vitest';
import { mojibakeScore, repairMojibake } from '../../src/catalog/mojibake.ts';

describe('repairMojibake', () => {
  it.each([
    // Windows-1252 bytes read as Mac Roman (vega-datasets' movies.json).
    ['LÈon', 'Léon'],
    ['DÈj‡ Vu', 'Déjà Vu'],
    ["Le Fabuleux destin d'AmÈlie Poulain", "Le Fabuleux destin d'Amélie Poulain"],
    ["De battre mon coeur s'est arrÍtÈ", "De battre mon coeur s'est arrêté"],
    ['Per qualche dollaro in pi˘', 'Per qualche dollaro in più'],
    ["I Love You Ö Don't Touch Me!", "I Love You … Don't Touch Me!"],
    ['The Naked Gun 2Ω: The Smell of Fear', 'The Naked Gun 2½: The Smell of Fear'],
    // UTF-8 read as Windows-1252, and as Mac Roman.
    ['AmÃ©lie', 'Amélie'],
    ['Pen√©lope Cruz', 'Penélope Cruz'],
  ])('%j → %j', (damaged, repaired) => {
    expect(repairMojibake(damaged)).toBe(repaired);
    expect(mojibakeScore(damaged)).toBeGreaterThan(0);
    expect(mojibakeScore(repaired)).toBe(0);
  });

  it.each([
    'Alien³',
    'Ri¢hie Ri¢h',
    'À bout de souffle',
    'Penélope Cruz',
    'Amélie',
    'Ōkami',
    'Crouching Tiger, Hidden Dragon (Wo hu cang long)',
    'Das Boot',
  ])('leaves clean text %j alone', (text) => {
    expect(repairMojibake(text)).toBe(text);
  });
});
