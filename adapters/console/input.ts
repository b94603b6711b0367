/** What one typed console line asks for. */
export type ConsoleInput =
  | { kind: 'message'; text: string }
  | { kind: 'react'; emoji: string; n: number; added: boolean }
  | { kind: 'card-action'; verb: 'seen' | 'no' | 'watch' | 'unwatch' | 'rate'; n: number; value?: string }
  | { kind: 'press'; n: number }
  | { kind: 'quit' }
  | { kind: 'empty' };

const KEYCAPS = ['1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣'];
const NAMED: Record<string, 'seen' | 'no' | 'watch' | 'unwatch'> = {
  seen: 'seen',
  no: 'no',
  not: 'no',
  nope: 'no',
  watch: 'watch',
  wl: 'watch',
  unwatch: 'unwatch',
};

/**
 * Parses console shortcuts: `:5 2` rates result 2 with five stars (a 5️⃣ reaction), `:-5 2` removes it,
 * `:4.5 2` rates with half stars, `:👍 2` / `:star 2` react with that emoji, `:seen 2`, `:no 2`,
 * `:watch 2`, `!1` presses button 1, `quit` leaves; anything else is a chat message.
 */
export function parseConsoleLine(line: string): ConsoleInput {
  const t = line.trim();
  if (t === '') return { kind: 'empty' };
  if (/^\/?(quit|exit|bye)$/i.test(t)) return { kind: 'quit' };
  const press = /^!(\d+)$/.exec(t);
  if (press) return { kind: 'press', n: Number(press[1]) };
  const m = /^:(-?)(\S+)\s+(\d+)$/.exec(t);
  if (!m) return { kind: 'message', text: line };
  const [, minus, what, nText] = m;
  const n = Number(nText);
  const verb = NAMED[what!.toLowerCase()];
  if (verb) return { kind: 'card-action', verb, n };
  if (/^[1-5]$/.test(what!))
    return { kind: 'react', emoji: KEYCAPS[Number(what) - 1]!, n, added: minus !== '-' };
  if (/^\d(\.5)?$/.test(what!) && !minus) return { kind: 'card-action', verb: 'rate', n, value: what };
  return { kind: 'react', emoji: what!, n, added: minus !== '-' };
}
