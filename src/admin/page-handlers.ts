import type { Request } from 'express';
import type { AdminDependencies } from './admin-dependencies.js';
import { AdminError } from './admin-auth.js';
import { loadCall, listCalls } from './call-queries.js';
import { loadHealthReport } from './health-report.js';
import type { SafeHtml } from './html.js';
import { parseBookingsQuery, parseId, parseListQuery, parseStatsQuery } from './params.js';
import { listBookings, listMessages } from './record-queries.js';
import { loadStats } from './stats-queries.js';
import type { AdminSection } from './views/layout.js';
import { callDetailContent, callsContent } from './views/calls-view.js';
import { healthContent } from './views/health-view.js';
import { bookingsContent, messagesContent } from './views/records-view.js';
import { statsContent } from './views/stats-view.js';

export interface PageContent {
  title: string;
  section: AdminSection;
  content: SafeHtml;
}

type PageBuilder = (deps: AdminDependencies, req: Request, csrfToken: string) => Promise<PageContent>;

const choices = (deps: AdminDependencies) => deps.businesses.all().map(({ id, name }) => ({ id, name }));

/** Each admin page: parse its query, read what it shows, render it. The route adds the session and layout. */
export const adminPages: Record<string, PageBuilder> = {
  '/admin': async (deps, req) => {
    const stats = await loadStats(deps.dataSource, parseStatsQuery(deps.businesses, req.query, deps.now()));
    return { title: 'Today', section: 'stats', content: statsContent(stats, choices(deps)) };
  },
  '/admin/calls': async (deps, req) => {
    const { business, limit } = parseListQuery(deps.businesses, req.query);
    const calls = await listCalls(deps.dataSource, business.id, limit);
    return { title: 'Calls', section: 'calls', content: callsContent(calls, business, choices(deps)) };
  },
  '/admin/calls/:id': async (deps, req) => {
    const call = await loadCall(deps.dataSource, parseId(req.params.id));
    if (!call) throw new AdminError(404, 'not_found', 'no such call; it may belong to another database');
    const timeZone = deps.businesses.get(call.businessId)?.timeZone ?? 'UTC';
    return { title: 'Call', section: 'calls', content: callDetailContent(call, timeZone) };
  },
  '/admin/bookings': async (deps, req, csrfToken) => {
    const query = parseBookingsQuery(deps.businesses, req.query);
    const bookings = await listBookings(deps.dataSource, { businessId: query.business.id, when: query.when, now: deps.now(), limit: query.limit });
    return {
      title: 'Bookings',
      section: 'bookings',
      content: bookingsContent({ bookings, business: query.business, businesses: choices(deps), when: query.when, csrfToken, cancelled: query.cancelled }),
    };
  },
  '/admin/messages': async (deps, req) => {
    const { business, limit } = parseListQuery(deps.businesses, req.query);
    const messages = await listMessages(deps.dataSource, business.id, limit);
    return { title: 'Messages', section: 'messages', content: messagesContent(messages, business, choices(deps)) };
  },
  '/admin/health': async (deps) => {
    const report = await loadHealthReport({ ...deps.health, dataSource: deps.dataSource });
    return { title: 'Health', section: 'health', content: healthContent(report) };
  },
};
