/** Plain-Java client of the namespace controller (change feed, namespace cache, OAuth tokens). */
package io.walgate.client;
