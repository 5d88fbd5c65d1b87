/** `/api/openapi.json` and a Swagger UI page at `/api/docs` served from node_modules (no CDN). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { AppRouter } from '../context.js';

const require = createRequire(import.meta.url);
const swaggerDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const assets: Record<string, string> = {
  'swagger-ui.css': 'text/css',
  'swagger-ui-bundle.js': 'application/javascript',
  'swagger-ui-standalone-preset.js': 'application/javascript',
};

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invo Dispatch API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="/api/docs/assets/init.js"></script>
</body></html>`;

const init = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#ui',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'BaseLayout' });`;

export function registerDocsRoutes(
  router: AppRouter,
  document: () => Record<string, unknown>,
): void {
  router.get('/api/openapi.json', (ctx) => {
    ctx.body = document();
  });
  router.get('/api/docs/', (ctx) => {
    ctx.type = 'text/html';
    ctx.body = page;
  });
  router.get('/api/docs/assets/:file', async (ctx) => {
    const file = ctx.params.file ?? '';
    if (file === 'init.js') {
      ctx.type = 'application/javascript';
      ctx.body = init;
      return;
    }
    const type = assets[file];
    if (!type) return;
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = await readFile(path.join(swaggerDir, file));
  });
}
