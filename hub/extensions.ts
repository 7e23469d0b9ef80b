/** The extensions every full hub installs, in order: the admin service, then metrics. */
import { installAdmin, type AdminInstallation, type AdminOptions } from './admin/index.js';
import { installMetrics, type MetricsOptions } from './metrics/index.js';
import type { HubExtension } from './http/extension.js';

export interface ExtensionOptions {
  admin?: AdminOptions;
  metrics?: Omit<MetricsOptions, 'denied'>;
}

export function hubExtensions(options: ExtensionOptions = {}): HubExtension[] {
  let admin: AdminInstallation | undefined;
  return [
    (ctx) => {
      admin = installAdmin(ctx, options.admin);
    },
    (ctx) => {
      // Refused /metrics requests go to the admin service's audit log like any admin refusal.
      installMetrics(ctx, {
        ...options.metrics,
        denied: (d) => admin?.denied({ ...d, via: 'rest' }, 'metrics', d.message),
      });
    },
  ];
}
