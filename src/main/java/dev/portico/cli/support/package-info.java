/**
 * What every command shares: options (mixins), exit codes, socket helpers, one-line
 * failures.
 */
package dev.portico.cli.support;
