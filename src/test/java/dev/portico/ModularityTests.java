package dev.portico;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module boundaries, verified: each top-level package under {@code dev.portico} is an
 * application module; no cycles between them, and no module reaches into another's
 * internal (sub-)packages. The diagrams in {@code docs/architecture/} are written from
 * the same model, so the picture cannot drift from the code.
 */
class ModularityTests {

	private static final ApplicationModules MODULES = ApplicationModules.of(PorticoApplication.class);

	private static final Path DOCS = Path.of("docs/architecture");

	@Test
	void shouldHaveNoCyclesAndNoModuleUsingAnotherModulesInternals() {
		MODULES.verify();
	}

	/**
	 * Writes the diagrams and canvases into {@code target/} and copies a file into
	 * {@code docs/architecture/} only when it says something new: the documenter lists
	 * relations in no fixed order, and a build should not dirty the tree by reordering
	 * them.
	 */
	@Test
	void shouldWriteTheModuleDiagramsAndCanvasesIntoTheArchitecturePage() throws IOException {
		Path written = Path.of("target/architecture");
		new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(written.toString()))
			.writeModulesAsPlantUml()
			.writeIndividualModulesAsPlantUml()
			.writeModuleCanvases();
		List<Path> files;
		try (Stream<Path> list = Files.list(written)) {
			files = list.toList();
		}
		assertThat(files).isNotEmpty();
		Files.createDirectories(DOCS);
		for (Path file : files) {
			Path committed = DOCS.resolve(file.getFileName());
			if (!Files.exists(committed) || !sortedLines(committed).equals(sortedLines(file))) {
				Files.copy(file, committed, StandardCopyOption.REPLACE_EXISTING);
			}
		}
	}

	private static List<String> sortedLines(Path file) throws IOException {
		return Files.readAllLines(file).stream().sorted().toList();
	}

}
