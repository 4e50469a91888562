package jepa.method;

import jepa.rl.Variant;
import jepa.world.CartPoleWorld;
import jepa.world.World;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Seed 003's methods: a PPO agent on CartPole, one registry entry per {@link Variant} (state, and the four
 * configurations of the paper's Fig. 3). They have no keys of their own: the world's sections (cartpole, ppo,
 * agent) configure them. Their runs act, so they run on CartPole only.
 */
public record Agent(Variant variant) implements Method {
    /** One per variant, in the paper's order (the state run first). */
    public static final List<MethodType> TYPES = Arrays.stream(Variant.values()).map(Agent::type).toList();

    private static MethodType type(Variant v) {
        return new MethodType(v.id(), Agent.class, "", Map.of(), m -> new Agent(v));
    }

    @Override public String name() { return variant.id(); }

    @Override public boolean runsOn(World world) { return world instanceof CartPoleWorld; }
}
