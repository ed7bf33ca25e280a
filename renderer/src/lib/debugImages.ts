/** The per-context debug images as Settings shows them: one "context = image" per line. */

/** "context = image" per line, as the text area shows the map. */
export function formatByContext(map: Record<string, string>): string {
  return Object.entries(map)
    .map(([context, image]) => `${context} = ${image}`)
    .join('\n');
}

/** The map from the text area's lines, or the first line that is not "context = image". */
export function parseByContext(text: string): { map: Record<string, string> } | { error: string } {
  const map: Record<string, string> = {};
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const at = line.lastIndexOf('=');
    const context = at > 0 ? line.slice(0, at).trim() : '';
    const image = at > 0 ? line.slice(at + 1).trim() : '';
    if (!context || !image)
      return { error: `line ${index + 1}: write it as "context = image", e.g. "prod = busybox:1.36"` };
    map[context] = image;
  }
  return { map };
}
