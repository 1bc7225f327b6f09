import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Translator } from './locale-messages.ts';

export const TranslatorContext = createContext<Translator | null>(null);

export function useTranslator(): Translator {
  const translator = useContext(TranslatorContext);
  if (!translator) throw new Error('a page must provide its translator');
  return translator;
}
