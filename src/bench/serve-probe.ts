/**
 * What a bot needs in memory to serve a store: opens it as `npm start` does, answers the given
 * questions, and prints its own peak resident memory as JSON. The bench runs it as a separate
 * process so that neither the ingest nor the brute-force baseline counts.
 *
 * Usage: node serve-probe.js <store uri> <questions as a JSON array>
 */
import { openEngine } from '../app.ts';

const [uri, questions] = process.argv.slice(2);
if (!uri || !questions) throw new Error('usage: serve-probe <store uri> <questions as a JSON array>');
const { engine } = await openEngine({ store: { uri }, embeddings: { kind: 'builtin' }, corpusPath: '' }, { seed: false });
for (const question of JSON.parse(questions) as string[]) await engine.ask(question);
await engine.close();
process.stdout.write(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024 }));
