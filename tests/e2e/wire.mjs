// The wire words (signature answer statuses, error codes, field error codes) as core spells them:
// `wire-words.json` is written from core's enums by xtask/tests/wire_words.rs (which fails while
// it is stale), so these tests never spell a word of their own. Keys are core's variant names:
// `answer.CheckInbox`, `error.ValidationFailed`, `field.InvalidEmail`. A name core does not have
// throws instead of reading as `undefined`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './harness.mjs';

const words = JSON.parse(readFileSync(join(repoRoot, 'tests/e2e/wire-words.json'), 'utf8'));

function strict(kind) {
  return new Proxy(words[kind], {
    get(table, name) {
      if (typeof name === 'string' && !Object.hasOwn(table, name)) {
        throw new Error(`core has no ${kind} word named ${name} (see tests/e2e/wire-words.json)`);
      }
      return table[name];
    },
  });
}

/** `answer.Signed` → the status word of a signature answer. */
export const answer = strict('answer');
/** `error.RateLimited` → an error body's `code`. */
export const error = strict('error');
/** `field.InvalidEmail` → a field error's `code`. */
export const field = strict('field');
