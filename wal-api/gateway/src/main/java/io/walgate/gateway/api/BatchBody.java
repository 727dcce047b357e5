package io.walgate.gateway.api;

import java.util.List;

/** A batch of entries for one namespace. */
public record BatchBody(List<EntryBody> entries) {}
