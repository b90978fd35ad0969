package dev.portico.tcp;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.portico.tcp.OutboundQueue.Batch;
import dev.portico.tcp.OutboundQueue.Offer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class OutboundQueueTests {

	@Test
	void shouldAskForAWriterOnlyWhenNoneIsDraining() {
		OutboundQueue queue = new OutboundQueue(100);
		assertThat(queue.offer(new byte[10])).isEqualTo(Offer.QUEUED_START_WRITER);
		assertThat(queue.offer(new byte[10])).isEqualTo(Offer.QUEUED);
		assertThat(queue.bytes()).isEqualTo(20);
		assertThat(queue.messages()).isEqualTo(2);
	}

	@Test
	void shouldJoinQueuedItemsInOrderAndCountThemUntilWritten() {
		OutboundQueue queue = new OutboundQueue(100);
		queue.offer(new byte[] { 1, 2 });
		queue.offer(new byte[] { 3 });
		Batch batch = queue.poll(1024);
		assertThat(batch.bytes()).containsExactly(1, 2, 3);
		assertThat(batch.messages()).isEqualTo(2);
		assertThat(queue.bytes()).isEqualTo(3);
		queue.written(batch);
		assertThat(queue.bytes()).isZero();
		assertThat(queue.messages()).isZero();
		assertThat(queue.poll(1024)).isNull();
		assertThat(queue.offer(new byte[1])).isEqualTo(Offer.QUEUED_START_WRITER);
	}

	@Test
	void shouldRefuseAnItemThatWouldPassTheBoundButAcceptALargeItemIntoAnEmptyQueue() {
		OutboundQueue queue = new OutboundQueue(10);
		assertThat(queue.offer(new byte[50])).isEqualTo(Offer.QUEUED_START_WRITER);
		assertThat(queue.offer(new byte[1])).isEqualTo(Offer.FULL);
	}

	@Test
	void shouldBlockAnOfferUntilThereIsRoomWhenWaiting() throws Exception {
		OutboundQueue queue = new OutboundQueue(10);
		queue.offer(new byte[10]);
		CompletableFuture<Offer> waiting = offerWaiting(queue, 5);
		assertThat(waiting).isNotDone();
		queue.written(queue.poll(100));
		await().atMost(5, TimeUnit.SECONDS).until(waiting::isDone);
		// the writer that polled is still draining, so no second writer is asked for
		assertThat(waiting.get()).isEqualTo(Offer.QUEUED);
	}

	@Test
	void shouldGiveUpAnOfferAfterTheTimeoutWhenNothingDrains() throws Exception {
		OutboundQueue queue = new OutboundQueue(10);
		queue.offer(new byte[10]);
		assertThat(queue.offer(new byte[1], 50, TimeUnit.MILLISECONDS)).isEqualTo(Offer.FULL);
	}

	@Test
	void shouldRefuseItemsPastTheSharedBudgetUntilAnotherQueueWritesAndReleaseItOnClose() throws Exception {
		BufferBudget budget = new BufferBudget(10);
		OutboundQueue first = new OutboundQueue(100, budget);
		OutboundQueue second = new OutboundQueue(100, budget);
		assertThat(first.offer(new byte[8])).isEqualTo(Offer.QUEUED_START_WRITER);
		assertThat(second.offer(new byte[4])).isEqualTo(Offer.OVERLOADED);
		assertThat(second.offer(new byte[4], 20, TimeUnit.MILLISECONDS)).isEqualTo(Offer.OVERLOADED);
		CompletableFuture<Offer> waiting = offerWaiting(second, 4);
		first.written(first.poll(100));
		await().atMost(5, TimeUnit.SECONDS).until(waiting::isDone);
		assertThat(waiting.get()).isEqualTo(Offer.QUEUED_START_WRITER);
		assertThat(budget.used()).isEqualTo(4);
		second.close();
		assertThat(budget.used()).isZero();
	}

	@Test
	void shouldWakeWaitersAndRefuseItemsWhenClosed() throws Exception {
		OutboundQueue queue = new OutboundQueue(10);
		queue.offer(new byte[10]);
		CompletableFuture<Offer> waiting = offerWaiting(queue, 5);
		queue.close();
		await().atMost(5, TimeUnit.SECONDS).until(waiting::isDone);
		assertThat(waiting.get()).isEqualTo(Offer.CLOSED);
		assertThat(queue.bytes()).isZero();
		assertThat(queue.offer(new byte[1])).isEqualTo(Offer.CLOSED);
	}

	/** Offer {@code size} bytes on another thread, waiting up to 10 s for room. */
	private static CompletableFuture<Offer> offerWaiting(OutboundQueue queue, int size) {
		return CompletableFuture.supplyAsync(() -> {
			try {
				return queue.offer(new byte[size], 10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

}
