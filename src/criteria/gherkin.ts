import { findTagIn } from './ac-tags.js';

export interface GherkinScenario {
  /** 0-based index of the `Scenario:` line. */
  index: number;
  tag?: string;
  text: string;
}

const SCENARIO = /^\s*(Scenario Outline|Scenario Template|Scenario|Example):\s*(.*)$/;
const STEP = /^\s*(Given|When|Then|And|But|\*)\s+(.*)$/;
const TAG_LINE = /^\s*(@\S+\s*)+$/;
const STRUCTURE = /^\s*(Feature|Background|Rule|Examples|Scenarios):/;

export function isScenarioLine(line: string): boolean {
  return SCENARIO.test(line);
}

/** One scenario per `Scenario:` line, its steps joined: `Wrong password: Given …; When …; Then …`. */
export function parseGherkin(lines: string[], start: number, end: number): GherkinScenario[] {
  const out: GherkinScenario[] = [];
  let current: { index: number; tag?: string; title: string; steps: string[] } | undefined;
  let pendingTag: string | undefined;
  const flush = (): void => {
    if (!current) return;
    const steps = current.steps.length > 0 ? `: ${current.steps.join('; ')}` : '';
    out.push({ index: current.index, ...(current.tag ? { tag: current.tag } : {}), text: `${current.title}${steps}`.trim() });
    current = undefined;
  };
  for (let i = start; i < end; i++) {
    const line = lines[i] as string;
    const scenario = SCENARIO.exec(line);
    if (scenario) {
      flush();
      const title = (scenario[2] as string).trim();
      const tag = pendingTag ?? findTagIn(title);
      const cleanTitle = tag ? title.replace(/^(AC\s*[#-]?\s*\d+[a-z]?)\s*[:—–-]?\s*/i, '') : title;
      current = { index: i, ...(tag ? { tag } : {}), title: cleanTitle, steps: [] };
      pendingTag = undefined;
      continue;
    }
    if (TAG_LINE.test(line)) {
      flush();
      pendingTag = findTagIn(line);
      continue;
    }
    const step = STEP.exec(line);
    if (step && current) {
      current.steps.push(`${step[1] as string} ${(step[2] as string).trim()}`);
      continue;
    }
    if (STRUCTURE.test(line)) flush();
  }
  flush();
  return out;
}
