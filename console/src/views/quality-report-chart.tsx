/**
 * One chart of the quality report (Chart.js on a canvas, days along x, one series per region
 * and figure) with its text alternative: the same values as a table, shown by a toggle.
 * Regions differ by colour, marker (lines) and fill pattern (bars), not by colour alone.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
} from 'chart.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import { fill, type Messages } from '../i18n.js';
import type { DispatchQualityDay, RegionView } from '../types.js';
import {
  regionLook,
  type ChartSpec,
  type Figure,
  type RegionFill,
  type reportFormat,
} from './quality-report-figures.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);
Chart.defaults.font.family = "system-ui, 'Segoe UI', Roboto, sans-serif";
Chart.defaults.color = '#1a1a1a';

type Format = ReturnType<typeof reportFormat>;
type Region = Pick<RegionView, 'id' | 'title'>;

export interface ChartProps {
  t: Messages;
  format: Format;
  spec: ChartSpec;
  days: string[];
  regions: Region[];
  rows: DispatchQualityDay[];
}

/** The region's colour with white lines or dots on it: a bar series readable in grey too. */
function patternOf(colour: string, kind: RegionFill): CanvasPattern | string {
  const tile = document.createElement('canvas');
  tile.width = tile.height = 8;
  const pen = tile.getContext('2d');
  if (kind === 'solid' || !pen) return colour;
  pen.fillStyle = colour;
  pen.fillRect(0, 0, 8, 8);
  pen.strokeStyle = pen.fillStyle = '#ffffff';
  pen.lineWidth = 2;
  pen.beginPath();
  if (kind === 'diagonal') {
    pen.moveTo(0, 8);
    pen.lineTo(8, 0);
  } else if (kind === 'horizontal' || kind === 'grid') {
    pen.moveTo(0, 4);
    pen.lineTo(8, 4);
  }
  if (kind === 'vertical' || kind === 'grid') {
    pen.moveTo(4, 0);
    pen.lineTo(4, 8);
  }
  pen.stroke();
  if (kind === 'dots') pen.fillRect(3, 3, 2, 2);
  return pen.createPattern(tile, 'repeat') ?? colour;
}

function datasetsOf(props: ChartProps): ChartDataset<'bar' | 'line', (number | null)[]>[] {
  const { t, spec, days, regions, rows } = props;
  const byKey = new Map(rows.map((r) => [`${r.region_id}|${r.day}`, r]));
  const drawn = spec.figures.filter((f): f is Figure & { look: NonNullable<Figure['look']> } =>
    Boolean(f.look),
  );
  return regions.flatMap((region, index) => {
    const look = regionLook(index);
    return drawn.map((figure) => {
      const label = fill(t.reportSeries, { region: region.title, figure: figure.label });
      const data = days.map((day) => {
        const row = byKey.get(`${region.id}|${day}`);
        return row ? figure.value(row) : null;
      });
      if (spec.kind === 'bar') {
        return {
          type: 'bar' as const,
          label,
          data,
          stack: region.id,
          backgroundColor:
            figure.look === 'outlined' ? '#ffffff' : patternOf(look.colour, look.fill),
          borderColor: look.colour,
          borderWidth: figure.look === 'outlined' ? 2 : 1,
        };
      }
      return {
        type: 'line' as const,
        label,
        data,
        borderColor: look.colour,
        backgroundColor: figure.look === 'dashed' ? '#ffffff' : look.colour,
        borderDash: figure.look === 'dashed' ? [6, 4] : [],
        borderWidth: 2,
        pointStyle: look.marker,
        pointRadius: 5,
        pointBorderWidth: 2,
        spanGaps: false,
        // A point at the axis' end (a Gini of 1, 100 %) is drawn whole, not cut by the edge.
        clip: 6,
      };
    });
  });
}

function configOf(props: ChartProps): ChartConfiguration<'bar' | 'line', (number | null)[]> {
  const { t, format, spec, days } = props;
  const figureFormat = spec.figures.find((f) => f.look)?.format ?? 'decimal';
  const stacked = spec.kind === 'bar';
  return {
    type: spec.kind,
    data: { labels: days.map(format.shortDay), datasets: datasetsOf(props) },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      locale: t.locale,
      scales: {
        x: { stacked },
        y: {
          stacked,
          beginAtZero: true,
          ...(spec.yMax === undefined ? {} : { max: spec.yMax }),
          ticks: {
            // Counts are whole: no "0.5 orders" tick.
            ...(figureFormat === 'count' ? { precision: 0 } : {}),
            callback: (value) => format.value(Number(value), figureFormat),
          },
        },
      },
      plugins: {
        legend: { position: 'bottom', labels: { usePointStyle: spec.kind === 'line' } },
        tooltip: {
          callbacks: {
            title: (items) => (items[0] ? format.longDay(days[items[0].dataIndex] ?? '') : ''),
            label: (item) =>
              `${item.dataset.label ?? ''}: ${format.value(item.parsed.y ?? null, figureFormat)}`,
          },
        },
      },
    },
  };
}

export function ReportChart(props: ChartProps) {
  const { t, format, spec, regions, rows } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [showTable, setShowTable] = useState(false);
  // Drawn again only for new rows, another language or renamed regions (not for the toggle).
  const regionKey = regions.map((r) => `${r.id}=${r.title}`).join('|');
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, configOf(props));
    return () => chart.destroy();
  }, [rows, t, regionKey]);
  const titles = new Map(regions.map((r) => [r.id, r.title]));
  const id = `report-${spec.id}`;
  return (
    <figure class="report-chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{spec.title}</figcaption>
      <div class="chart-box">
        <canvas ref={canvas} role="img" aria-label={spec.title} aria-describedby={`${id}-note`}>
          {t.reportChartNote}
        </canvas>
      </div>
      <p id={`${id}-note`} class="small">
        {t.reportChartNote}
      </p>
      <button
        type="button"
        aria-expanded={showTable}
        aria-controls={`${id}-table`}
        onClick={() => setShowTable(!showTable)}
      >
        {showTable ? t.reportHideTable : t.reportShowTable}
      </button>
      <div class="table-scroll" id={`${id}-table`} hidden={!showTable}>
        <table>
          <caption>{fill(t.reportTableCaption, { chart: spec.title })}</caption>
          <thead>
            <tr>
              <th scope="col">{t.reportDay}</th>
              <th scope="col">{t.region}</th>
              {spec.figures.map((f) => (
                <th scope="col" key={f.key}>
                  {f.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={`${row.region_id}|${row.day}`}
                data-region={row.region_id}
                data-day={row.day}
              >
                <th scope="row">
                  <time dateTime={row.day}>{format.longDay(row.day)}</time>
                </th>
                <td>{titles.get(row.region_id) ?? row.region_id}</td>
                {spec.figures.map((f) => (
                  <td key={f.key} data-figure={f.key}>
                    {format.value(f.value(row), f.format)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
