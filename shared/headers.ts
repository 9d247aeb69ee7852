/** HTTP header lists ([name, value] pairs, as recorded and as pasted). */
import type { HeaderList } from './types.js';

/** The first value of a header, its name matched without regard to case (RFC 9110 §5.1). */
export const headerValue = (h: HeaderList | undefined, name: string): string | undefined => {
  const want = name.toLowerCase();
  return h?.find(([n]) => n.toLowerCase() === want)?.[1];
};
