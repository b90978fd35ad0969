package dev.portico.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A socket's stream with bytes already read from it put back in front: the payload that
 * arrived in the same read as a PROXY protocol header. Once they are served, reads go
 * straight to the socket's stream.
 */
final class PrefixedInputStream extends InputStream {

	private final InputStream in;

	private byte[] prefix;

	private int position;

	PrefixedInputStream(byte[] prefix, InputStream in) {
		this.prefix = prefix;
		this.in = in;
	}

	@Override
	public int read() throws IOException {
		if (this.prefix != null) {
			int b = this.prefix[this.position++] & 0xFF;
			release();
			return b;
		}
		return this.in.read();
	}

	@Override
	public int read(byte[] buffer, int offset, int length) throws IOException {
		Objects.checkFromIndexSize(offset, length, buffer.length);
		if (this.prefix == null) {
			return this.in.read(buffer, offset, length);
		}
		if (length == 0) {
			return 0;
		}
		int n = Math.min(length, this.prefix.length - this.position);
		System.arraycopy(this.prefix, this.position, buffer, offset, n);
		this.position += n;
		release();
		return n;
	}

	@Override
	public int available() throws IOException {
		return (this.prefix != null) ? this.prefix.length - this.position : this.in.available();
	}

	@Override
	public void close() throws IOException {
		this.in.close();
	}

	private void release() {
		if (this.position == this.prefix.length) {
			this.prefix = null;
		}
	}

}
