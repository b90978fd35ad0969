package dev.portico.cli.support;

import java.nio.charset.StandardCharsets;
import java.util.List;

import picocli.CommandLine.Parameters;

/** The clients' {@code TEXT} parameters: words joined by spaces, sent as UTF-8. */
public final class TextArgument {

	@Parameters(paramLabel = "TEXT", arity = "1..*", description = "Text to send (several words are joined by spaces).")
	private List<String> words;

	/** The text as the bytes to send. */
	public byte[] bytes() {
		return String.join(" ", this.words).getBytes(StandardCharsets.UTF_8);
	}

}
