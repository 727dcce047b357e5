package io.walgate.terraform;

import com.google.protobuf.ByteString;
import io.walgate.terraform.proto.Tfplugin6.Schema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One attribute of a schema: its type (or nested attributes), whether configuration must, may or
 * cannot set it, and how two of its values compare. The same declaration gives Terraform its
 * schema, the provider its value types, and the plan its rules.
 *
 * @param nesting how {@code nested} attributes are grouped ({@link Nesting#NONE} for a plain type)
 * @param semantics how values compare: a duration written {@code P7D} is the controller's {@code
 *     PT168H}, {@code kafka} its {@code KAFKA}
 */
record Attr(
        String name,
        TfType plainType,
        Kind kind,
        Nesting nesting,
        List<Attr> nested,
        Semantics semantics,
        boolean sensitive,
        String description) {

    enum Kind {
        REQUIRED,
        OPTIONAL,
        /** Configuration may set it; when it does not, the provider plans the value the controller fills in. */
        OPTIONAL_COMPUTED,
        COMPUTED
    }

    enum Nesting {
        NONE,
        SINGLE,
        MAP,
        LIST
    }

    enum Semantics {
        EXACT,
        DURATION,
        ENUM
    }

    static Attr of(String name, TfType type, Kind kind, String description) {
        return new Attr(name, type, kind, Nesting.NONE, List.of(), Semantics.EXACT, false, description);
    }

    static Attr nested(String name, Nesting nesting, Kind kind, String description, Attr... attributes) {
        return new Attr(name, null, kind, nesting, List.of(attributes), Semantics.EXACT, false, description);
    }

    Attr with(Semantics s) {
        return new Attr(name, plainType, kind, nesting, nested, s, sensitive, description);
    }

    Attr secret() {
        return new Attr(name, plainType, kind, nesting, nested, semantics, true, description);
    }

    /** The same attribute, only ever set by the provider (for data sources). */
    Attr computedOnly() {
        return new Attr(
                name,
                plainType,
                Kind.COMPUTED,
                nesting,
                nested.stream().map(Attr::computedOnly).toList(),
                semantics,
                sensitive,
                description);
    }

    boolean computed() {
        return kind == Kind.COMPUTED || kind == Kind.OPTIONAL_COMPUTED;
    }

    /** The type of this attribute's values. */
    TfType type() {
        return switch (nesting) {
            case NONE -> plainType;
            case SINGLE -> objectType(nested);
            case MAP -> new TfType.MapOf(objectType(nested));
            case LIST -> new TfType.ListOf(objectType(nested));
        };
    }

    static TfType.ObjectOf objectType(List<Attr> attributes) {
        Map<String, TfType> types = new LinkedHashMap<>();
        attributes.forEach(a -> types.put(a.name(), a.type()));
        return new TfType.ObjectOf(types);
    }

    /** The attribute named {@code name} of {@code attributes}. */
    static Attr find(List<Attr> attributes, String name) {
        return attributes.stream()
                .filter(a -> a.name().equals(name))
                .findFirst()
                .orElse(null);
    }

    Schema.Attribute toProto() {
        Schema.Attribute.Builder b = Schema.Attribute.newBuilder()
                .setName(name)
                .setDescription(description)
                .setRequired(kind == Kind.REQUIRED)
                .setOptional(kind == Kind.OPTIONAL || kind == Kind.OPTIONAL_COMPUTED)
                .setComputed(computed())
                .setSensitive(sensitive);
        if (nesting == Nesting.NONE) {
            b.setType(ByteString.copyFromUtf8(plainType.json()));
        } else {
            b.setNestedType(Schema.Object.newBuilder()
                    .addAllAttributes(nested.stream().map(Attr::toProto).toList())
                    .setNesting(Schema.Object.NestingMode.valueOf(nesting.name())));
        }
        return b.build();
    }

    static Schema schema(long version, String description, List<Attr> attributes) {
        return Schema.newBuilder()
                .setVersion(version)
                .setBlock(Schema.Block.newBuilder()
                        .setDescription(description)
                        .addAllAttributes(attributes.stream().map(Attr::toProto).toList()))
                .build();
    }
}
