/**
 * The quality report's door: its code (the view and Chart.js) is a separate chunk, fetched
 * only when the report is opened, so signing in and the shift do not wait for it.
 */
import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useConsole } from '../context.js';
import { fill } from '../i18n.js';

export function QualityReport() {
  const { t } = useConsole();
  const [View, setView] = useState<FunctionComponent | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    import('./quality-report-view.js')
      .then((module) => {
        if (current) setView(() => module.QualityReportView);
      })
      .catch((e: unknown) => {
        if (current) setFailure(fill(t.failed, { message: String(e) }));
      });
    return () => {
      current = false;
    };
  }, [t]);
  if (failure)
    return (
      <p role="alert" class="outcome refused">
        {failure}
      </p>
    );
  if (!View) return <p role="status">{t.loading}</p>;
  return <View />;
}
