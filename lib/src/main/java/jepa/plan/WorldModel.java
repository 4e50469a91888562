package jepa.plan;

/** A model to plan in: the objective of reaching an episode's goal from its start over {@code horizon} actions. */
public interface WorldModel {
    Objective toGoal(Episode e, int horizon, double maxStep);
}
