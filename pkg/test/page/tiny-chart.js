// A tiny chart written inline, shared by the page and worker.js (so that both package the same
// files): Chart.yaml, values.yaml, a template, and a .helmignore that excludes scratch.txt.

const text = new TextEncoder();

export const TINY_CHART = {
  'Chart.yaml': 'apiVersion: v2\nname: tiny-inline\nversion: 0.1.0\ndescription: written by the page\n',
  'values.yaml': 'greeting: hello\n',
  'templates/x.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
  '.helmignore': '# local notes stay out of the archive\nscratch.txt\n',
  'scratch.txt': 'not for the archive\n',
};

/** The tiny chart as ChartFileInput[] (every file at `lastModified`). */
export function tinyChartFiles(lastModified = Date.UTC(2024, 0, 2)) {
  return Object.entries(TINY_CHART).map(([path, s]) => ({ path, bytes: text.encode(s), lastModified }));
}
