package dev.portico.listener;

import java.util.List;

import jakarta.validation.Validator;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Wires the listener registry with every {@link ListenerType} the type packages
 * contribute.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ListenersProperties.class)
class ListenerConfiguration {

	@Bean
	ListenerDefinitions listenerDefinitions(List<ListenerType> types, Validator validator) {
		return new ListenerDefinitions(types, validator);
	}

	@Bean
	ListenerRegistry listenerRegistry(ListenersProperties properties, ListenerDefinitions definitions,
			ConfigurableEnvironment environment, BeanFactory beanFactory, ApplicationEventPublisher events) {
		return new ListenerRegistry(properties, definitions, environment, beanFactory, events);
	}

}
