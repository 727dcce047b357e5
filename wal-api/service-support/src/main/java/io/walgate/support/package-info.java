/** What the controller, gateway and worker share instead of copying. */
package io.walgate.support;
