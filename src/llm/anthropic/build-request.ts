import type Anthropic from '@anthropic-ai/sdk';
import type { LlmRequest } from '../port.js';
import { toJsonSchema } from '../structured-output.js';

type Params = Anthropic.Messages.MessageCreateParamsNonStreaming;
const EPHEMERAL = { type: 'ephemeral' } as const;

export interface BuildOptions {
  model: string;
  maxTokens: number;
  temperature?: number;
}

/**
 * The Messages request for one LlmRequest. The prefix that subtasks share (system prompt, then the
 * sharedContext blocks) carries `cache_control` breakpoints on its last system block and its last
 * shared block; only `prompt` follows them. Output is a forced call of one tool whose input_schema
 * is the JSON Schema of the request's zod schema.
 */
export function buildMessagesParams<T>(req: LlmRequest<T>, opts: BuildOptions): Params {
  const shared: Anthropic.Messages.TextBlockParam[] = req.sharedContext.map((text, i) => ({
    type: 'text',
    text,
    ...(i === req.sharedContext.length - 1 ? { cache_control: EPHEMERAL } : {}),
  }));
  const temperature = req.temperature ?? opts.temperature;
  return {
    model: opts.model,
    max_tokens: req.maxTokens ?? opts.maxTokens,
    ...(temperature !== undefined ? { temperature } : {}),
    system: [{ type: 'text', text: req.system, cache_control: EPHEMERAL }],
    tools: [
      {
        name: toolName(req.schemaName),
        description: `Return the ${req.schemaName} as this tool's input. Call it exactly once.`,
        input_schema: toJsonSchema(req.schema) as Anthropic.Messages.Tool.InputSchema,
      },
    ],
    tool_choice: { type: 'tool', name: toolName(req.schemaName) },
    messages: [{ role: 'user', content: [...shared, { type: 'text', text: req.prompt }] }],
  };
}

/** The follow-up request after an invalid reply: the reply, then the error as the tool's result. */
export function buildRepairParams(base: Params, reply: Anthropic.Messages.Message, repairText: string): Params {
  const toolUse = reply.content.find((b): b is Anthropic.Messages.ToolUseBlock => b.type === 'tool_use');
  const assistant: Anthropic.Messages.MessageParam = { role: 'assistant', content: reply.content.flatMap(toParam) };
  const user: Anthropic.Messages.MessageParam = toolUse
    ? { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, is_error: true, content: repairText }] }
    : { role: 'user', content: repairText };
  return { ...base, messages: [...base.messages, assistant, user] };
}

/** Tool names allow [a-zA-Z0-9_-]{1,64}. */
export function toolName(schemaName: string): string {
  return schemaName.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'output';
}

function toParam(block: Anthropic.Messages.ContentBlock): Anthropic.Messages.ContentBlockParam[] {
  if (block.type === 'tool_use') return [{ type: 'tool_use', id: block.id, name: block.name, input: block.input }];
  if (block.type === 'text' && block.text.trim() !== '') return [{ type: 'text', text: block.text }];
  return [];
}
