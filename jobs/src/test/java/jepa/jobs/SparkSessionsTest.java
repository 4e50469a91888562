package jepa.jobs;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SparkSessionsTest {
    @Test
    void driverCoresFollowTheMaster() {
        SparkConf none = new SparkConf(false);
        assertEquals(1, SparkSessions.driverCores("local", none));
        assertEquals(3, SparkSessions.driverCores("local[3]", none));
        assertEquals(2, SparkSessions.driverCores("local[2,4]", none));
        assertEquals(Runtime.getRuntime().availableProcessors(), SparkSessions.driverCores("local[*]", none));
        assertEquals(1, SparkSessions.driverCores("spark://host:7077", none));
        assertEquals(4, SparkSessions.driverCores("yarn", new SparkConf(false).set("spark.driver.cores", "4")));
    }
}
