/**
 * The states of a notice's delivery record (the Delivery row, one per notice), as the Prisma enum
 * "DeliveryStatus" stores them (a unit test pins the two together). Pure.
 */

export const DELIVERY_STATUSES = [
  'SENDING', // claimed before the send; found again by a later attempt: that attempt is ambiguous
  'RETRY', // a temporary failure (a 4xx proved nothing was accepted); the queue retries
  'SENT',
  'FAILED', // permanent failure (5xx, bad address, unrenderable); the Office was alerted
  'DEAD', // temporary failures until the retries ran out
  'PARKED', // waiting in a recipient's daily digest
  'SKIPPED', // parked, then no longer due when its digest went out
] as const;

export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** States after which a delivery job has nothing left to do. */
export const FINAL_DELIVERY_STATUSES: ReadonlySet<DeliveryStatus> = new Set([
  'SENT',
  'FAILED',
  'DEAD',
  'PARKED',
  'SKIPPED',
]);
