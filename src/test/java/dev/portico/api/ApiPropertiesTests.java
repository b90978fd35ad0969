package dev.portico.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiPropertiesTests {

	@Test
	void shouldMaskThePasswordWhenPrinted() {
		ApiProperties properties = new ApiProperties("admin", "s3cret-value", true, null, 10, java.util.List.of());
		assertThat(properties.toString()).doesNotContain("s3cret-value").contains("admin", "******");
		assertThat(properties.password()).isEqualTo("s3cret-value");
	}

}
