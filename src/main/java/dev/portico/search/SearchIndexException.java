package dev.portico.search;

import java.nio.file.Path;

/** The search index file could not be read or written; the message names the file. */
public class SearchIndexException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient Path file;

	public SearchIndexException(Path file, String message, Throwable cause) {
		super(message, cause);
		this.file = file;
	}

	public Path getFile() {
		return this.file;
	}

}
