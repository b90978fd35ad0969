/** Netty echo server used only as a comparison peer by bench/compare.sh. */
package dev.portico.bench.netty;
