package dev.portico.cli;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import org.springframework.boot.convert.DurationStyle;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The command line's boundaries: it runs from the server's jar without a Spring context,
 * so it uses only the wire codecs and its own libraries, and its packages form no cycle.
 */
class CliArchitectureTests {

	private static final JavaClasses MAIN = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.portico");

	private static final JavaClasses CLI = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.portico.cli");

	@Test
	void cliShouldDependOnlyOnTheProtocolAndItsOwnLibraries() {
		classes().that()
			.resideInAPackage("dev.portico.cli..")
			.should()
			.onlyDependOnClassesThat(resideInAnyPackage("java..", "dev.portico.cli..", "dev.portico.protocol..",
					"picocli..", "org.HdrHistogram..", "tools.jackson..", "com.fasterxml.jackson.annotation..")
				.or(equivalentTo(DurationStyle.class)))
			.check(CLI);
	}

	@Test
	void cliSubPackagesShouldBeFreeOfCycles() {
		slices().matching("dev.portico.cli.(*)..").should().beFreeOfCycles().check(CLI);
	}

	@Test
	void cliPackagesShouldBeFreeOfCyclesWithTheTopCommand() {
		// The slices above leave out the root package: every package, the root included,
		// is a slice here.
		slices().matching("dev.portico.(**)").should().beFreeOfCycles().check(CLI);
	}

	@Test
	void serverShouldNeverImportTheCli() {
		noClasses().that()
			.resideOutsideOfPackage("dev.portico.cli..")
			.and()
			.doNotHaveFullyQualifiedName("dev.portico.PorticoLauncher")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.portico.cli..")
			.check(MAIN);
	}

}
