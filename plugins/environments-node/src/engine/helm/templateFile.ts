import {
  TemplateScope,
  evaluateAction,
  renderLine,
} from './templateExpression';

const CONTROL =
  /^\s*\{\{-?\s*(if|else|end|range|with|define|block|template|\/\*)\b([\s\S]*?)-?\}\}\s*$/;
const COMMENT = /^\s*\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}\s*$/;

const truthy = (v: unknown) =>
  !(
    v === undefined ||
    v === null ||
    v === false ||
    v === '' ||
    v === 0 ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && v !== null && Object.keys(v).length === 0)
  );

/**
 * Renders a Helm template file whose actions are expressions and whole-line
 * `if`/`else`/`end` blocks (an Argo CD Application of an app-of-apps chart,
 * a Deployment whose image is `repo/app:{{ .Values.tag }}`), keeping every
 * line where it was so provenance lines stay true. Returns undefined when
 * the file needs more (`range`, `include`, variables, inline control flow).
 */
export function renderTemplateText(
  text: string,
  scope: TemplateScope,
): string | undefined {
  const out: string[] = [];
  const stack: boolean[] = [];
  const on = () => stack.every(Boolean);
  for (const line of text.split('\n')) {
    if (COMMENT.test(line)) {
      out.push('');
      continue;
    }
    const control = CONTROL.exec(line);
    if (control) {
      const [, word, rest] = control;
      if (word === 'if') {
        try {
          stack.push(truthy(evaluateAction(`{{ ${rest} }}`, scope).value));
        } catch {
          return undefined;
        }
      } else if (word === 'else' && stack.length && !rest.trim())
        stack[stack.length - 1] = !stack[stack.length - 1];
      else if (word === 'end' && stack.length) stack.pop();
      else return undefined;
      out.push('');
      continue;
    }
    if (!on()) {
      out.push('');
      continue;
    }
    if (!line.includes('{{')) {
      out.push(line);
      continue;
    }
    const rendered = renderLine(line, scope);
    if (!rendered) return undefined;
    out.push(rendered.text);
  }
  return stack.length === 0 ? out.join('\n') : undefined;
}
