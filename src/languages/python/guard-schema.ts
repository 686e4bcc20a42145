import { z } from 'zod';

/** One finding of a hallucination guard (Python or TS/JS): a module, imported name or attribute. */
export const guardItemSchema = z.object({
  name: z.string(),
  line: z.number().int(),
  kind: z.enum(['module', 'name', 'attribute']),
  reason: z.string().optional(),
});

export type GuardItem = z.infer<typeof guardItemSchema>;
