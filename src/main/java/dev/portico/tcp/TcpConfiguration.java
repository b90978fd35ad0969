package dev.portico.tcp;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires what every TCP listener shares. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TcpProperties.class)
class TcpConfiguration {

	@Bean
	BufferBudget bufferBudget(TcpProperties properties) {
		return new BufferBudget(properties.maxBufferedBytes().toBytes());
	}

	@Bean
	TcpServers tcpServers(TcpProperties properties, BufferBudget bufferBudget, ApplicationEventPublisher eventPublisher,
			BeanFactory beanFactory, SslBundles sslBundles) {
		ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "portico-watchdog");
			thread.setDaemon(true);
			return thread;
		});
		return new TcpServers(bufferBudget, properties.platformThreads(), properties.tcpEngine(),
				properties.eventLoopCount(), watchdog, eventPublisher, beanFactory,
				ConnectionLimit.forProcess(properties.maxConnections()), new TlsContexts(sslBundles));
	}

}
