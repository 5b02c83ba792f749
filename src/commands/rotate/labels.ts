/**
 * Labels of the files listed in a rotation's picker. No `vscode` import: tested in plain Node.
 */
import * as l10n from '@vscode/l10n';
import { displayName } from '../../util/text';

/** A label longer than this has its middle folders elided: a list cuts a long label at its end, where paths differ. */
const MAX_LABEL = 60;

/**
 * The labels of a list of paths: the folders they all share said once (`prefix`, ending with `/`),
 * each label the rest, its middle folders elided when long (the first folder and the last ones kept),
 * unless that would make two labels alike.
 */
export function fileLabels(paths: readonly string[]): { prefix: string; labels: string[] } {
  const split = paths.map((p) => p.split('/'));
  let shared = 0;
  if (split.length > 1) {
    const first = split[0];
    while (shared < first.length - 1 && split.every((parts) => shared < parts.length - 1 && parts[shared] === first[shared])) shared++;
  }
  const prefix = shared > 0 ? `${split[0].slice(0, shared).join('/')}/` : '';
  const rests = split.map((parts) => parts.slice(shared));
  const elided = rests.map((parts) => {
    const whole = parts.join('/');
    if (whole.length <= MAX_LABEL || parts.length <= 3) {
      return whole;
    }
    let tail = parts.length - 2;
    while (tail > 2 && [parts[0], '…', ...parts.slice(tail - 1)].join('/').length <= MAX_LABEL) tail--;
    return [parts[0], '…', ...parts.slice(tail)].join('/');
  });
  const labels = new Set(elided).size === elided.length ? elided : rests.map((parts) => parts.join('/'));
  return { prefix, labels };
}

/** An organization token's owner in a message: its name, or who it is when Turso gave no username. */
export function ownerShown(owner: string): string {
  return owner ? displayName(owner) : l10n.t('a member Turso did not name');
}
