import cliProgress from 'cli-progress';
import type { IngestProgress } from '../../ingest/pipeline.ts';

/** A progress bar on an interactive terminal; silent when output is piped or `quiet` (in CI). */
export function terminalProgress({ label = 'Ingesting', quiet = false }: { label?: string; quiet?: boolean } = {}): IngestProgress {
  if (quiet || !process.stderr.isTTY) return { start() {}, advance() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} papers`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total) => bar.start(total, 0),
    advance: (by) => bar.increment(by),
    stop: () => bar.stop(),
  };
}
