package io.github.redisstreamclient.core.internal;

/**
 * Short, printable excerpts of bad input, for the reasons stored with dead letters and logged: a reason names what
 * is wrong and may quote the input, but never a megabyte of it, never a control character that breaks a log line,
 * and never a lone surrogate, which UTF-8 (what Redis stores) cannot hold.
 */
public final class Excerpt {

	/** Most characters an excerpt has before its cut. */
	public static final int MAX_LENGTH = 200;

	private Excerpt() {
	}

	/** {@code text} with control characters and lone surrogates as {@code \}{@code uXXXX}, cut at {@link #MAX_LENGTH}. */
	public static String of(String text) {
		StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LENGTH) + 24);
		int i = 0;
		while (i < text.length() && out.length() < MAX_LENGTH) {
			int codePoint = text.codePointAt(i);
			if (Character.isISOControl(codePoint) || isSurrogate(codePoint)) {
				out.append(String.format("\\u%04x", codePoint));
			}
			else {
				out.appendCodePoint(codePoint);
			}
			i += Character.charCount(codePoint);
		}
		if (i < text.length()) {
			out.append("... (").append(text.length()).append(" chars)");
		}
		return out.toString();
	}

	/** Index of the first lone surrogate in {@code text}, or -1 when UTF-8 can represent it exactly. */
	public static int loneSurrogateAt(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				i++;
			}
			else if (Character.isSurrogate(c)) {
				return i;
			}
		}
		return -1;
	}

	private static boolean isSurrogate(int codePoint) {
		return codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE;
	}

}
