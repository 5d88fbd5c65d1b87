/** The back office: people, regions and staff; the audit trail; import; the quality report. */
import { useConsole } from '../context.js';
import { AuditTrail } from './audit-trail.js';
import { entities } from './entities.js';
import { EntityTable } from './entity-table.js';
import { ImportPanel } from './import-panel.js';
import { QualityReport } from './quality-report.js';

export type BackOfficeTab =
  'drivers' | 'passengers' | 'regions' | 'staff' | 'audit' | 'import' | 'reports';

export function BackOffice({ tab }: { tab: BackOfficeTab }) {
  const { t } = useConsole();
  const all = entities(t);
  const titles = {
    drivers: t.tabDrivers,
    passengers: t.tabPassengers,
    regions: t.tabRegions,
    staff: t.tabStaff,
  };
  return (
    <main id="main" class="back-office" tabIndex={-1}>
      <h1 class="visually-hidden">{t.back}</h1>
      {tab === 'audit' ? (
        <AuditTrail />
      ) : tab === 'import' ? (
        <ImportPanel />
      ) : tab === 'reports' ? (
        <QualityReport />
      ) : (
        <EntityTable key={tab} entity={all[tab]} title={titles[tab]} />
      )}
    </main>
  );
}
