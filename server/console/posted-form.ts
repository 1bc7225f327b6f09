import type { Context } from 'hono';
import { findRefusedCharacter, normalizeLineBreaks, type TextLayout } from '../../src/directory/text-policy.ts';
import { postedFields } from '../http/form-guard.ts';

// Reading a console form: each field as the text a person typed, and what is wrong with
// a text before the schema says it in English. The schemas (zod, text policy) decide; this
// only finds the words a person can act on.

export interface PostedForm {
  /** The field's text; '' when absent, sent as a file, or sent more than once (no form of ours does). */
  text(name: string): string;
  /** Every text value of a repeated field (checkboxes). */
  all(name: string): string[];
}

export async function readPostedForm(c: Context): Promise<PostedForm> {
  const fields = await postedFields(c);
  return {
    text: (name) => {
      const value = fields[name];
      return typeof value === 'string' ? value : '';
    },
    all: (name) => {
      const value = fields[name];
      const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
      return values.filter((item): item is string => typeof item === 'string');
    },
  };
}

/** What keeps a typed text out, in the order a person fixes it. */
export type TextProblem =
  | { kind: 'missing' }
  | { kind: 'too-short'; min: number }
  | { kind: 'too-long'; max: number }
  | { kind: 'hidden'; position: number };

/**
 * The first problem of `text` under the text policy and its length bounds (counted in
 * characters, as the policy's schemas count), or null when it has none.
 */
export function textProblem(
  text: string,
  rule: { layout: TextLayout; max: number; min?: number; required: boolean },
): TextProblem | null {
  // As the schemas read it: line breaks made LF (multi-line), then trimmed.
  const trimmed = (rule.layout === 'multiline' ? normalizeLineBreaks(text) : text).trim();
  if (trimmed === '') return rule.required ? { kind: 'missing' } : null;
  const refused = findRefusedCharacter(trimmed, rule.layout);
  if (refused) return { kind: 'hidden', position: refused.position };
  if (trimmed.length > rule.max) return { kind: 'too-long', max: rule.max };
  if (rule.min !== undefined && trimmed.length < rule.min) return { kind: 'too-short', min: rule.min };
  return null;
}
