package dev.portico.tcp;

/**
 * Told by a {@link FrameReader} when a frame begins to arrive and when it is whole, so
 * the watchdog can close a connection whose frame trickles in slower than the frame
 * timeout.
 */
public interface FrameClock {

	/** A clock for readers whose frames have no timeout. */
	FrameClock NONE = new FrameClock() {

		@Override
		public void frameStarted() {
		}

		@Override
		public void frameEnded() {
		}

	};

	/** A frame has begun to arrive: it must be whole within the frame timeout. */
	void frameStarted();

	/** The frame is whole. */
	void frameEnded();

}
