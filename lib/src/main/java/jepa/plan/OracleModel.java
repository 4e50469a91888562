package jepa.plan;

import jepa.world.MovingDotWorld;

/** The true dynamics as the world model: the cost of a plan is the squared pixel distance of its end to the goal. */
public record OracleModel(MovingDotWorld world) implements WorldModel {
    @Override
    public Objective toGoal(Episode e, int horizon, double maxStep) {
        return new Objective() {
            public int horizon() { return horizon; }
            public double maxStep() { return maxStep; }

            public double[] costs(double[][][] plans) {
                double[] c = new double[plans.length];
                for (int i = 0; i < plans.length; i++) {
                    float[] end = GoalReaching.execute(world, e.start(), plans[i]);
                    c[i] = Math.pow(end[0] - e.goal()[0], 2) + Math.pow(end[1] - e.goal()[1], 2);
                }
                return c;
            }
        };
    }
}
