package dev.portico;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The module boundaries, verified: each top-level package under {@code dev.portico} is an
 * application module; no cycles between them, and no module reaches into another's
 * internal (sub-)packages. The diagrams in {@code docs/architecture/} are written from
 * the same model, so the picture cannot drift from the code.
 */
class ModularityTests {

	private static final ApplicationModules MODULES = ApplicationModules.of(PorticoApplication.class);

	@Test
	void shouldHaveNoCyclesAndNoModuleUsingAnotherModulesInternals() {
		MODULES.verify();
	}

	@Test
	void shouldWriteTheModuleDiagramsAndCanvasesIntoTheArchitecturePage() {
		new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder("docs/architecture"))
			.writeModulesAsPlantUml()
			.writeIndividualModulesAsPlantUml()
			.writeModuleCanvases();
	}

}
