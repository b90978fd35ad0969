package dev.portico.protocol;

import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON text exactly as Python's {@code json.dumps(obj, ensure_ascii=False)} does,
 * so that Portico's bytes match the reference Python server's.
 *
 * <p>
 * The format: {@code ", "} between members and items, {@code ": "} after keys (with an
 * indent: {@code ","} and a newline, as Python does). Strings escape the quote, the
 * backslash, the short escapes for newline, carriage return, tab, backspace and form
 * feed, and other control characters as a lower-case six-character unicode escape;
 * everything else, U+007F, U+2028 and U+2029 included, is written raw. One deliberate
 * difference: a lone surrogate (which Python writes raw and then fails to encode as
 * UTF-8) is written as a unicode escape, so the text always encodes to valid UTF-8 and
 * reads back unchanged.
 *
 * <p>
 * Values may be {@code String}, {@code Map} with string keys, {@code List},
 * {@code Boolean}, {@code null} and integral numbers ({@code Integer}, {@code Long},
 * {@code Short}, {@code Byte}, {@code BigInteger}); floating-point numbers are refused
 * because Python's float formatting differs from Java's.
 */
public final class PythonJson {

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private PythonJson() {
	}

	/**
	 * The compact form, {@code json.dumps(value, ensure_ascii=False)}.
	 * @param value the value to write
	 * @return the JSON text
	 */
	public static String write(Object value) {
		StringBuilder out = new StringBuilder(64);
		writeValue(out, value, -1, 0);
		return out.toString();
	}

	/**
	 * The indented form, {@code json.dumps(value, ensure_ascii=False, indent=indent)}.
	 * @param value the value to write
	 * @param indent spaces per level, zero or more
	 * @return the JSON text
	 */
	public static String write(Object value, int indent) {
		if (indent < 0) {
			throw new IllegalArgumentException("indent must not be negative");
		}
		StringBuilder out = new StringBuilder(64);
		writeValue(out, value, indent, 0);
		return out.toString();
	}

	/**
	 * Append a JSON string literal, quotes included.
	 * @param out where to write
	 * @param value the string
	 */
	public static void writeString(StringBuilder out, String value) {
		out.append('"');
		int length = value.length();
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				case '\b' -> out.append("\\b");
				case '\f' -> out.append("\\f");
				default -> {
					if (c < 0x20) {
						appendUnicodeEscape(out, c);
					}
					else if (Character.isHighSurrogate(c) && i + 1 < length
							&& Character.isLowSurrogate(value.charAt(i + 1))) {
						out.append(c).append(value.charAt(++i));
					}
					else if (Character.isSurrogate(c)) {
						appendUnicodeEscape(out, c);
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

	private static void appendUnicodeEscape(StringBuilder out, char c) {
		out.append("\\u")
			.append(HEX[(c >> 12) & 0xF])
			.append(HEX[(c >> 8) & 0xF])
			.append(HEX[(c >> 4) & 0xF])
			.append(HEX[c & 0xF]);
	}

	private static void writeValue(StringBuilder out, Object value, int indent, int level) {
		if (value == null) {
			out.append("null");
		}
		else if (value instanceof String string) {
			writeString(out, string);
		}
		else if (value instanceof Boolean bool) {
			out.append(bool ? "true" : "false");
		}
		else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
				|| value instanceof BigInteger) {
			out.append(value);
		}
		else if (value instanceof Map<?, ?> map) {
			writeMap(out, map, indent, level);
		}
		else if (value instanceof List<?> list) {
			writeList(out, list, indent, level);
		}
		else {
			throw new IllegalArgumentException("Cannot write a " + value.getClass().getName() + " as Python JSON");
		}
	}

	private static void writeMap(StringBuilder out, Map<?, ?> map, int indent, int level) {
		if (map.isEmpty()) {
			out.append("{}");
			return;
		}
		out.append('{');
		Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
		while (entries.hasNext()) {
			Map.Entry<?, ?> entry = entries.next();
			if (!(entry.getKey() instanceof String key)) {
				throw new IllegalArgumentException("JSON object keys must be strings, got " + entry.getKey());
			}
			newline(out, indent, level + 1);
			writeString(out, key);
			out.append(": ");
			writeValue(out, entry.getValue(), indent, level + 1);
			if (entries.hasNext()) {
				out.append((indent < 0) ? ", " : ",");
			}
		}
		newline(out, indent, level);
		out.append('}');
	}

	private static void writeList(StringBuilder out, List<?> list, int indent, int level) {
		if (list.isEmpty()) {
			out.append("[]");
			return;
		}
		out.append('[');
		Iterator<?> items = list.iterator();
		while (items.hasNext()) {
			newline(out, indent, level + 1);
			writeValue(out, items.next(), indent, level + 1);
			if (items.hasNext()) {
				out.append((indent < 0) ? ", " : ",");
			}
		}
		newline(out, indent, level);
		out.append(']');
	}

	private static void newline(StringBuilder out, int indent, int level) {
		if (indent >= 0) {
			out.append('\n');
			out.append(" ".repeat(indent * level));
		}
	}

}
