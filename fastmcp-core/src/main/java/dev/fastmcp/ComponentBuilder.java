package dev.fastmcp;

/**
 * The options every component's builder has: a title, a description and who may use the component. The builders
 * of {@link Tool}, {@link Resource}, {@link ResourceTemplate} and {@link Prompt} add their own.
 *
 * @param <B> the builder itself, which each option returns so that calls chain
 */
public abstract class ComponentBuilder<B extends ComponentBuilder<B>> {

    private String title;
    private String description;
    private AccessCheck canAccess;

    ComponentBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** A human-friendly title. */
    public B title(String title) {
        this.title = title;
        return self();
    }

    /**
     * What the component is for: what a tool does (for the model; clients show it too), what a resource holds,
     * what a prompt asks.
     */
    public B description(String description) {
        this.description = description;
        return self();
    }

    /**
     * Who may see and use the component (see {@link Auth}): call the tool, read the resource, get the prompt.
     * Refused callers are told the component does not exist.
     */
    public B canAccess(AccessCheck check) {
        this.canAccess = check;
        return self();
    }

    String title() {
        return title;
    }

    String description() {
        return description;
    }

    AccessCheck canAccess() {
        return canAccess;
    }
}
