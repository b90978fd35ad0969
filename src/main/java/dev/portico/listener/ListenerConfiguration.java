package dev.portico.listener;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import jakarta.validation.Validator;

import org.springframework.beans.factory.BeanFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.portico.connection.BufferBudget;

/** Wires the listener registry and what TCP listener types share. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ListenersProperties.class)
class ListenerConfiguration {

	@Bean(destroyMethod = "shutdownNow")
	ScheduledExecutorService porticoScheduler() {
		return Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "portico-watchdog");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Bean
	BufferBudget bufferBudget(ListenersProperties properties) {
		return new BufferBudget(properties.maxBufferedBytes().toBytes());
	}

	@Bean
	TcpListeners tcpListeners(ListenersProperties properties, BufferBudget bufferBudget,
			ScheduledExecutorService porticoScheduler, ApplicationEventPublisher eventPublisher,
			BeanFactory beanFactory) {
		return new TcpListeners(bufferBudget, properties.platformThreads(), porticoScheduler, eventPublisher,
				beanFactory);
	}

	@Bean
	ListenerRegistry listenerRegistry(ListenersProperties properties, List<ListenerRuntimeProvider> providers,
			Validator validator) {
		return new ListenerRegistry(properties, providers, validator);
	}

}
