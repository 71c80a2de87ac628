import type { FrameTickListener, FrameTicker } from '../../media-streams/frame-clock.js';

/** A frame clock turned by hand, so pacing is tested apart from real time: what goes out without a tick went out at once. */
export class HandClock implements FrameTicker {
  readonly listeners = new Set<FrameTickListener>();

  subscribe(listener: FrameTickListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  tick(elapsedTicks = 1): void {
    for (const listener of [...this.listeners]) listener(elapsedTicks);
  }
}
