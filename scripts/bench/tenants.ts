import { currentRssMb, peakRssMb } from './stats.ts';

export interface TenantFigures {
  firstUsePerSecond: number;
  baselineRssMb: number;
  filledCacheRssMb: number;
  perInstanceKb: number;
  peakRssMb: number;
}

/**
 * Serves every tenant once (a discovery request, which builds its oidc-provider instance), 20 at
 * a time, from one provider process whose instance cache holds `cacheSize`. Memory per instance
 * is measured while the cache fills, before anything is evicted; the peak covers all tenants.
 */
export async function serveTenants(
  server: { url: string; pid: number },
  ids: string[],
  cacheSize: number,
): Promise<TenantFigures> {
  const discover = async (id: string) => {
    const response = await fetch(`${server.url}/realms/${id}/.well-known/openid-configuration`);
    if (response.status !== 200) throw new Error(`${id}: ${response.status}`);
    await response.arrayBuffer();
  };
  await discover(ids[0]!);
  const baseline = await currentRssMb(server.pid);
  let filled = baseline;
  const started = performance.now();
  for (let i = 0; i < ids.length; i += 20) {
    await Promise.all(ids.slice(i, i + 20).map(discover));
    if (i + 20 <= cacheSize) filled = await currentRssMb(server.pid);
  }
  const seconds = (performance.now() - started) / 1000;
  const held = Math.min(cacheSize, ids.length);
  return {
    firstUsePerSecond: Math.round(ids.length / seconds),
    baselineRssMb: Math.round(baseline),
    filledCacheRssMb: Math.round(filled),
    perInstanceKb: Math.round(((filled - baseline) / held) * 1024),
    peakRssMb: Math.round(await peakRssMb(server.pid)),
  };
}
