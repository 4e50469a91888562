package jepa.nn;

/**
 * TD-MPC2's (after DreamerV3) symmetric log squashing of rewards and values: symlog(x) = sign(x)·ln(1 + |x|) and its
 * inverse symexp(x) = sign(x)·(e^|x| − 1), with their derivatives. log1p/expm1 keep small |x| exact.
 */
public final class Symlog {
    private Symlog() {}

    public static double symlog(double x) { return Math.copySign(Math.log1p(Math.abs(x)), x); }

    public static double symexp(double x) { return Math.copySign(Math.expm1(Math.abs(x)), x); }

    /** d symlog / dx = 1 / (1 + |x|). */
    public static double symlogDerivative(double x) { return 1 / (1 + Math.abs(x)); }

    /** d symexp / dx = e^|x|. */
    public static double symexpDerivative(double x) { return Math.exp(Math.abs(x)); }
}
