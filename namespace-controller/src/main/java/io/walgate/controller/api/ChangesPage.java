package io.walgate.controller.api;

import java.util.List;

/**
 * An answer of the change feed.
 *
 * @param changes every change after the requested version, oldest first (at most {@code limit})
 * @param lastVersion ask with {@code after=lastVersion} next; equals the request's {@code after}
 *     when nothing changed before the wait ran out
 */
public record ChangesPage(List<ChangeView> changes, long lastVersion) {}
