/**
 * The result of `work`, or undefined when `deadlineMs` passes first (no deadline: always the
 * result). `work` goes on either way; its failure is not hidden from whoever else awaits it.
 */
export async function withinDeadline<T>(work: Promise<T>, deadlineMs: number | undefined): Promise<T | undefined> {
  if (deadlineMs === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), deadlineMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
