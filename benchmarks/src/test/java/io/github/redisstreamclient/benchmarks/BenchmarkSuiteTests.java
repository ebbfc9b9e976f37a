package io.github.redisstreamclient.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** How a subset run keeps the sections it did not run. */
class BenchmarkSuiteTests {

	@TempDir
	Path dir;

	@Test
	void sectionsOfThePageWrittenBeforeAreKeptWhenTheHarnessKeptNone() throws IOException {
		Path page = this.dir.resolve("PERFORMANCE.md");
		Files.writeString(page, """
				# Performance

				### Targets at a glance

				## 1. Lease renewal: 1k / 10k / 100k held leases, side by side

				_(Not re-run in the latest invocation: this is the result kept from the run stated below.)_

				<!-- run: 2026-11-24 00:38 UTC -->
				| target | measured | verdict |
				| --- | --- | --- |
				| renewal round trips per tick | 100 | **met** |

				**Notes.** Old notes.

				## 2. Assignment throughput

				<!-- run: 2026-11-24 00:38 UTC -->
				assignment as run then

				## Findings: what was missed

				### Not a section
				""", StandardCharsets.UTF_8);
		Path sections = Files.createDirectories(this.dir.resolve("sections"));
		Files.writeString(sections.resolve("assignment.md"), "kept by the harness\n", StandardCharsets.UTF_8);

		BenchmarkSuite.recoverMissingSections(page, sections);

		String renewal = Files.readString(sections.resolve("renewal.md"), StandardCharsets.UTF_8);
		assertThat(renewal).startsWith("<!-- run: 2026-11-24 00:38 UTC -->\n")
			.contains("| renewal round trips per tick | 100 | **met** |")
			.contains("**Notes.** Old notes.")
			.doesNotContain("Not re-run")
			.doesNotContain("Assignment")
			.doesNotContain(BenchmarkSuite.LAYOUT_V2);
		assertThat(Files.readString(sections.resolve("assignment.md"), StandardCharsets.UTF_8))
			.isEqualTo("kept by the harness\n");
		try (var kept = Files.list(sections)) {
			assertThat(kept.map((p) -> p.getFileName().toString())).containsExactlyInAnyOrder("renewal.md",
					"assignment.md");
		}
	}

	@Test
	void aSectionMarkerWinsOverTheHeadingNumber() throws IOException {
		Path page = this.dir.resolve("PERFORMANCE.md");
		Files.writeString(page, """
				## 7. Renamed and renumbered

				<!-- section: ownership -->
				<!-- run: 2026-12-03 08:40 UTC -->
				ownership as run then
				""", StandardCharsets.UTF_8);
		Path sections = Files.createDirectories(this.dir.resolve("sections"));

		BenchmarkSuite.recoverMissingSections(page, sections);

		assertThat(Files.readString(sections.resolve("ownership.md"), StandardCharsets.UTF_8))
			.isEqualTo("<!-- run: 2026-12-03 08:40 UTC -->\nownership as run then\n");
	}

}
