package dev.portico;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Portico: raw TCP and UDP listeners, observed and steered over HTTP. The jar starts
 * through {@link PorticoLauncher}, which runs the bundled command line without this
 * context.
 */
@SpringBootApplication
public class PorticoApplication {

	public static void main(String[] args) {
		SpringApplication.run(PorticoApplication.class, args);
	}

}
