import type { z } from 'zod';
import { weekdays } from './business-hours-schema.js';
import type { Business, BusinessFields } from './business-schema.js';

/**
 * Checks between fields. They run even when other parts of the file are wrong, so that an owner
 * sees every problem in one go; they therefore read the file defensively and skip broken parts.
 */
type Draft = Record<string, unknown>;

export function isRecord(value: unknown): value is Draft {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entries(list: unknown): [number, Draft][] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item, index): [number, Draft][] => (isRecord(item) ? [[index, item]] : []));
}

function strings(list: unknown): [number, string][] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item, index): [number, string][] => (typeof item === 'string' ? [[index, item]] : []));
}

function idsOf(list: unknown): [number, string][] {
  return entries(list).flatMap(([index, item]): [number, string][] => (typeof item.id === 'string' ? [[index, item.id]] : []));
}

/** Each value seen before, with the index where it first appeared. */
function repeats(values: [number, string][]): { index: number; value: string; first: number }[] {
  const firstIndex = new Map<string, number>();
  return values.flatMap(([index, value]) => {
    const first = firstIndex.get(value);
    if (first === undefined) firstIndex.set(value, index);
    return first === undefined ? [] : [{ index, value, first }];
  });
}

function known(ids: [number, string][]): string {
  return ids.length === 0 ? 'none' : [...new Set(ids.map(([, id]) => id))].join(', ');
}

export function checkAcrossFields(draft: unknown, ctx: z.RefinementCtx): void {
  if (!isRecord(draft)) return;
  const report = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  for (const list of ['services', 'staff', 'faq']) {
    for (const { index, value, first } of repeats(idsOf(draft[list]))) {
      report([list, index, 'id'], `duplicate id "${value}", already used by ${list}[${first}]`);
    }
  }
  for (const { index, value, first } of repeats(strings(draft.phoneNumbers))) {
    report(['phoneNumbers', index], `duplicate number ${value}, already listed as phoneNumbers[${first}]`);
  }
  checkStaffing(draft, report);
  checkDates(draft, report);
  if (typeof draft.forwardingNumber === 'string') {
    const own = strings(draft.phoneNumbers).find(([, number]) => number === draft.forwardingNumber);
    if (own) {
      report(['forwardingNumber'], `${own[1]} is this business's own phoneNumbers[${own[0]}]; transfers would ring the receptionist again`);
    }
  }
  const messages = draft.messaging;
  if (isRecord(messages) && messages.whatsappTemplates !== undefined && messages.whatsappFrom === undefined) {
    report(['messaging', 'whatsappFrom'], 'required when whatsappTemplates are set, expected the WhatsApp sender number like +12125550123');
  }
  const hours = draft.weeklyHours;
  if (isRecord(hours) && weekdays.every((day) => hours[day] === 'closed')) {
    report(['weeklyHours'], 'every day is closed; expected opening hours on at least one day');
  }
}

type Report = (path: PropertyKey[], message: string) => void;

/** References between services and staff exist, and every service has someone to do it. */
function checkStaffing(draft: Draft, report: Report): void {
  const staffIds = idsOf(draft.staff);
  const serviceIds = idsOf(draft.services);
  const offeredByStaff = new Set<string>();
  for (const [index, member] of entries(draft.staff)) {
    for (const [position, id] of strings(member.services)) {
      offeredByStaff.add(id);
      if (!serviceIds.some(([, known]) => known === id)) {
        report(['staff', index, 'services', position], `unknown service id "${id}" (known: ${known(serviceIds)})`);
      }
    }
  }
  for (const [index, service] of entries(draft.services)) {
    const assigned = strings(service.staff);
    for (const [position, id] of assigned) {
      if (!staffIds.some(([, known]) => known === id)) {
        report(['services', index, 'staff', position], `unknown staff id "${id}" (known: ${known(staffIds)})`);
      }
    }
    const id = service.id;
    // With no staff at all the missing list is the one problem worth reporting.
    if (typeof id !== 'string' || staffIds.length === 0 || assigned.length > 0 || offeredByStaff.has(id)) continue;
    report(
      ['services', index],
      `no staff member can do "${id}"; expected staff ids under services[${index}].staff, or "${id}" in a staff member's services`,
    );
  }
}

/** Date overrides: one per date, and never on a day a closure already shuts. */
function checkDates(draft: Draft, report: Report): void {
  const overrides = entries(draft.dateOverrides).flatMap(([index, override]): [number, string][] =>
    typeof override.date === 'string' ? [[index, override.date]] : [],
  );
  for (const { index, value, first } of repeats(overrides)) {
    report(['dateOverrides', index, 'date'], `duplicate date ${value}, already in dateOverrides[${first}]`);
  }
  const closed = entries(draft.closures).flatMap(([index, closure]) => {
    const from = closure.date ?? closure.from;
    const to = closure.date ?? closure.to;
    return typeof from === 'string' && typeof to === 'string' ? [{ index, from, to }] : [];
  });
  for (const [index, date] of overrides) {
    const closure = closed.find(({ from, to }) => from <= date && date <= to);
    if (closure === undefined) continue;
    report(
      ['dateOverrides', index, 'date'],
      `${date} falls in closures[${closure.index}], and a closure wins; remove the override or shorten the closure`,
    );
  }
}

/** Merges both sides of the staff/service relation and fills in staff hours. */
export function resolveStaffing(fields: BusinessFields): Business {
  const staffFor = new Map(fields.services.map((service) => [service.id, new Set(service.staff ?? [])]));
  for (const member of fields.staff) {
    for (const serviceId of member.services ?? []) staffFor.get(serviceId)?.add(member.id);
  }
  const canDo = (memberId: string, serviceId: string) => staffFor.get(serviceId)?.has(memberId) ?? false;
  return {
    ...fields,
    services: fields.services.map((service) => ({
      ...service,
      staff: fields.staff.filter((member) => canDo(member.id, service.id)).map((member) => member.id),
    })),
    staff: fields.staff.map((member) => ({
      ...member,
      hours: member.hours ?? fields.weeklyHours,
      services: fields.services.filter((service) => canDo(member.id, service.id)).map((service) => service.id),
    })),
  };
}
