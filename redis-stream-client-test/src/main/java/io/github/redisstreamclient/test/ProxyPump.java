package io.github.redisstreamclient.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * Copies one direction of a {@link ProxyConnection}, on a thread of its own, under the current {@link ProxyFaults}.
 * <p>
 * Chunks wait in arrival order until they are due (read time plus latency) and nothing is written during a black
 * hole. While a chunk waits for its latency the pump keeps reading, with a socket timeout that ends when the oldest
 * chunk is due, so latency delays every chunk by the same amount instead of adding up from one chunk to the next.
 * During a black hole, or once {@value #MAX_HELD_BYTES} bytes are held, it stops reading: the rest waits in the
 * kernel's buffers and then in the sender's, as on a real network, and no byte is ever dropped.
 */
final class ProxyPump {

	static final int MAX_HELD_BYTES = 1024 * 1024;

	private static final int BUFFER_SIZE = 16 * 1024;

	private final Socket source;

	private final Socket destination;

	private final ProxyFaults faults;

	private final ProxyConnection connection;

	private final byte[] buffer = new byte[BUFFER_SIZE];

	// Touched only by the pump's own thread.
	private final Deque<Chunk> held = new ArrayDeque<>();

	private int heldBytes;

	private boolean endOfStream;

	ProxyPump(Socket source, Socket destination, ProxyFaults faults, ProxyConnection connection) {
		this.source = source;
		this.destination = destination;
		this.faults = faults;
		this.connection = connection;
	}

	/** Pumps until the source ends (then half-closes the destination) or the connection is aborted. */
	void run() {
		try {
			InputStream in = this.source.getInputStream();
			OutputStream out = this.destination.getOutputStream();
			while (!this.connection.isClosed()) {
				ProxyFaults.State state = this.faults.state();
				Chunk head = this.held.peekFirst();
				if (head == null && this.endOfStream) {
					// Passes the sender's FIN on only after everything it sent before it.
					this.destination.shutdownOutput();
					this.connection.pumpFinished();
					return;
				}
				long untilDue = (head == null || state.blackholed()) ? Long.MAX_VALUE
						: head.readAt() + state.latencyNanos() - System.nanoTime();
				if (untilDue <= 0) {
					out.write(head.bytes());
					this.held.removeFirst();
					this.heldBytes -= head.bytes().length;
				}
				else if (state.blackholed() || this.endOfStream || this.heldBytes >= MAX_HELD_BYTES) {
					this.faults.awaitChange(state.version(), untilDue);
				}
				else {
					read(in, (head != null) ? untilDue : 0);
				}
			}
		}
		catch (IOException ex) {
			// Expected when the connection is cut or the proxy closed; otherwise a peer reset, passed on as one.
			this.connection.abort();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.connection.abort();
		}
	}

	// Reads one chunk, waiting no longer than timeoutNanos (0: no limit) so a held chunk is written when due.
	private void read(InputStream in, long timeoutNanos) throws IOException {
		long timeoutMillis = (timeoutNanos == 0) ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + 1);
		this.source.setSoTimeout((int) Math.min(timeoutMillis, Integer.MAX_VALUE));
		int count;
		try {
			count = in.read(this.buffer);
		}
		catch (SocketTimeoutException ex) {
			return;
		}
		if (count < 0) {
			this.endOfStream = true;
			return;
		}
		this.held.addLast(new Chunk(Arrays.copyOf(this.buffer, count), System.nanoTime()));
		this.heldBytes += count;
	}

	private record Chunk(byte[] bytes, long readAt) {

	}

}
