package jepa.world;

import java.util.SplittableRandom;

/**
 * Von Mises angles by Best–Fisher rejection, exactly as torch.distributions.VonMises samples them; angles are
 * returned wrapped to [−π, π). κ = 0 is the uniform distribution. StrictMath keeps draws identical across JVMs.
 */
public final class VonMises {
    private final double kappa;
    private final double proposalR;

    public VonMises(double kappa) {
        if (!(kappa >= 0) || Double.isInfinite(kappa)) throw new IllegalArgumentException("von Mises kappa must be finite and >= 0, got " + kappa);
        this.kappa = kappa;
        this.proposalR = kappa == 0 ? Double.NaN : proposalR(kappa);
    }

    public double kappa() { return kappa; }

    /** torch's _proposal_r, with its Taylor expansion 1/κ + κ for tiny κ (the exact form cancels badly there). */
    static double proposalR(double kappa) {
        if (kappa < 1e-5) return 1 / kappa + kappa;
        double tau = 1 + StrictMath.sqrt(1 + 4 * kappa * kappa);
        double rho = (tau - StrictMath.sqrt(2 * tau)) / (2 * kappa);
        return (1 + rho * rho) / (2 * rho);
    }

    /** One angle around mean direction loc, in [−π, π). */
    public double sample(double loc, SplittableRandom rng) {
        double x;
        if (kappa == 0) {
            x = Math.PI * (2 * rng.nextDouble() - 1);
        } else {
            while (true) {
                double u1 = rng.nextDouble(), u2 = rng.nextDouble(), u3 = rng.nextDouble();
                double z = StrictMath.cos(Math.PI * u1);
                double f = (1 + proposalR * z) / (proposalR + z);
                double c = kappa * (proposalR - f);
                if (c * (2 - c) - u2 > 0 || StrictMath.log(c / u2) + 1 - c >= 0) {
                    x = Math.signum(u3 - 0.5) * StrictMath.acos(f);
                    break;
                }
            }
        }
        return wrap(x + loc);
    }

    /** (a + π) mod 2π − π with a non-negative modulus, as torch's % does. */
    static double wrap(double a) {
        double m = (a + Math.PI) % (2 * Math.PI);
        if (m < 0) m += 2 * Math.PI;
        return m - Math.PI;
    }
}
