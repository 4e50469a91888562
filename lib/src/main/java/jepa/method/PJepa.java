package jepa.method;

import com.typesafe.config.Config;
import jepa.settings.Check;
import jepa.settings.MethodConfig;
import jepa.world.Counting;
import jepa.world.World;

import java.util.Map;

/**
 * P-JEPA (seed 002, Fig. 1): an encoder E, a latent dynamics model T and an auxiliary head P trained jointly on
 * L = c_dyn·‖T(E(o), a) − E(o′)‖² + c_p·L_p(P(E(o)), p(o)), gradients into E from both terms, no stop-gradient and no
 * EMA target; Adam, the encoder at a scaled learning rate. The dynamics term is the mean over latent dimensions, as
 * F.mse_loss in the public code (its coefficients assume that). A decoder trains beside it on detached latents. Its four
 * variants are the paper's rows and the collapse baseline, each a method of the registry with its own keys:
 * <ul>
 *   <li>{@code pjepa-reward}: p = the reward 1{count = n}, two-hot soft cross-entropy on symlog(r) (Fig. 2, top);</li>
 *   <li>{@code pjepa-random}: p = a fixed random linear map of the observation to 256-D, MSE (Fig. 2, middle);</li>
 *   <li>{@code reward-only}: the reward loss alone, lr 1e-5 (Fig. 2, bottom);</li>
 *   <li>{@code dynamics-only}: the dynamics loss alone (expected to collapse, §2.3).</li>
 * </ul>
 */
public final class PJepa implements Method {
    /** The auxiliary function p: the reward, a random projection of the observation, or none. */
    public enum Aux { REWARD, RANDOM, NONE }

    /** The reward head's loss: TD-MPC2's two-hot soft cross-entropy, or MSE on symlog(r). */
    public enum RewardLoss { TWO_HOT, MSE }

    private static String lr(String value, String why) {
        return "lr = " + value + "               # Adam: " + why + "\n"
                + "encoder-lr-scale = 0.3  # the encoder's learning rate is lr times this (the public code)";
    }

    private static final String LR = lr("3e-4", "the paper's base learning rate");
    private static final String DYNAMICS = """
            dynamics-coeff = 2      # c_dyn (the public code's default)""";
    private static final String AUX = """
            aux-coeff = 10          # c_p (the public code's default)""";
    private static final String REWARD_LOSS = """
            reward-loss = "two-hot" # two-hot (TD-MPC2's 101 symlog bins, soft cross-entropy) | mse (on symlog r)""";

    public static final MethodType REWARD = new MethodType("pjepa-reward", PJepa.class, String.join("\n", DYNAMICS, AUX, REWARD_LOSS, LR),
            Map.of(), m -> of(m, Aux.REWARD, true));
    public static final MethodType RANDOM = new MethodType("pjepa-random", PJepa.class, String.join("\n", DYNAMICS, AUX, LR, """
            projection-seed = 1     # the fixed random map p(o) = W·o, W [256, 3·S·S] ~ U(±1/√(3·S·S)) (nn.Linear's init)"""),
            Map.of(), m -> of(m, Aux.RANDOM, true));
    public static final MethodType REWARD_ONLY = new MethodType("reward-only", PJepa.class,
            String.join("\n", AUX, REWARD_LOSS, lr("1e-5", "the paper's rate for this variant (3e-4 did not converge)")),
            Map.of(), m -> of(m, Aux.REWARD, false));
    public static final MethodType DYNAMICS_ONLY = new MethodType("dynamics-only", PJepa.class, String.join("\n", DYNAMICS, LR),
            Map.of(), m -> of(m, Aux.NONE, true));

    private final String name;
    private final Aux aux;
    private final boolean dynamics;
    private final double dynamicsCoeff, auxCoeff, lr, encoderLrScale;
    private final RewardLoss rewardLoss;
    private final long projectionSeed;

    PJepa(String name, Aux aux, boolean dynamics, double dynamicsCoeff, double auxCoeff, RewardLoss rewardLoss, double lr,
          double encoderLrScale, long projectionSeed) {
        if (!dynamics && aux == Aux.NONE) throw new IllegalArgumentException("a P-JEPA variant needs the dynamics or an auxiliary loss");
        this.name = name; this.aux = aux; this.dynamics = dynamics; this.dynamicsCoeff = dynamicsCoeff; this.auxCoeff = auxCoeff;
        this.rewardLoss = rewardLoss; this.lr = lr; this.encoderLrScale = encoderLrScale; this.projectionSeed = projectionSeed;
    }

    private static PJepa of(MethodConfig m, Aux aux, boolean dynamics) {
        Config c = m.keys();
        String p = "method." + m.name() + ".";
        double dyn = dynamics ? Check.number(c, p + "dynamics-coeff") : 0, auxC = aux != Aux.NONE ? Check.number(c, p + "aux-coeff") : 0;
        if (dynamics) Check.positive(p + "dynamics-coeff", dyn);
        if (aux != Aux.NONE) Check.positive(p + "aux-coeff", auxC);
        RewardLoss loss = RewardLoss.TWO_HOT;
        if (aux == Aux.REWARD) {
            String l = Check.string(c, p + "reward-loss");
            Check.oneOf(p + "reward-loss", l, "two-hot", "mse");
            loss = l.equals("mse") ? RewardLoss.MSE : RewardLoss.TWO_HOT;
        }
        double lr = Check.number(c, p + "lr"), scale = Check.number(c, p + "encoder-lr-scale");
        Check.positive(p + "lr", lr);
        Check.positive(p + "encoder-lr-scale", scale);
        long seed = aux == Aux.RANDOM ? Check.longValue(c, p + "projection-seed") : 0;
        return new PJepa(m.name(), aux, dynamics, dyn, auxC, loss, lr, scale, seed);
    }

    @Override public String name() { return name; }

    @Override public boolean runsOn(World world) { return world instanceof Counting; }

    public Aux aux() { return aux; }

    /** Whether the dynamics loss trains (its network then encodes o and o′ as one stacked batch). */
    public boolean dynamics() { return dynamics; }

    public double dynamicsCoeff() { return dynamicsCoeff; }

    public double auxCoeff() { return auxCoeff; }

    public RewardLoss rewardLoss() { return rewardLoss; }

    public double lr() { return lr; }

    public double encoderLr() { return lr * encoderLrScale; }

    public long projectionSeed() { return projectionSeed; }
}
