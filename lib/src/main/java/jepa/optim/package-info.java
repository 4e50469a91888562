/**
 * Optimisers and schedules of the reference (reference §4), as DL4J configuration pieces that survive JSON, clone() and
 * dl4j-spark parameter averaging.
 * <pre>{@code
 * // VICReg / SimCLR / IDM: LARS with warm-up + cosine
 * ISchedule lr = WarmupCosineSchedule.reference(baseLr, batchSize, stepsPerEpoch, epochs);
 * NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder().miniBatch(...);
 * Lars.reference().configure(b, lr);
 * ComputationGraphConfiguration conf = DuplicateRegularizationFix.apply(b.graphBuilder()...build());
 *
 * // RSSM: Adam (constant lr) + global-norm clipping at 1000
 * b.updater(ReferenceAdam.of(lr));  net.setListeners(new GlobalNormClipping(1000));
 * }</pre>
 * Under parameter averaging: the schedule counts optimizer steps per worker (set stepsPerEpoch accordingly), and the
 * training master must be built with {@code saveUpdater(true)} or the momentum state restarts from 0 every round.
 */
package jepa.optim;
