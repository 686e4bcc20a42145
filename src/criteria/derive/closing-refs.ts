/** An issue a pull request or commit says it closes. */
export interface IssueRef {
  owner: string;
  repo: string;
  number: number;
}

/** At most this many linked issues are read for one run. */
export const MAX_LINKED_ISSUES = 5;

const KEYWORD = String.raw`\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?\s+`;
const NAME = String.raw`[A-Za-z0-9][A-Za-z0-9-]{0,38}`;
const REPO = String.raw`[A-Za-z0-9._-]{1,100}`;
// `#12`, `GH-12`, `owner/repo#12`, `https://<host>/owner/repo/issues/12`.
const REF = String.raw`(?:https?://[^\s/]+/(${NAME})/(${REPO})/issues/(\d{1,9})|(?:(${NAME})/(${REPO}))?#(\d{1,9})|GH-(\d{1,9}))\b`;
const CLOSING = new RegExp(`${KEYWORD}${REF}`, 'gi');
// `Fixes #1, #2 and #3`: further refs after a closing one.
const MORE = new RegExp(String.raw`^(?:\s*(?:,|and|&)\s*)${REF}`, 'i');

function toRef(m: RegExpExecArray | RegExpMatchArray, here: { owner: string; repo: string }): IssueRef | undefined {
  const [, urlOwner, urlRepo, urlNum, owner, repo, num, gh] = m;
  const number = Number(urlNum ?? num ?? gh);
  if (!Number.isSafeInteger(number) || number <= 0) return undefined;
  if (urlOwner && urlRepo) return { owner: urlOwner, repo: urlRepo, number };
  if (owner && repo) return { owner, repo, number };
  return { owner: here.owner, repo: here.repo, number };
}

/**
 * The issues a text closes with GitHub's closing keywords (`Fixes #12`, `Closes owner/repo#3`,
 * `Resolves https://github.com/owner/repo/issues/4`, `fixes #1, #2`), in order, without repeats,
 * at most `MAX_LINKED_ISSUES`. `here` is the repository a bare `#12` belongs to.
 */
export function findClosingRefs(texts: Array<string | undefined>, here: { owner: string; repo: string }): IssueRef[] {
  const out: IssueRef[] = [];
  const add = (ref: IssueRef | undefined): void => {
    if (!ref || out.length >= MAX_LINKED_ISSUES) return;
    if (!out.some((r) => r.number === ref.number && sameRepo(r, ref))) out.push(ref);
  };
  for (const text of texts) {
    if (!text) continue;
    for (const m of text.matchAll(CLOSING)) {
      if (out.length >= MAX_LINKED_ISSUES) return out;
      add(toRef(m, here));
      let rest = text.slice((m.index ?? 0) + m[0].length);
      for (let more = MORE.exec(rest); more && out.length < MAX_LINKED_ISSUES; more = MORE.exec(rest)) {
        add(toRef(more, here));
        rest = rest.slice(more[0].length);
      }
    }
  }
  return out;
}

export function sameRepo(a: { owner: string; repo: string }, b: { owner: string; repo: string }): boolean {
  return a.owner.toLowerCase() === b.owner.toLowerCase() && a.repo.toLowerCase() === b.repo.toLowerCase();
}

/** `#12` in its own repository, `owner/repo#12` elsewhere. */
export function formatRef(ref: IssueRef, here: { owner: string; repo: string } | undefined): string {
  return here && sameRepo(ref, here) ? `#${ref.number}` : `${ref.owner}/${ref.repo}#${ref.number}`;
}
