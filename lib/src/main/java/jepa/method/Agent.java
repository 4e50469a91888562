package jepa.method;

import jepa.rl.Variant;

import java.util.Map;

/**
 * Seed 003's methods: a PPO agent on CartPole, one registry entry per {@link Variant} (state, and the four
 * configurations of the paper's Fig. 3). They have no keys of their own: the world's sections (cartpole, ppo,
 * agent) configure them. Their runs act; the run protocol runs them in an acting world only.
 */
public record Agent(Variant variant) implements Method {
    public static final MethodType STATE = type(Variant.STATE), BASELINE = type(Variant.BASELINE), JEPA_RL = type(Variant.JEPA_RL),
            JEPA_ONLY = type(Variant.JEPA_ONLY), JEPA_ONLY_REG = type(Variant.JEPA_ONLY_REG);

    private static MethodType type(Variant v) {
        return new MethodType(v.id(), Agent.class, "", Map.of(), m -> new Agent(v));
    }

    @Override public String name() { return variant.id(); }

    @Override public boolean acts() { return true; }
}
