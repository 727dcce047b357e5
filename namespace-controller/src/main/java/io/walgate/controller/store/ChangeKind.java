package io.walgate.controller.store;

/** What a change-feed entry records. */
public enum ChangeKind {
    CREATED,
    UPDATED,
    PAUSED,
    RESUMED,
    DELETED
}
