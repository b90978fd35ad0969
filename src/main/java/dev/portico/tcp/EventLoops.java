package dev.portico.tcp;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The event loops every listener on the event-loop engine shares (as Netty's worker group
 * is shared): connections are spread over them in turn as they are accepted.
 */
final class EventLoops {

	private final EventLoop[] loops;

	private final AtomicInteger next = new AtomicInteger();

	EventLoops(int count) {
		this.loops = new EventLoop[count];
		for (int i = 0; i < count; i++) {
			this.loops[i] = new EventLoop("portico-loop-" + (i + 1));
		}
	}

	EventLoop next() {
		return this.loops[Math.floorMod(this.next.getAndIncrement(), this.loops.length)];
	}

	int size() {
		return this.loops.length;
	}

	void shutdown() {
		for (EventLoop loop : this.loops) {
			loop.shutdown();
		}
	}

}
