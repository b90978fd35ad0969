package dev.portico;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

/**
 * Rules Spring Modulith does not check: what the protocol module and the server may
 * depend on.
 */
class ArchitectureTests {

	private static final JavaClasses MAIN = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.portico");

	@Test
	void shouldKeepTheProtocolModulePureWireCodecs() {
		classes().that()
			.resideInAPackage("dev.portico.protocol..")
			.should()
			.onlyDependOnClassesThat()
			.resideInAnyPackage("dev.portico.protocol..", "java..", "tools.jackson..", "com.fasterxml.jackson..")
			.because("the wire codecs are plain Java and Jackson: no Spring, no Spring Integration")
			.check(MAIN);
	}

}
