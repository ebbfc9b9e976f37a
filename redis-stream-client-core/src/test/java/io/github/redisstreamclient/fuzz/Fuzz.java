package io.github.redisstreamclient.fuzz;

import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Checks a property over generated inputs: a small property-based test runner on plain JUnit Jupiter.
 * <p>
 * Each run draws a new seed unless the system property {@value #SEED} gives one, so the suite keeps exploring; a
 * failure names the seed, the try and the input shrunk to what still fails, and replays exactly with
 * {@code ./mvnw -pl redis-stream-client-core -am test -Dtest=<TestClass> -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfuzz.seed=<seed>}. {@value #FACTOR} multiplies every property's tries for a longer hunt.
 * <p>
 * Why not jqwik: its maintainers ask that it not be used by AI coding agents, which wrote this suite; and it runs on
 * JUnit Platform 1, while Spring Boot 4.1 brings Platform 6.
 */
public final class Fuzz {

	/** System property with the seed to replay. */
	public static final String SEED = "fuzz.seed";

	/** System property multiplying every property's tries. */
	public static final String FACTOR = "fuzz.factor";

	/** Property runs a shrink may spend: bounded, since an input may be megabytes. */
	private static final int SHRINK_BUDGET = 3_000;

	private static final long SHRINK_NANOS = 10_000_000_000L;

	private static final int SHOWN = 300;

	/** Candidates one shrink step considers, so that a big input does not fill the heap with copies of itself. */
	private static final int MAX_CANDIDATES = 100;

	private Fuzz() {
	}

	/**
	 * Runs {@code property} on {@code tries} inputs from {@code generator}; the property fails by throwing anything.
	 * @throws AssertionError naming the seed and the shrunk input
	 */
	public static <T> void check(int tries, Function<Random, T> generator, Shrinker<T> shrinker,
			Property<T> property) {
		long seed = seed();
		int total = tries * Integer.getInteger(FACTOR, 1);
		Random seeds = new Random(seed);
		for (int i = 1; i <= total; i++) {
			T input = generator.apply(new Random(seeds.nextLong()));
			Throwable failure = failure(property, input);
			if (failure != null) {
				T shrunk = shrink(input, failure.getClass(), shrinker, property);
				Throwable shrunkFailure = failure(property, shrunk);
				throw new AssertionError("Falsified at try " + i + " of " + total + "; replay with -D" + SEED + "="
						+ seed + "\n  shrunk input: " + render(shrunk) + "\n  failure on it: " + shrunkFailure
						+ "\n  original input: " + render(input), (shrunkFailure != null) ? shrunkFailure : failure);
			}
		}
	}

	/**
	 * Runs a test that draws its inputs from {@code Random} itself, such as an integration test that puts a few dozen
	 * generated entries on a stream, under the same seed policy.
	 * @throws AssertionError naming the seed, when the test fails
	 */
	public static void run(Property<Random> test) {
		long seed = seed();
		try {
			test.check(new Random(seed));
		}
		catch (Throwable ex) {
			throw new AssertionError("Failed; replay with -D" + SEED + "=" + seed + "\n" + ex, ex);
		}
	}

	private static long seed() {
		String fixed = System.getProperty(SEED);
		return (fixed != null && !fixed.isBlank()) ? Long.parseLong(fixed.trim()) : new Random().nextLong();
	}

	private static <T> Throwable failure(Property<T> property, T input) {
		try {
			property.check(input);
			return null;
		}
		catch (Throwable ex) {
			// Errors too: a StackOverflowError or OutOfMemoryError is exactly what the properties look for.
			return ex;
		}
	}

	/** Greedy: takes the first smaller candidate that fails the same way, until none does or the budget is spent. */
	private static <T> T shrink(T input, Class<?> failureType, Shrinker<T> shrinker, Property<T> property) {
		T current = input;
		int budget = SHRINK_BUDGET;
		long deadline = System.nanoTime() + SHRINK_NANOS;
		boolean smaller = true;
		while (smaller && budget > 0) {
			smaller = false;
			for (T candidate : shrinker.candidates(current)) {
				if (budget-- <= 0 || System.nanoTime() > deadline) {
					budget = 0;
					break;
				}
				Throwable failure = failure(property, candidate);
				if (failure != null && failure.getClass() == failureType) {
					current = candidate;
					smaller = true;
					break;
				}
			}
		}
		return current;
	}

	/** Java-escaped, middle cut when long, with its length, so a report never repeats a megabyte. */
	public static String render(Object value) {
		if (value instanceof Map<?, ?> map) {
			List<String> entries = new ArrayList<>();
			map.forEach((k, v) -> entries.add(render(k) + "=" + render(v)));
			return "{" + String.join(", ", entries) + "}";
		}
		if (value instanceof byte[] bytes) {
			StringBuilder hex = new StringBuilder("bytes[" + bytes.length + "] ");
			for (int i = 0; i < Math.min(bytes.length, SHOWN / 2); i++) {
				hex.append(String.format("%02x", bytes[i]));
			}
			return hex.toString();
		}
		String text = String.valueOf(value);
		StringBuilder out = new StringBuilder("\"");
		String shown = (text.length() <= SHOWN) ? text
				: text.substring(0, SHOWN / 2) + "<...>" + text.substring(text.length() - SHOWN / 2);
		for (char c : shown.toCharArray()) {
			if (c == '"' || c == '\\') {
				out.append('\\').append(c);
			}
			else if (c >= 0x20 && c < 0x7f) {
				out.append(c);
			}
			else {
				out.append(String.format("\\u%04x", (int) c));
			}
		}
		out.append('"');
		return (text.length() <= SHOWN) ? out.toString() : out + " (" + text.length() + " chars)";
	}

	/** What must hold for every input; it fails by throwing. */
	@FunctionalInterface
	public interface Property<T> {

		void check(T input) throws Exception;

	}

	/** Smaller inputs that may still fail, most promising first. */
	@FunctionalInterface
	public interface Shrinker<T> {

		Iterable<T> candidates(T value);

		/** Cuts chunks out of a string: halves first, then smaller pieces, down to single chars. */
		static Shrinker<String> strings() {
			return (text) -> {
				List<Supplier<String>> candidates = new ArrayList<>();
				for (int chunk = Math.max(1, text.length() / 2); chunk >= 1; chunk /= 2) {
					for (int from = 0; from + chunk <= text.length() && candidates.size() < MAX_CANDIDATES; from += chunk) {
						int start = from;
						int length = chunk;
						candidates.add(() -> text.substring(0, start) + text.substring(start + length));
					}
				}
				return lazily(candidates);
			};
		}

		/** Drops runs of entries (halves first), then shrinks values, then keys. */
		static Shrinker<Map<String, String>> fieldMaps() {
			Shrinker<String> strings = strings();
			return (fields) -> {
				List<Map.Entry<String, String>> entries = new ArrayList<>(fields.entrySet());
				List<Supplier<Map<String, String>>> candidates = new ArrayList<>();
				for (int chunk = Math.max(1, entries.size() / 2); chunk >= 1; chunk /= 2) {
					for (int from = 0; from + chunk <= entries.size() && candidates.size() < MAX_CANDIDATES; from += chunk) {
						int start = from;
						int length = chunk;
						candidates.add(() -> {
							List<Map.Entry<String, String>> kept = new ArrayList<>(entries.subList(0, start));
							kept.addAll(entries.subList(start + length, entries.size()));
							return toMap(kept);
						});
					}
				}
				List<Iterable<Map<String, String>>> parts = new ArrayList<>();
				parts.add(lazily(candidates));
				for (int i = 0; i < Math.min(entries.size(), 10); i++) {
					int index = i;
					Map.Entry<String, String> entry = entries.get(i);
					parts.add(mapped(strings.candidates(entry.getValue()), (smaller) -> {
						List<Map.Entry<String, String>> changed = new ArrayList<>(entries);
						changed.set(index, new SimpleEntry<>(entry.getKey(), smaller));
						return toMap(changed);
					}));
					parts.add(mapped(strings.candidates(entry.getKey()), (smaller) -> {
						List<Map.Entry<String, String>> changed = new ArrayList<>(entries);
						changed.set(index, new SimpleEntry<>(smaller, entry.getValue()));
						return toMap(changed);
					}));
				}
				return concat(parts);
			};
		}

		/** One part after the other; each candidate made only when asked for (a stream would buffer a part). */
		private static <T> Iterable<T> concat(List<Iterable<T>> parts) {
			return () -> new Iterator<>() {

				private final Iterator<Iterable<T>> rest = parts.iterator();

				private Iterator<T> current = Collections.emptyIterator();

				@Override
				public boolean hasNext() {
					while (!this.current.hasNext() && this.rest.hasNext()) {
						this.current = this.rest.next().iterator();
					}
					return this.current.hasNext();
				}

				@Override
				public T next() {
					if (!hasNext()) {
						throw new NoSuchElementException();
					}
					return this.current.next();
				}

			};
		}

		private static <T> Iterable<T> lazily(List<Supplier<T>> candidates) {
			return mapped(candidates, Supplier::get);
		}

		private static <S, T> Iterable<T> mapped(Iterable<S> source, Function<S, T> make) {
			return () -> {
				Iterator<S> sources = source.iterator();
				return new Iterator<>() {

					@Override
					public boolean hasNext() {
						return sources.hasNext();
					}

					@Override
					public T next() {
						return make.apply(sources.next());
					}

				};
			};
		}

		private static Map<String, String> toMap(List<Map.Entry<String, String>> entries) {
			Map<String, String> map = new LinkedHashMap<>();
			entries.forEach((entry) -> map.put(entry.getKey(), entry.getValue()));
			return map;
		}

	}

}
