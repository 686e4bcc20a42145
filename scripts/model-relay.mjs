#!/usr/bin/env node
// A relay that stands in for an OpenAI-compatible model server, so a person (or another program)
// can answer a real run's model requests by hand and the run can be recorded.
//
//   node scripts/model-relay.mjs <folder> [port]      (default port 8765, 0 for any free one; listens on 127.0.0.1 only)
//   OPENAI_BASE_URL=http://127.0.0.1:8765/v1 TFACTORY_MODEL_STALL_MS=3600000 TFACTORY_MODEL_TIMEOUT_MS=3600000 \
//     tfactory run ... --llm openai:<name>
//
// Every POST /v1/chat/completions is written to <folder>/NNN.request.json (the body as sent) and
// <folder>/NNN.request.md (its messages as text, for reading); the relay then waits for
// <folder>/NNN.answer.json: the assistant's reply text (the JSON the run asked for), written by whoever
// answers. It replies in the chat-completions format with a usage block: prompt and completion tokens
// estimated at 4 characters a token, and the leading characters shared with the previous request
// counted as cached (prompt_tokens_details.cached_tokens), as a provider with prompt caching reports.
// An answer is also kept under <folder>/answers/<sha256 of the body>.json: the same request asked
// again (a re-recording) is answered at once with the same text.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const [folder, portText = '8765'] = process.argv.slice(2);
if (!folder) {
  process.stderr.write('usage: node scripts/model-relay.mjs <folder> [port]\n');
  process.exit(2);
}
mkdirSync(join(folder, 'answers'), { recursive: true });
let n = readdirSync(folder).filter((f) => f.endsWith('.request.json')).length;
let previousPrompt = '';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Writes `text` to `file` in one step: a reader sees no file or all of it. */
function writeWhole(file, text) {
  writeFileSync(`${file}.part`, text);
  renameSync(`${file}.part`, file);
}
const estimate = (chars) => Math.ceil(chars / 4);

function promptText(body) {
  return (body.messages ?? []).map((m) => `${m.role}: ${typeof m.content === 'string' ? m.content : JSON.stringify(m.content)}`).join('\n\n');
}

function commonPrefix(a, b) {
  const max = Math.min(a.length, b.length);
  let i = 0;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

async function answerFor(raw, body) {
  const key = createHash('sha256').update(raw).digest('hex');
  const cached = join(folder, 'answers', `${key}.json`);
  if (existsSync(cached)) return readFileSync(cached, 'utf8');
  const id = String(++n).padStart(3, '0');
  const md = (body.messages ?? []).map((m) => `=== ${m.role} ===\n${typeof m.content === 'string' ? m.content : JSON.stringify(m.content, null, 2)}`).join('\n\n');
  const schema = body.response_format ? `\n\n=== response_format ===\n${JSON.stringify(body.response_format, null, 2)}` : '';
  // Whole files only (written aside, then renamed): whoever watches the folder never reads half a
  // request. The text first, then the JSON, whose appearance says the request is there.
  writeWhole(join(folder, `${id}.request.md`), `${md}${schema}\n`);
  writeWhole(join(folder, `${id}.request.json`), raw);
  process.stdout.write(`relay: request ${id} waiting for ${join(folder, `${id}.answer.json`)}\n`);
  const file = join(folder, `${id}.answer.json`);
  for (;;) {
    if (existsSync(file)) {
      await sleep(200);
      const text = readFileSync(file, 'utf8');
      try {
        JSON.parse(text);
      } catch {
        await sleep(500);
        continue;
      }
      writeWhole(cached, text);
      process.stdout.write(`relay: request ${id} answered\n`);
      return text;
    }
    await sleep(500);
  }
}

const server = createServer((req, res) => {
  if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = JSON.parse(raw);
    const content = (await answerFor(raw, body)).trim();
    const prompt = promptText(body);
    const cachedChars = commonPrefix(prompt, previousPrompt);
    previousPrompt = prompt;
    const promptTokens = estimate(prompt.length);
    const reply = {
      id: `chatcmpl-relay-${createHash('sha256').update(raw).digest('hex').slice(0, 12)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: estimate(content.length),
        total_tokens: promptTokens + estimate(content.length),
        prompt_tokens_details: { cached_tokens: cachedChars >= 4096 ? estimate(cachedChars) : 0 },
      },
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
  });
});
server.listen(Number(portText), '127.0.0.1', () => process.stdout.write(`relay: listening on http://127.0.0.1:${server.address().port}/v1, requests in ${folder}\n`));
