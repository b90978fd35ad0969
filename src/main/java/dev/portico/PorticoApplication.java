package dev.portico;

import dev.portico.cli.PorticoCli;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Portico: raw TCP and UDP listeners, observed and steered over HTTP. */
@SpringBootApplication
public class PorticoApplication {

	public static void main(String[] args) {
		// "client ..." and "bench ..." run the bundled tools without starting Spring.
		if (PorticoCli.handles(args)) {
			System.exit(PorticoCli.execute(args));
		}
		SpringApplication.run(PorticoApplication.class, args);
	}

}
